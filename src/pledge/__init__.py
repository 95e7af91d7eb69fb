"""pledge: run and model government-to-government strategic investment programmes."""

__version__ = "0.1.0"

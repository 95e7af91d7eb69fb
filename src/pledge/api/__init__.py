"""The REST API under /api/v1 (FastAPI), over ``pledge.services``."""

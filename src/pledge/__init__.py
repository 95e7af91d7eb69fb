"""pledge: run and model government-to-government strategic investment programmes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__version__ = "0.1.0"


def user_cache_dir() -> Path:
    """Where pledge keeps what it can always compute again (the compiled engines, the
    business calendars): the platform's user cache directory + ``pledge``
    (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows). Never beside the package, which may be read-only."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pledge"

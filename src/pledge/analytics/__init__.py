"""Numeric engines on numpy: the waterfall over many paths, IRR, cash-flow models, Monte Carlo.

float64 inside, vectorised or compiled with numba; results are rounded at the
boundary. Every engine here implements a rule defined once in ``pledge.domain``
and is tested against that definition.

numba's compiled engines are cached in the user's cache directory (see
:func:`numba_cache_dir`), not beside the package, so the cache works when the
installed package is read-only; ``NUMBA_CACHE_DIR`` set by the user wins.
"""

from __future__ import annotations

import os
from pathlib import Path

from pledge import user_cache_dir


def numba_cache_dir() -> Path:
    """Where the compiled engines are cached: ``NUMBA_CACHE_DIR`` if set, else the
    user cache directory (:func:`pledge.user_cache_dir`) + ``numba``.
    """
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return Path(given)
    return user_cache_dir() / "numba"


# Before numba is imported: numba reads the variable once, when it loads its config.
os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache_dir()))

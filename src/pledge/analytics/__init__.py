"""Numeric engines on numpy: the waterfall over many paths, IRR, cash-flow models, Monte Carlo.

float64 inside, vectorised or compiled with numba; results are rounded at the
boundary. Every engine here implements a rule defined once in ``pledge.domain``
and is tested against that definition.

numba's compiled engines are cached in the user's cache directory (see
:func:`numba_cache_dir`), not beside the package, so the cache works when the
installed package is read-only; ``NUMBA_CACHE_DIR`` set by the user wins.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pledge import user_cache_dir


def numba_cache_dir() -> Path:
    """Where the compiled engines are cached: ``NUMBA_CACHE_DIR`` if set, else the
    user cache directory (:func:`pledge.user_cache_dir`) + ``numba/`` + a digest of the
    engines' source files.

    numba checks a cached kernel against its own file only, so a kernel that calls one
    defined in another file would be loaded stale after that file changed; a folder per
    version of the engines' sources never holds a kernel of other sources.
    """
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return Path(given)
    return user_cache_dir() / "numba" / engines_digest()


def engines_digest() -> str:
    """The first 16 hex digits of the SHA-256 of the engines' source files, in name order."""
    digest = hashlib.sha256()
    for source in sorted((Path(__file__).parent / "engine").glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# Before numba is imported: numba reads the variable once, when it loads its config.
os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache_dir()))

"""The reader compiled to C, used only when the build matches the sources exactly.

``make compiled`` (``tools/compile_reader.py``) compiles this package's modules with mypyc
(the compiler of the type checker the project already uses) into a directory of the
virtual environment, :func:`build_dir`, and writes a manifest there: the Python it was
built for and the SHA-256 of every source of ``pledge.ingest`` and ``pledge.domain`` (a
compiled module may carry another module's constants in it). On import, the package calls
:func:`activate`: the compiled modules are put in front of the sources only when the
manifest names this Python and every one of those sources as it is now. Any edit, a
missing or partial build, another Python, or ``PLEDGE_PURE=1`` in the environment: the
package runs as Python, with the same results (``tests/ingest/test_compiled_reader.py``
compares the two on every labelled article), only slower.

Left as Python: this module and the package's ``__init__`` (they decide), and ``gazetteer``
(it runs once per process, and some of its data is typed more loosely than mypyc checks).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from pathlib import Path
from typing import Final

__all__ = ["GROUP", "KEEP_PURE", "MANIFEST", "PURE_ENV", "activate", "build_dir",
           "compiled_modules", "describe", "manifest", "problem", "sources_digest"]

GROUP: Final = "pledge_reader"
"""The name of the shared library mypyc builds for the modules together."""
PURE_ENV: Final = "PLEDGE_PURE"
DIR_ENV: Final = "PLEDGE_COMPILED_DIR"
MANIFEST: Final = "manifest.json"
KEEP_PURE: Final = frozenset({"__init__", "compiled", "gazetteer"})

_PACKAGE: Final = Path(__file__).resolve().parent
_DOMAIN: Final = _PACKAGE.parent / "domain"
_state = "pure (not yet decided)"


def build_dir() -> Path:
    """Where the compiled reader is built and looked for: ``$PLEDGE_COMPILED_DIR``, else
    ``pledge-compiled`` in the running Python's prefix (the virtual environment)."""
    configured = os.environ.get(DIR_ENV, "").strip()
    return Path(configured) if configured else Path(sys.prefix) / "pledge-compiled"


def python_tag() -> str:
    """The Python a build is for: the implementation and version, the system and machine."""
    return f"{sys.implementation.cache_tag}-{sys.platform}-{platform.machine()}"


def compiled_modules(package: Path = _PACKAGE) -> list[str]:
    """The modules of the package that are compiled, by name."""
    return sorted(p.stem for p in package.glob("*.py") if p.stem not in KEEP_PURE)


def sources_digest(package: Path = _PACKAGE, domain: Path = _DOMAIN) -> dict[str, str]:
    """SHA-256 of every source a build depends on, by its path under ``pledge/``."""
    out = {}
    for folder in (package, domain):
        for path in sorted(folder.glob("*.py")):
            out[f"{folder.name}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def manifest(package: Path = _PACKAGE, domain: Path = _DOMAIN) -> dict[str, object]:
    """What a build records of what it was built from (see the module's docstring)."""
    return {"python": python_tag(), "modules": compiled_modules(package),
            "sources": sources_digest(package, domain)}


def problem(where: Path, package: Path = _PACKAGE, domain: Path = _DOMAIN) -> str | None:
    """Why the build in ``where`` cannot stand for the sources; None when it can."""
    try:
        built = json.loads((where / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no compiled build in {where.name}"
    except (OSError, ValueError) as exc:
        return f"unreadable build manifest ({exc.__class__.__name__})"
    if not isinstance(built, dict):
        return "unreadable build manifest (not an object)"
    if built.get("python") != python_tag():
        return f"built for {built.get('python')!r}, running {python_tag()!r}"
    if built.get("sources") != sources_digest(package, domain):
        return "sources changed since the build"
    modules = built.get("modules")
    if modules != compiled_modules(package):
        return "the package's modules changed since the build"
    missing = [m for m in modules if not any((where / "pledge" / "ingest").glob(f"{m}.*.so"))]
    if missing:
        return f"build incomplete (no {missing[0]})"
    return None


def activate(package_path: list[str]) -> str:
    """Put the compiled modules before the sources of the package whose ``__path__`` is
    ``package_path`` when they may stand for them; what the package runs as, in words."""
    global _state
    if os.environ.get(PURE_ENV, "").strip():    # set to anything, as the settings read it
        _state = f"pure ({PURE_ENV} is set)"
        return _state
    where = build_dir()
    why = problem(where)
    if why is not None:
        _state = f"pure ({why})"
        return _state
    compiled = str(where / "pledge" / "ingest")
    if compiled not in package_path:
        package_path.insert(0, compiled)
    if str(where) not in sys.path:
        sys.path.append(str(where))     # the shared library the compiled modules load
    _state = f"compiled ({len(compiled_modules())} modules)"
    return _state


def describe() -> str:
    """What the reader runs as: "compiled (N modules)" or "pure (why)"."""
    return _state

"""No benchmark script may shadow a module of the standard library.

``python bench/X.py`` puts ``bench/`` first on ``sys.path``, so a script named like a
standard module (``select.py``) is imported in its place by every library that needs
it (asyncio, subprocess), and the benchmarks crash before they start.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_the_bench_folder_holds_the_scripts() -> None:
    names = {p.stem for p in BENCH.glob("*.py")}
    assert {"waterfall", "simulate", "api", "extract", "selection"} <= names


def test_no_bench_script_shadows_a_standard_library_module() -> None:
    shadowing = sorted(p.name for p in BENCH.glob("*.py")
                       if p.stem in sys.stdlib_module_names)
    assert shadowing == []


def test_no_bench_folder_shadows_a_standard_library_package() -> None:
    shadowing = sorted(p.name for p in BENCH.iterdir()
                       if p.is_dir() and p.name in sys.stdlib_module_names)
    assert shadowing == []


def test_no_bench_script_shadows_the_package_itself() -> None:
    assert not (BENCH / "pledge.py").exists()
    assert not (BENCH / "pledge").exists()

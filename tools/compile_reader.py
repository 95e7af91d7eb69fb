"""Compile the news reader (``pledge.ingest``) to C with mypyc: ``make compiled``.

Run:  .venv/bin/python tools/compile_reader.py [--out DIR] [--jobs N] [--if-stale]

The modules :func:`pledge.ingest.compiled.compiled_modules` names are compiled together
into ``DIR`` (default: ``pledge-compiled`` in the virtual environment), with the manifest
the package checks before it uses them (see ``pledge.ingest.compiled``). The build is made
in a temporary directory and moved into place only when complete, so a failed or
interrupted build leaves the previous one, or none, and the reader runs as Python.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))

from pledge.ingest import compiled  # noqa: E402  (the sources above, not an installed copy)


def build(out: Path, jobs: int) -> int:
    from mypyc.build import mypycify  # only the build needs them
    from setuptools import setup

    modules = compiled.compiled_modules()
    # (what the build is made from, read before it: a source edited while it compiles
    # differs from this, and the finished build is refused below)
    built_from = compiled.manifest()
    started = time.perf_counter()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pledge-build-", dir=out.parent) as tmp:
        staging, work = Path(tmp) / "out", Path(tmp) / "work"
        cwd = Path.cwd()
        os.chdir(SRC)       # mypyc names modules by their paths from here
        try:
            extensions = mypycify([f"pledge/ingest/{m}.py" for m in modules], opt_level="3",
                                  group_name=compiled.GROUP, multi_file=True,
                                  target_dir=str(work / "c"))
            setup(name="pledge-reader-compiled", ext_modules=extensions,
                  script_args=["--quiet", "build_ext", "--build-lib", str(staging),
                               "--build-temp", str(work / "o"), "--parallel", str(jobs)])
        finally:
            os.chdir(cwd)
        (staging / compiled.MANIFEST).write_text(json.dumps(built_from, indent=1),
                                                 encoding="utf-8")
        problem = compiled.problem(staging)
        if problem is not None:
            print(f"compile_reader: the build is not usable: {problem}", file=sys.stderr)
            return 1
        old = Path(tmp) / "old"
        if out.exists():
            out.rename(old)
        staging.rename(out)
    print(f"compiled {len(modules)} modules of pledge.ingest into {out} "
          f"in {time.perf_counter() - started:.0f} s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=compiled.build_dir())
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--if-stale", action="store_true",
                    help="build only when the build in --out does not match the sources")
    args = ap.parse_args()
    if args.if_stale and compiled.problem(args.out) is None:
        print(f"the compiled reader in {args.out} matches the sources")
        return 0
    if args.out.exists() and not (args.out / compiled.MANIFEST).exists() \
            and any(args.out.iterdir()):
        sys.exit(f"compile_reader: {args.out} is not a build of the reader; not replacing it")
    return build(args.out, max(1, args.jobs))


if __name__ == "__main__":
    sys.exit(main())

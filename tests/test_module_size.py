"""No module of the package is over 500 lines unless it says why it must be.

A file that has one job stays readable; a longer one is allowed only when one
algorithm truly needs the room, and its docstring then has a line starting with
"One algorithm:" that says which and why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "pledge"
LIMIT = 500
REASON = "One algorithm:"

# TEMPORARY: modules over the limit that are being split while this test lands. The list
# is to be emptied as each split is merged; do not add to it.
BEING_SPLIT: frozenset[str] = frozenset({
})


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def says_why(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return any(line.strip().startswith(REASON) and len(line.strip()) > len(REASON)
               for line in doc.splitlines())


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_module_is_short_or_says_why(path: Path) -> None:
    name = path.relative_to(SRC).as_posix()
    if name in BEING_SPLIT:
        pytest.skip(f"{name} is being split (temporary allow-list)")
    n = lines_of(path)
    assert n <= LIMIT or says_why(path), (
        f"{name} has {n} lines (more than {LIMIT}): split it, or give its docstring a line "
        f"starting with {REASON!r} that says which algorithm needs the room and why")


def test_the_allow_list_names_only_modules_still_over() -> None:
    done = sorted(name for name in BEING_SPLIT
                  if not (SRC / name).is_file() or lines_of(SRC / name) <= LIMIT)
    assert not done, f"split already (or gone): take them off BEING_SPLIT: {done}"


def test_the_reason_must_be_in_the_docstring(tmp_path: Path) -> None:
    body = "x = 1\n" * (LIMIT + 1)
    bare = tmp_path / "bare.py"
    bare.write_text('"""A long module."""\n' + body, encoding="utf-8")
    comment = tmp_path / "comment.py"
    comment.write_text('"""A long module."""\n# One algorithm: not in the docstring\n' + body,
                       encoding="utf-8")
    empty = tmp_path / "empty.py"
    empty.write_text('"""A long module.\n\nOne algorithm:\n"""\n' + body, encoding="utf-8")
    told = tmp_path / "told.py"
    told.write_text('"""A long module.\n\nOne algorithm: the sweep keeps its state in one '
                    'loop.\n"""\n' + body, encoding="utf-8")
    assert [says_why(p) for p in (bare, comment, empty, told)] == [False, False, False, True]
    assert lines_of(told) > LIMIT

"""Every ``type: ignore`` in the code and the tests names what it silences and says why.

A silenced error must be one error code, or a few, and a reason on the same line after it:
``x = f()  # type: ignore[no-any-return]  # f is untyped``. A bare ``type: ignore`` hides
every error of the line, and one with no reason leaves the next reader to guess whether it
can go. (mypy itself reports the ones that no longer silence anything: warn_unused_ignores.)
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ANY_IGNORE = re.compile(r"type:\s*ignore", re.IGNORECASE)
# The ignore with its codes in brackets, then a second comment with some words in it.
WELL_FORMED = re.compile(
    r"^#\s*type:\s*ignore\[[a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*\]\s+#\s*\w.*\w")


def ignores_without_reason(source: str) -> list[tuple[int, str]]:
    """The lines (number, comment) whose ``type: ignore`` lacks a code or a reason."""
    bad = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if (token.type == tokenize.COMMENT and ANY_IGNORE.search(token.string)
                and not WELL_FORMED.match(token.string)):
            bad.append((token.start[0], token.string))
    return bad


@pytest.mark.parametrize(("line", "ok"), [
    ("x = f()  # type: ignore[no-any-return]  # f comes from an untyped library\n", True),
    ("import a  # type: ignore[import-untyped, attr-defined]  # a ships no stubs\n", True),
    ("x = f()  # type: ignore\n", False),
    ("x = f()  # type: ignore  # f is untyped\n", False),
    ("x = f()  # type: ignore[no-any-return]\n", False),
    ("x = f()  # type: ignore[no-any-return]  #\n", False),
    ("x = f()  # type:ignore[misc]\n", False),
    ("x = f()  # TYPE: IGNORE[misc]\n", False),
    ("x = 'a string that says # type: ignore'\n", True),
    ("x = f()  # a comment, then  # type: ignore[misc]\n", False),
])
def test_the_check_tells_a_reasoned_ignore_from_the_rest(line: str, ok: bool) -> None:
    assert (ignores_without_reason(line) == []) is ok


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    files = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")])
    assert len(files) > 100  # the walk found the code
    bad = [f"{path.relative_to(ROOT)}:{number}: {comment}"
           for path in files
           for number, comment in ignores_without_reason(path.read_text(encoding="utf-8"))]
    assert bad == [], "type: ignore without an error code and a reason:\n" + "\n".join(bad)

"""The notebook page (``docs/notebook.md``) runs: its ``python`` blocks, in order and in
one namespace, in an empty folder with the default database (made there, as a first
session would make it); its ``python no-run`` blocks (charts: matplotlib is not a
dependency) parse."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "notebook.md"
FENCE = re.compile(r"^```(\S*)(?:[ \t]+(\S+))?[ \t]*$")


def blocks() -> list[tuple[int, str, str]]:
    """(line, info, code) of every fenced block whose language is python."""
    out: list[tuple[int, str, str]] = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1):
            start, info = i + 1, " ".join(g for g in m.groups() if g)
            i += 1
            body: list[str] = []
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if m.group(1) == "python":
                out.append((start, info, "\n".join(body) + "\n"))
        i += 1
    return out


def test_the_page_has_blocks_to_run_and_only_known_kinds() -> None:
    found = blocks()
    assert {info for _, info, _ in found} == {"python", "python no-run"}
    assert sum(info == "python" for _, info, _ in found) >= 6


def test_the_chart_blocks_parse_and_only_draw() -> None:
    for line, info, code in blocks():
        if info == "python no-run":
            ast.parse(code, filename=f"{DOC.name}:{line}")
            assert ".plot(" in code, f"line {line}: a block not run must draw a chart"


def test_the_notebook_page_runs_on_a_fresh_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGE_DATABASE_URL", raising=False)
    namespace: dict[str, object] = {"__name__": "notebook_page"}
    for line, info, code in blocks():
        if info == "python":
            # blank lines first, so a traceback names the page's own line numbers
            exec(compile("\n" * line + code, str(DOC), "exec"), namespace)
    assert (tmp_path / "pledge.db").is_file()
    printed = capsys.readouterr().out
    assert "db notebook.unreachable" in printed
    assert "53.00" in printed
    assert "keep at most" in printed

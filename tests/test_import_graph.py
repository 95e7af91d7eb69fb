"""The layering of ``docs/architecture.md``, checked against the real import graph.

The document's layer table is read here, so the document and the code cannot drift:

- every package (and top-level module) under ``src/pledge`` has a row, and imports,
  besides the standard library and itself, only what its row names, of ours and of
  third parties;
- every name a row gives is imported by some module of its package, unless the row
  writes it in parentheses (allowed, not yet used); rows of packages not in the tree
  are skipped;
- neither the rows nor the real imports make a loop between packages;
- each table of modules (``| module | owns |``) lists exactly the modules of its
  package, and every source path the document names exists.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pledge"
DOC = ROOT / "docs" / "architecture.md"
TABLE_HEADER = "| package | may import of ours | may import of third parties |"


def imports_of(path: Path) -> set[str]:
    """Every module name ``path`` imports (relative imports resolved; ``from a import b``
    gives ``a.b`` as well as ``a``, so a submodule imported by name is seen)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = path.relative_to(SRC.parent).with_suffix("").parts
                base = ".".join(parts[:-node.level])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def unit_of_path(path: Path) -> str:
    """The package (or top-level module) a source file belongs to: ``pledge.services``,
    ``pledge.settings``, ``pledge`` for the package's own ``__init__``."""
    rel = path.relative_to(SRC)
    if len(rel.parts) > 1:
        return f"pledge.{rel.parts[0]}"
    return "pledge" if rel.stem == "__init__" else f"pledge.{rel.stem}"


def source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


UNITS = sorted({unit_of_path(p) for p in source_files()})


def unit_of_name(name: str) -> str | None:
    """Our package a module name lies in, or None for another distribution's."""
    parts = name.split(".")
    if parts[0] != "pledge":
        return None
    if len(parts) > 1 and f"pledge.{parts[1]}" in UNITS:
        return f"pledge.{parts[1]}"
    return "pledge"


def third_party(name: str) -> str | None:
    top = name.split(".")[0]
    if top == "pledge" or top in sys.stdlib_module_names:
        return None
    return top


def actual() -> dict[str, tuple[set[str], set[str]]]:
    """Each package's imports: (our packages, third-party top-level names)."""
    out: dict[str, tuple[set[str], set[str]]] = {u: (set(), set()) for u in UNITS}
    for path in source_files():
        ours, theirs = out[unit_of_path(path)]
        for name in imports_of(path):
            if (unit := unit_of_name(name)) is not None:
                ours.add(unit)
            elif (top := third_party(name)) is not None:
                theirs.add(top)
    for unit, (ours, _) in out.items():
        ours.discard(unit)
    return out


class Row:
    """One row of the layer table: the names allowed, and those of them not yet used."""

    def __init__(self, ours: str, theirs: str) -> None:
        self.ours = set(re.findall(r"`([^`]+)`", ours))
        self.theirs = set(re.findall(r"`([^`]+)`", theirs))
        self.planned = set(re.findall(r"\(`([^`]+)`\)", ours + theirs))


def layer_table(text: str) -> dict[str, Row]:
    lines = text.splitlines()
    start = lines.index(TABLE_HEADER)
    rows: dict[str, Row] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 3, f"a layer row has three cells: {line}"
        [package] = re.findall(r"`([^`]+)`", cells[0])
        assert package not in rows, f"{package} has two rows"
        rows[package] = Row(cells[1], cells[2])
    return rows


TABLE = layer_table(DOC.read_text(encoding="utf-8"))
IMPORTS = actual()


def test_the_table_is_read() -> None:
    assert {"pledge.domain", "pledge.services", "pledge.api", "pledge.web"} <= set(TABLE)
    assert TABLE["pledge.domain"].ours == set() and TABLE["pledge.domain"].theirs == set()
    assert "sqlalchemy" in TABLE["pledge.store"].theirs


def test_every_package_has_a_row() -> None:
    missing = [u for u in UNITS if u not in TABLE]
    assert not missing, f"docs/architecture.md has no layer row for {missing}"


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_each_module_imports_only_what_its_row_allows(path: Path) -> None:
    unit = unit_of_path(path)
    row = TABLE[unit]
    for name in sorted(imports_of(path)):
        if (ours := unit_of_name(name)) is not None:
            assert ours == unit or ours in row.ours, (
                f"{path.relative_to(SRC)} imports {name}: {unit} may import "
                f"{sorted(row.ours)} of ours (docs/architecture.md)")
        elif (top := third_party(name)) is not None:
            assert top in row.theirs, (
                f"{path.relative_to(SRC)} imports third-party {name}: {unit} may import "
                f"{sorted(row.theirs)} (docs/architecture.md)")


@pytest.mark.parametrize("unit", sorted(TABLE), ids=str)
def test_every_name_in_a_row_is_used(unit: str) -> None:
    if unit not in IMPORTS:
        pytest.skip(f"{unit} is not in the tree yet")
    row = TABLE[unit]
    ours, theirs = IMPORTS[unit]
    unused = (row.ours - ours) | (row.theirs - theirs)
    assert not unused - row.planned, (
        f"docs/architecture.md lets {unit} import {sorted(unused - row.planned)}, which it "
        f"does not (remove them, or write them in parentheses if they are planned)")


def loop_in(graph: dict[str, set[str]]) -> list[str] | None:
    """A loop in ``graph`` (as the list of its nodes, first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_no_loop_between_packages() -> None:
    real = loop_in({u: ours for u, (ours, _) in IMPORTS.items()})
    assert real is None, f"packages import each other in a loop: {' -> '.join(real)}"
    allowed = loop_in({u: row.ours for u, row in TABLE.items()})
    assert allowed is None, f"the layer table allows a loop: {' -> '.join(allowed)}"


def test_the_loop_finder_finds_loops() -> None:
    assert loop_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert loop_in({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def module_tables(text: str) -> dict[str, set[str]]:
    """The modules each ``| module | owns |`` table lists, by the package of its section
    (the heading's `pkg/`)."""
    out: dict[str, set[str]] = {}
    package: str | None = None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## "):
            found = re.search(r"`(\w+)/`", line)
            package = found.group(1) if found else None
        elif line.startswith("| module | owns |") and package is not None:
            rows = out.setdefault(package, set())
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.update(re.findall(r"`(\w+\.py)`", row.split("|")[1]))
    return out


def test_each_module_table_lists_exactly_the_modules_of_its_package() -> None:
    tables = module_tables(DOC.read_text(encoding="utf-8"))
    assert {"domain", "analytics"} <= set(tables)
    for package, listed in tables.items():
        present = {p.name for p in (SRC / package).glob("*.py") if p.name != "__init__.py"}
        assert listed == present, (
            f"docs/architecture.md's table of {package}/: missing {sorted(present - listed)}, "
            f"no such module {sorted(listed - present)}")


def test_every_source_path_the_document_names_exists() -> None:
    named = set(re.findall(r"`((?:\w+/)+\w+\.py)(?::\w+)?`",
                           DOC.read_text(encoding="utf-8")))
    assert "api/errors.py" in named or "server/errors.py" in named
    missing = [n for n in sorted(named) if not (SRC / n).exists() and not (ROOT / n).exists()]
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"


@pytest.mark.parametrize("path", sorted((SRC / "cli").rglob("*.py")), ids=lambda p: p.name)
def test_cli_goes_through_services(path: Path) -> None:
    for name in imports_of(path):
        assert not name.startswith("pledge.store.tables"), f"{path.name} imports {name}"
        assert not name.startswith("sqlalchemy.orm"), f"{path.name} imports {name}"


def test_the_checker_sees_forbidden_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlalchemy.orm\nfrom pledge.store import db\n")
    assert imports_of(probe) == {"sqlalchemy.orm", "pledge.store", "pledge.store.db"}
    assert unit_of_name("pledge.store.db") == "pledge.store"
    assert third_party("sqlalchemy.orm") == "sqlalchemy" and third_party("json") is None

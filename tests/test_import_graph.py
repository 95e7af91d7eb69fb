"""The layering, checked against the real import graph.

``domain/`` imports only the standard library and itself; nothing of ours from
outside it, and no SQLAlchemy, FastAPI, Typer or other third-party package.
Edges (cli) reach the store only through services.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "pledge"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            pkg = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-node.level])
            found.add(f"{pkg}.{node.module}" if node.module else pkg)
    return found


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("domain"), ids=lambda p: p.name)
def test_domain_imports_only_stdlib_and_itself(path: Path) -> None:
    for name in imports_of(path):
        top = name.split(".")[0]
        if top == "pledge":
            assert name == "pledge.domain" or name.startswith("pledge.domain."), (
                f"{path.name} imports {name}")
        else:
            assert top in sys.stdlib_module_names, f"{path.name} imports third-party {name}"


# Packages held to a list: what each may import besides the standard library (ours by
# package prefix, third-party by top-level name).
ALLOWED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # News text -> proposed facts: pure reading, no database, no web framework, no model.
    # charset_normalizer (pure Python, no I/O) tells the encoding of an article's bytes
    # when neither a byte-order mark, UTF-8 nor a declared charset reads them.
    "ingest": (("pledge.domain", "pledge.ingest"), ("charset_normalizer",)),
    # Writers per format: rows in, bytes out; no database, no services.
    "exports": (("pledge.domain", "pledge.exports"), ("openpyxl", "icalendar")),
}


@pytest.mark.parametrize(("package", "path"),
                         [(pkg, p) for pkg in ALLOWED for p in modules(pkg)],
                         ids=lambda x: x.name if isinstance(x, Path) else x)
def test_listed_packages_import_only_what_they_may(package: str, path: Path) -> None:
    ours, third_party = ALLOWED[package]
    for name in imports_of(path):
        top = name.split(".")[0]
        if top == "pledge":
            assert any(name == p or name.startswith(p + ".") for p in ours), (
                f"{package}/{path.name} imports {name}")
        else:
            assert top in sys.stdlib_module_names or top in third_party, (
                f"{package}/{path.name} imports third-party {name}")


@pytest.mark.parametrize("path", modules("cli"), ids=lambda p: p.name)
def test_cli_goes_through_services(path: Path) -> None:
    for name in imports_of(path):
        assert not name.startswith("pledge.store.tables"), f"{path.name} imports {name}"
        assert not name.startswith("sqlalchemy.orm"), f"{path.name} imports {name}"


def test_the_checker_sees_forbidden_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlalchemy.orm\nfrom pledge.store import db\n")
    assert imports_of(probe) == {"sqlalchemy.orm", "pledge.store"}

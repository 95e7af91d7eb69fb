"""The compiled reader (``make compiled``): used only when its build matches the sources,
and reading every labelled article exactly as the Python modules do.

The suite runs the reader as Python (``PLEDGE_PURE`` is set in ``tests/conftest.py``);
the comparison runs the compiled reader in a process of its own. It needs a build: the
suite's ``make test`` makes one when the sources changed; without one it is skipped.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pledge.ingest import compiled
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import KnownProject
from pledge.ingest.phrases import PhraseMatcher
from pledge.services.news import shipped_projects

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "pledge" / "ingest"
DOMAIN = ROOT / "src" / "pledge" / "domain"
NEWS = ROOT / "tests" / "data" / "news"


def fake_build(where: Path, package: Path = PACKAGE, domain: Path = DOMAIN) -> Path:
    """A build directory whose manifest matches the sources, with a file for every module
    (empty: only ``problem`` reads it, nothing loads it)."""
    (where / "pledge" / "ingest").mkdir(parents=True)
    for name in compiled.compiled_modules(package):
        (where / "pledge" / "ingest" / f"{name}.cpython-311-x.so").write_bytes(b"")
    (where / compiled.MANIFEST).write_text(json.dumps(compiled.manifest(package, domain)))
    return where


def test_a_build_matching_the_sources_may_stand_for_them(tmp_path: Path) -> None:
    assert compiled.problem(fake_build(tmp_path / "b")) is None


def test_no_build_or_an_unreadable_manifest_is_refused(tmp_path: Path) -> None:
    assert compiled.problem(tmp_path) == f"no compiled build in {tmp_path.name}"
    (tmp_path / compiled.MANIFEST).write_text("{not json")
    assert "unreadable build manifest" in str(compiled.problem(tmp_path))
    (tmp_path / compiled.MANIFEST).write_text("[]")
    assert "unreadable build manifest" in str(compiled.problem(tmp_path))


def test_a_build_for_another_python_is_refused(tmp_path: Path) -> None:
    where = fake_build(tmp_path / "b")
    data = json.loads((where / compiled.MANIFEST).read_text())
    data["python"] = "cpython-310-linux-x86_64"
    (where / compiled.MANIFEST).write_text(json.dumps(data))
    assert "built for 'cpython-310-linux-x86_64'" in str(compiled.problem(where))


def test_any_edit_of_the_reader_or_the_domain_refuses_the_build(tmp_path: Path) -> None:
    package, domain = tmp_path / "ingest", tmp_path / "domain"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DOMAIN, domain, ignore=shutil.ignore_patterns("__pycache__"))
    where = fake_build(tmp_path / "b", package, domain)
    assert compiled.problem(where, package, domain) is None
    for edited in (package / "statuses.py", package / "facts.py", domain / "money.py"):
        before = edited.read_bytes()
        edited.write_bytes(before + b"\n# an edit\n")
        assert compiled.problem(where, package, domain) == "sources changed since the build"
        edited.write_bytes(before)
    assert compiled.problem(where, package, domain) is None


def test_a_partial_build_is_refused(tmp_path: Path) -> None:
    where = fake_build(tmp_path / "b")
    first = compiled.compiled_modules()[0]
    next((where / "pledge" / "ingest").glob(f"{first}.*")).unlink()
    assert compiled.problem(where) == f"build incomplete (no {first})"


def test_activate_leaves_the_sources_when_pure_is_asked_or_the_build_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path: list[str] = ["src"]
    monkeypatch.setenv(compiled.DIR_ENV, str(fake_build(tmp_path / "b")))
    monkeypatch.setenv(compiled.PURE_ENV, "1")
    assert compiled.activate(path) == "pure (PLEDGE_PURE is set)"
    assert path == ["src"]
    monkeypatch.setenv(compiled.PURE_ENV, "")
    monkeypatch.setenv(compiled.DIR_ENV, str(tmp_path / "none"))
    assert compiled.activate(path) == "pure (no compiled build in none)"
    assert path == ["src"]
    assert compiled.describe() == "pure (no compiled build in none)"


def test_activate_puts_a_matching_build_first(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    where = fake_build(tmp_path / "b")
    monkeypatch.setenv(compiled.DIR_ENV, str(where))
    monkeypatch.delenv(compiled.PURE_ENV)
    monkeypatch.setattr(sys, "path", list(sys.path))
    path: list[str] = ["src"]
    assert compiled.activate(path) == f"compiled ({len(compiled.compiled_modules())} modules)"
    assert path == [str(where / "pledge" / "ingest"), "src"]
    assert str(where) in sys.path


def test_records_sent_to_reading_processes_are_pickled_by_their_fields(
        gazetteer: Gazetteer) -> None:
    """What a compiled build can pickle too: a project and a phrase matcher are rebuilt
    from their fields and entries, and work the same."""
    project = shipped_projects()[0]
    assert isinstance(project, KnownProject)
    assert pickle.loads(pickle.dumps(project)) == project
    matcher = gazetteer.org_matcher
    assert isinstance(matcher, PhraseMatcher)
    again = pickle.loads(pickle.dumps(matcher))
    text = "Toshiba and Hitachi join SoftBank Group on the Ohio plant."
    assert [(h.start, h.end, h.value) for h in again.finditer(text)] \
        == [(h.start, h.end, h.value) for h in matcher.finditer(text)]
    assert len(again) == len(matcher)


_READ_ALL = """
import hashlib, json, pickle, sys
from pathlib import Path
from pledge.ingest import compiled
from pledge.ingest.extract import extract
from pledge.ingest.gazetteer import load
from pledge.ingest.match import ProjectIndex
from pledge.services.news import shipped_projects
from pledge.services.news_reading import read_on_processes
gaz = load()
projects = shipped_projects()
index = ProjectIndex(projects, gaz)
items = []
for path in sorted(Path(sys.argv[1]).iterdir()):
    if path.suffix in (".txt", ".html"):
        outlet = json.loads(path.with_suffix(".json").read_text()).get("outlet", "")
        items.append((path.name, path.read_text(encoding="utf-8"), None, outlet))
def digest(e):
    return hashlib.sha256(repr(e).encode()).hexdigest()
found = [extract(t, source=s, gazetteer=gaz, projects=index, html=h, name=s, outlet=o)
         for s, t, h, o in items]
serial = [digest(e) for e in found]
back = pickle.loads(pickle.dumps(found))
pickled = [digest(e) for e in back] if back == found else []
parallel = [digest(e) for e in read_on_processes(items[:24], projects, gaz, 2)]
print(json.dumps({"state": compiled.describe(), "serial": serial, "pickled": pickled,
                  "parallel": parallel}))
"""


def read_all(pure: bool) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    if pure:
        env[compiled.PURE_ENV] = "1"
    env["PYTHONPATH"] = str(ROOT / "src")
    out = subprocess.run([sys.executable, "-c", _READ_ALL, str(NEWS)], env=env,
                         capture_output=True, text=True, timeout=600, check=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_the_compiled_reader_reads_every_labelled_article_as_the_python_one() -> None:
    why = compiled.problem(compiled.build_dir())
    if why is not None:
        pytest.skip(f"no usable compiled build ({why}): make compiled")
    fast, slow = read_all(pure=False), read_all(pure=True)
    assert fast["state"] == f"compiled ({len(compiled.compiled_modules())} modules)"
    assert slow["state"] == "pure (PLEDGE_PURE is set)"
    assert isinstance(fast["serial"], list) and len(fast["serial"]) > 100
    assert fast["serial"] == slow["serial"]
    # pickled and read back in the process (records as rows of values, rebuilt compiled)
    assert fast["pickled"] == slow["pickled"] == fast["serial"]
    # on reading processes too (records pickled both ways between compiled processes)
    assert fast["parallel"] == slow["parallel"] == fast["serial"][:24]

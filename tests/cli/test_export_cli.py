"""``pledge export ...``: formats, standard output or a file written atomically, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]  # openpyxl has no inline types; see pyproject.toml on its stubs
import pytest
from icalendar import Calendar

from tests.clirunner import Cli


def notify_copper(cli: Cli) -> None:
    for args in (("advance", "32", "--to", "under_review", "--actor", "cc", "--role", "cc_jp",
                  "--on", "2026-03-31"),
                 ("advance", "32", "--to", "finalist", "--actor", "ic", "--role", "ic",
                  "--on", "2026-03-31"),
                 ("consult", "32", "--kind", "committee", "--actor", "cc", "--role", "cc_jp",
                  "--on", "2026-04-01"),
                 ("advance", "32", "--to", "recommended", "--actor", "ic", "--role", "ic",
                  "--on", "2026-04-02"),
                 ("advance", "32", "--to", "selected", "--actor", "potus", "--role",
                  "president", "--on", "2026-04-03"),
                 ("advance", "32", "--to", "notified", "--actor", "ic", "--role", "ic",
                  "--on", "2026-04-06")):
        code, _, err = cli("projects", *args)
        assert code == 0, err


def test_projects_csv_to_standard_output(cli: Cli) -> None:
    code, out, err = cli("export", "projects")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 32 and rows[0]["id"] == "1"
    code, out, _ = cli("export", "projects", "--status", "selected", "--format", "csv")
    assert code == 0
    assert sorted(int(r["id"]) for r in csv.DictReader(io.StringIO(out))) == [24, 25, 26]


def test_xlsx_needs_a_file(cli: Cli) -> None:
    for args in (("projects", "--format", "xlsx"),
                 ("ledger", "--framework", "japan", "--format", "xlsx")):
        code, out, err = cli("export", *args)
        assert code == 2 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: --out=") and "[export.needs_file]" in lines[0]


def test_xlsx_to_a_file_by_flag_or_suffix(cli: Cli, tmp_path: Path) -> None:
    by_flag = tmp_path / "projects.bin"
    assert cli("export", "projects", "--format", "xlsx", "--out", str(by_flag))[0] == 0
    assert openpyxl.load_workbook(io.BytesIO(by_flag.read_bytes())).sheetnames == ["Projects"]
    by_suffix = tmp_path / "ledger.xlsx"
    code, out, _ = cli("export", "ledger", "--framework", "japan", "--out", str(by_suffix))
    assert code == 0 and out == ""
    assert openpyxl.load_workbook(by_suffix).sheetnames == ["Postings", "Balances"]


def test_ledger_csv_and_its_errors(cli: Cli, tmp_path: Path) -> None:
    out_file = tmp_path / "ledger.csv"
    assert cli("export", "ledger", "--framework", "japan", "--out", str(out_file))[0] == 0
    rows = list(csv.DictReader(out_file.open(encoding="utf-8", newline="")))
    assert rows and rows[0]["kind"] == "commitment"
    code, _, err = cli("export", "ledger")
    assert code == 2 and "--framework" in err
    code, _, err = cli("export", "ledger", "--framework", "atlantis")
    assert code == 2 and "[framework.unknown]" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("export", "projects", "--format", "pdf")
    assert code == 2 and err.startswith("error: format=pdf")


def test_deadlines_as_icalendar(cli: Cli, tmp_path: Path) -> None:
    notify_copper(cli)
    code, out, err = cli("export", "deadlines", "--framework", "japan", "--on", "2026-04-06")
    assert code == 0, err
    events = {str(e["UID"]): e for e in Calendar.from_ical(out).walk("VEVENT")}
    assert len(events) == 4
    assert events["project-32-funding@pledge"].decoded("DTSTART") == date(2026, 6, 9)
    feed = tmp_path / "deadlines.ics"
    assert cli("export", "deadlines", "--out", str(feed))[0] == 0
    assert len(Calendar.from_ical(feed.read_bytes()).walk("VEVENT")) == 4


def test_project_as_oc4ids(cli: Cli) -> None:
    code, out, err = cli("export", "project", "24")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["id"] == "oc4ids-pledge-24"
    # the primary estimate (METI's); Commerce's US$33bn is kept beside it
    assert doc["budget"]["amountRange"] == {"low": 33300000000,
                                            "high": 33300000000, "currency": "USD"}
    code, out, err = cli("export", "project", "999")
    assert (code, out) == (2, "")
    assert err.strip() == "error: id=999: no project with this id [project.unknown]"


def test_a_failed_write_leaves_the_old_file_whole(cli: Cli, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "projects.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    renames: list[tuple[str, str]] = []

    def failing_replace(src: str, dst: str) -> None:
        renames.append((str(src), str(dst)))
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", failing_replace)
    code, out, err = cli("export", "projects", "--out", str(target))
    monkeypatch.undo()
    assert code == 2 and out == ""
    assert err.strip() == f"error: file={target}: No space left on device"
    # it wrote a temporary file in the same directory and only then renamed it
    [(src, dst)] = renames
    assert Path(src).parent == target.parent and Path(dst) == target
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.csv"]


def test_a_failed_export_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "ledger.csv"
    target.write_text("keep me\n", encoding="utf-8")
    code, _, _ = cli("export", "ledger", "--framework", "atlantis", "--out", str(target))
    assert code == 2
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.csv"]
    missing = tmp_path / "no" / "such" / "dir.csv"
    code, _, err = cli("export", "projects", "--out", str(missing))
    assert code == 2 and err.strip() == f"error: file={missing}: No such file or directory"


def test_oc4ids_on_the_command_line_and_the_api_is_one_model(cli: Cli, sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    from pledge.app import create_app
    from pledge.domain.lifecycle import Role
    from pledge.models import keys_of
    from pledge.models.exports import OC4IDSProject
    from pledge.services.base import Actor
    from pledge.services.users import add_user
    from pledge.store.db import make_engine

    code, out, err = cli("export", "project", "24")
    assert code == 0, err
    doc = json.loads(out)
    token = add_user(make_engine(sqlite_url), "reader", "analyst",
                     Actor("setup", Role.ADMIN)).token
    with TestClient(create_app(sqlite_url)) as client:
        r = client.get("/api/v1/projects/24/oc4ids",
                       headers={"Authorization": f"Bearer {token}"})
        published = client.get("/openapi.json").json()
    assert r.status_code == 200
    answer = r.json()
    # The same model, so the same keys (those the document has, in the model's order).
    assert list(doc) == list(answer) == [k for k in keys_of(OC4IDSProject) if k in doc]
    assert list(doc["pledge"]) == list(answer["pledge"])
    # Only the related projects' addresses need a server.
    assert {k: v for k, v in doc.items() if k != "relatedProjects"} == {
        k: v for k, v in answer.items() if k != "relatedProjects"}
    ok = published["paths"]["/api/v1/projects/{project_id}/oc4ids"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OC4IDSProject"}

"""Every stage is reached through the lifecycle: creation (API, CLI, services) accepts only
the entry stage, an imported row reported further along becomes a sourced stage report, and
the default data's selected projects got there step by step, by the roles the lifecycle
names. On SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import RULES, Stage
from pledge.services import projects
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import reading, transaction
from tests.clirunner import Cli

ADMIN = Actor.of("admin", "admin")
CC_JP = Actor.of("Akazawa", "cc_jp")
LATER = ["under_review", "finalist", "recommended", "selected", "notified", "funded",
         "declined", "operating", "recouped", "closed", "withdrawn"]
# The first tranche as the shipped list names it, and its ids after `pledge init`.
FIRST_TRANCHE = {24: "Portsmouth Powered Land Project (9.2 GW natural gas power plant for AI "
                     "data centers)",
                 25: "Texas GulfLink deepwater crude oil export terminal",
                 26: "HPHT synthetic diamond grit facility"}


def counts(engine: Engine) -> dict[str, int]:
    with reading(engine) as s:
        return {name: s.execute(select(func.count()).select_from(tbl)).scalar_one()
                for name, tbl in (("projects", t.projects), ("transitions", t.transitions),
                                  ("audit", t.audit_log), ("postings", t.postings),
                                  ("estimates", t.estimates), ("sponsors", t.sponsors),
                                  ("status_reports", t.status_reports))}


def rows(engine: Engine, table: Any, pid: int) -> list[dict[str, Any]]:
    with reading(engine) as s:
        return [dict(r._mapping) for r in s.execute(
            select(table).where(table.c.project_id == pid).order_by(table.c.id))]


@pytest.fixture
def client(engine: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = add_user(engine, "akazawa", "cc_jp", ADMIN).token
    with TestClient(create_app(engine.url.render_as_string(hide_password=False))) as c:
        yield c, {"Authorization": f"Bearer {token}"}


# --- creation ---------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["notified", "funded", "selected", "operating", "closed",
                                    "under_review"])
def test_the_api_refuses_to_create_a_project_past_proposed(
        engine: Engine, client: tuple[TestClient, dict[str, str]], status: str) -> None:
    c, headers = client
    before = counts(engine)
    r = c.post("/api/v1/projects", headers=headers, json={
        "name": "x", "sector": "energy", "status": status, "amount": "US$50bn",
        "source": "https://example.org/x", "reported_on": "2026-03-01"})
    assert r.status_code == 422, r.json()
    err = r.json()["error"]
    assert (err["field"], err["code"]) == ("status", "lifecycle.not_entry_stage")
    assert err["problems"][0]["field"] == "body.status"
    assert counts(engine) == before


def test_the_api_creates_at_the_entry_stage(
        engine: Engine, client: tuple[TestClient, dict[str, str]]) -> None:
    c, headers = client
    r = c.post("/api/v1/projects", headers=headers, json={
        "name": "New terminal", "sector": "energy", "status": "candidate"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "proposed" and body["status_reports"] == []
    assert [(x["from_stage"], x["to_stage"]) for x in body["transitions"]] == [
        (None, "proposed")]


@pytest.mark.parametrize("status", ["notified", "funded", "selected", "finalist"])
def test_the_service_refuses_a_later_stage_and_writes_nothing(engine: Engine,
                                                              status: str) -> None:
    before = counts(engine)
    with pytest.raises(InvalidInput) as err:
        projects.add_project(engine, projects.NewProject(
            name="Fast track", sector="energy", status=status, amount_text="US$50bn",
            reported_on="2026-03-01", source="https://example.org/x"), CC_JP)
    p = err.value.first
    assert (p.field, p.value, p.rule) == ("status", status, "lifecycle.not_entry_stage")
    assert counts(engine) == before


def test_a_news_report_of_a_new_project_further_along_is_kept_as_a_report(
        engine: Engine) -> None:
    detail = projects.add_project(engine, projects.NewProject(
        name="Reported plant", sector="energy", status="selected", reported_on="2026-04-01",
        source="https://news.example/plant"), CC_JP, report_stage=True)
    assert (detail.summary.status, detail.reported_status) == ("proposed", "selected")
    [report] = detail.status_reports
    assert (report["stage"], report["source"], report["as_of"]) == (
        "selected", "https://news.example/plant", date(2026, 4, 1))


def test_the_cli_refuses_a_later_stage(cli: Cli) -> None:
    code, _, err = cli("projects", "add", "--name", "x", "--sector", "energy",
                       "--status", "funded", "--source", "https://example.org/x")
    assert code == 2 and "lifecycle.not_entry_stage" in err and "status" in err
    assert len(cli.json("projects", "list")) == 32


# --- import -----------------------------------------------------------------------------

CSV = ("name,sector,amount_high_usd,status,date_reported,source_url\n"
       "Funded already,energy,50000000000,funded,2026-03-01,https://example.org/funded\n"
       "Just proposed,energy,1000000000,candidate,2026-03-02,https://example.org/new\n")


def test_an_imported_row_past_proposed_is_added_as_proposed_with_a_stage_report(
        engine: Engine) -> None:
    before = counts(engine)
    result = projects.import_projects_csv(engine, CSV, "japan", ADMIN)
    funded, fresh = result.added
    assert result.reported == [(funded, "funded")]
    detail = projects.show_project(engine, funded)
    assert (detail.summary.status, detail.reported_status) == ("proposed", "funded")
    assert [(x["from_stage"], x["to_stage"]) for x in detail.transitions] == [
        (None, "proposed")]
    [report] = detail.status_reports
    assert (report["stage"], report["wording"], report["source"], report["as_of"]) == (
        "funded", "funded", "https://example.org/funded", date(2026, 3, 1))
    assert projects.show_project(engine, fresh).status_reports == []
    after = counts(engine)
    assert after["postings"] == before["postings"]       # no money moved
    assert after["status_reports"] == before["status_reports"] + 1
    actions = [a["action"] for a in projects.history(engine, funded).audit]
    assert actions == ["project.add", "project.status_report"]


def test_an_imported_row_past_proposed_needs_its_source_and_date(engine: Engine) -> None:
    before = counts(engine)
    text = ("name,sector,status,date_reported,source_url\n"
            "A,energy,selected,,https://example.org/a\n"
            "B,energy,notified,2026-03-01,\n")
    with pytest.raises(InvalidInput) as err:
        projects.import_projects_csv(engine, text, "japan", ADMIN)
    assert {(p.field, p.rule) for p in err.value.problems} == {
        ("row 2 date_reported", "project.undated_stage"),
        ("row 3 source", "project.unsourced_stage")}
    assert counts(engine) == before


def test_the_cli_import_says_which_stages_became_reports(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(CSV)
    code, out, err = cli("projects", "import", str(tmp_path / "p.csv"))
    assert code == 0, err
    assert "added 2 projects" in out
    assert "project 33: added at 'proposed'; its reported stage 'funded' is recorded" in out
    shown = cli.json("projects", "show", "33")
    assert (shown["status"], shown["reported_status"]) == ("proposed", "funded")
    (tmp_path / "q.csv").write_text(CSV.replace("Funded already", "Selected elsewhere")
                                    .replace(",funded,", ",selected,"))
    result = cli.json("projects", "import", str(tmp_path / "q.csv"))
    assert result.pop("idempotency_key")
    assert result == {"added": [35], "skipped": ["Just proposed"],
                      "reported": [{"id": 35, "reported_stage": "selected"}]}


# --- the default data -------------------------------------------------------------------

def test_the_first_tranche_was_walked_to_selected_by_the_roles_the_lifecycle_names(
        engine: Engine) -> None:
    for pid, name in FIRST_TRANCHE.items():
        detail = projects.show_project(engine, pid)
        assert (detail.summary.name, detail.summary.status) == (name, "selected")
        chain = rows(engine, t.transitions, pid)
        assert [(x["from_stage"], x["to_stage"], x["role"], x["on"]) for x in chain] == [
            (None, "proposed", "admin", date(2026, 2, 7)),
            ("proposed", "under_review", "cc_us", date(2026, 2, 7)),
            ("under_review", "finalist", "ic", date(2026, 2, 12)),
            ("finalist", "recommended", "ic", date(2026, 2, 17)),
            ("recommended", "selected", "president", date(2026, 2, 17))]
        for x in chain[1:]:
            assert x["role"] in {r.value for r in RULES[Stage(x["to_stage"])].roles}
            assert x["actor"].endswith("(reported)")
            assert x["sources"] and all(u.startswith("https://") for u in x["sources"])
        assert chain[-1]["actor"] == "President of the United States (reported)"
        assert "https://newsdig.tbs.co.jp/articles/withbloomberg/2477116?display=1" in \
            chain[-1]["sources"]
        [consulted] = rows(engine, t.consultations, pid)
        assert (consulted["kind"], consulted["role"], consulted["on"]) == (
            "committee", "cc_jp", date(2026, 2, 11))
        assert consulted["on"] <= chain[3]["on"] and consulted["sources"]
        audit = [(a["action"], a["actor"], a["role"]) for a in projects.history(
            engine, pid).audit]
        assert audit == [
            ("project.add", "pledge", "admin"),
            # METI's figure for the Ohio plant beside Commerce's (data/reported_figures.toml)
            *([("project.estimate", "pledge", "admin")] if pid == 24 else []),
            ("project.under_review", "Consultation Committee, U.S. side (reported)", "cc_us"),
            ("project.consult", "Consultation Committee, Japanese side (reported)", "cc_jp"),
            ("project.finalist", "U.S. Department of Commerce (reported)", "ic"),
            ("project.recommended", "U.S. Investment Committee (reported)", "ic"),
            ("project.selected", "President of the United States (reported)", "president"),
            # selecting allocates the approved amount under the cap, in the same step
            ("project.allocate", "President of the United States (reported)", "president"),
            # the October list's SoftBank row (6) and diamond grit row (20) are the Ohio
            # plant and the Georgia facility reported again (data/project_links.toml)
            *([("project.link", "pledge", "admin")] if pid in (24, 26) else [])]
        assert detail.status_reports == []


def test_no_project_in_the_default_data_has_a_stage_no_transition_leads_to(
        engine: Engine) -> None:
    with reading(engine) as s:
        status = {r.id: r.status for r in s.execute(select(t.projects.c.id, t.projects.c.status))}
        chains: dict[int, list[Any]] = {}
        for x in s.execute(select(t.transitions).order_by(t.transitions.c.id)):
            chains.setdefault(x.project_id, []).append(x)
    assert set(chains) == set(status)
    for pid, chain in chains.items():
        assert (chain[0].from_stage, chain[0].to_stage) == (None, "proposed"), pid
        for prev, nxt in pairwise(chain):
            assert nxt.from_stage == prev.to_stage, pid
            assert nxt.role in {r.value for r in RULES[Stage(nxt.to_stage)].roles}, pid
            assert nxt.on >= prev.on, pid
        assert chain[-1].to_stage == status[pid], pid
    assert sorted(p for p, st in status.items() if st != "proposed") == [24, 25, 26]


def test_stages_reported_only_by_the_news_are_stage_reports(engine: Engine) -> None:
    with reading(engine) as s:
        reports = [(r.project_id, r.stage, r.wording, r.as_of) for r in s.execute(
            select(t.status_reports).order_by(t.status_reports.c.project_id))]
    assert reports == [
        (27, "finalist", "announced", date(2026, 3, 19)),
        (28, "finalist", "announced", date(2026, 3, 19)),
        (29, "finalist", "announced", date(2026, 3, 19)),
        (30, "finalist", "finalist", date(2026, 3, 8)),
        (31, "finalist", "finalist", date(2026, 3, 8)),
        (32, "finalist", "finalist", date(2026, 3, 4))]
    copper = projects.show_project(engine, 32)
    assert (copper.summary.status, copper.reported_status) == ("proposed", "finalist")
    assert copper.status_reports[0]["source"] == (
        "https://news.az/news/japan-us-consider-nuclear-project-in-550b-investment-package")


def test_init_on_an_empty_database_walks_inside_one_transaction(empty_engine: Engine) -> None:
    from pledge.services.setup import init
    result = init(empty_engine)
    assert (result.projects_added, result.projects_walked, result.stages_reported) == (
        32, 3, 6)
    with transaction(empty_engine) as s:
        selected = s.execute(select(t.projects.c.id).where(
            t.projects.c.status == "selected").order_by(t.projects.c.id)).scalars().all()
    assert selected == [24, 25, 26]

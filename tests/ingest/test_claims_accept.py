"""Accepting what an article says beyond costs and stages: a sponsor is recorded on its
project, a tranche on its project or programme, a link between two projects, and a term
claim beside the framework's terms, which never change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.access import Forbidden
from pledge.domain.errors import Conflict, InvalidInput
from pledge.domain.framework_data import terms_to_settings
from pledge.domain.lifecycle import Role
from pledge.models.news import Proposal
from pledge.services import claims, news
from pledge.services import frameworks as fw_svc
from pledge.services import projects as project_svc
from pledge.services.base import Actor
from pledge.services.relations import project_links
from pledge.store import tables as t
from tests.ingest.helpers import SEED_000, SEED_003

ANALYST = Actor("ana", Role.ANALYST)
CC = Actor("cc", Role.CC_US)
ON = date(2026, 4, 1)


def article(path: Path) -> news.ArticleInput:
    return news.ArticleInput(f"https://news.example/{path.name}", path.read_text(encoding="utf-8"))


def proposals(engine: Engine, path: Path, kind: str) -> list[news.ProposalView]:
    [r] = news.ingest(engine, [article(path)], ANALYST, on=ON)
    return [p for p in r.proposals if p.kind == kind]


def term_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.framework_terms))
                   .scalar_one())


def test_accepting_a_sponsor_records_it_on_the_project(engine: Engine) -> None:
    [p] = proposals(engine, SEED_000, "sponsor")
    shown = Proposal.of(news.get_proposal(engine, p.id or 0)).document()
    assert shown["kind"] == "sponsor" and shown["project_id"] == 24
    assert {k: shown["payload"][k] for k in ("name", "role", "written")} == {
        "name": "GE Vernova", "role": "partner", "written": "collaborate"}
    assert shown["summary"] == "sponsor: GE Vernova as partner"
    with pytest.raises(Forbidden):   # an analyst reviews but may not edit projects
        news.accept(engine, p.id or 0, ANALYST)
    done = news.accept(engine, p.id or 0, CC)
    assert done.state == "accepted" and done.result is not None
    assert (done.result["project_id"], done.result["name"], done.result["role"]) == (
        24, "GE Vernova", "partner")
    sponsors = project_svc.show_project(engine, 24).sponsors
    assert {"name": "GE Vernova", "role": "partner"}.items() <= sponsors[-1].items()
    assert "SB Energy" in {s["name"] for s in sponsors}     # the others are kept
    audit = project_svc.history(engine, 24).audit
    sponsor_row = next(a for a in audit if a["action"] == "project.sponsor")
    assert sponsor_row["after"]["source"] == "https://news.example/000_c962c52e75ce5afa.txt"
    # Recorded now: the same words in another article propose nothing more.
    again = news.ArticleInput("https://other.example/a", SEED_000.read_text(encoding="utf-8")
                              .replace("Japan has announced", "Japan announced"))
    [r] = news.ingest(engine, [again], ANALYST, on=ON)
    assert not [x for x in r.proposals if x.kind == "sponsor"]
    with pytest.raises(Conflict) as err:
        claims.add_sponsor(engine, 24, "GE Vernova", "supplier", "https://x.example/1", ON, CC)
    assert err.value.first.rule == "sponsor.exists"
    with pytest.raises(InvalidInput) as bad:
        claims.add_sponsor(engine, 24, "Acme", "investor", "https://x.example/1", ON, CC)
    assert (bad.value.first.field, bad.value.first.rule) == ("role", "sponsor.unknown_role")


def test_accepting_a_tranche_records_it_for_the_programme(engine: Engine) -> None:
    [p] = proposals(engine, SEED_000, "tranche")
    assert p.project_id is None and p.payload["framework"] == "japan"
    estimates = len(project_svc.show_project(engine, 24).estimates)
    done = news.accept(engine, p.id or 0, CC)
    assert done.result is not None and done.result["framework"] == "japan"
    [tranche] = claims.list_tranches(engine, framework="japan")
    assert (tranche.label, tranche.ordinal, tranche.project_id) == ("first phase", 1, None)
    assert (tranche.low, tranche.high, tranche.currency) == (
        Decimal("6000000000000"), Decimal("7000000000000"), "JPY")
    assert tranche.source == "https://news.example/000_c962c52e75ce5afa.txt"
    assert tranche.record()["amount"] == "an estimated 6 to 7 trillion yen"
    # a tranche is a record of its own: no estimate is added
    assert len(project_svc.show_project(engine, 24).estimates) == estimates
    assert claims.list_tranches(engine, framework="korea") == []


def test_a_tranche_of_a_project(engine: Engine) -> None:
    view = claims.add_tranche(engine, "second phase", "https://x.example/p", ON, CC,
                              project_id=25, ordinal=2, amount="$1.2bn")
    assert (view.framework, view.project_id, view.ordinal, view.currency) == (
        "japan", 25, 2, "USD")
    assert [v.id for v in claims.list_tranches(engine, project_id=25)] == [view.id]
    with pytest.raises(InvalidInput) as err:
        claims.add_tranche(engine, "phase", "https://x.example/p", ON, CC, project_id=25,
                           ordinal=0)
    assert err.value.first.rule == "tranche.bad_ordinal"
    with pytest.raises(InvalidInput) as err:
        claims.add_tranche(engine, "phase", "", ON, CC, project_id=25)
    assert err.value.first.rule == "tranche.unsourced"


def test_accepting_a_term_claim_keeps_it_beside_the_terms_never_amending_them(
        engine: Engine) -> None:
    before = fw_svc.get_framework(engine, "japan")
    rows = term_rows(engine)
    window, tariff = sorted(proposals(engine, SEED_003, "term_claim"),
                            key=lambda p: "tariff.agreed" in p.payload["settings"])
    assert window.payload["settings"] == {"funding_window.length": 45,
                                          "funding_window.unit": "business"}
    for p in (window, tariff):
        done = news.accept(engine, p.id or 0, CC)
        assert done.result is not None and done.result["terms_changed"] is False
    listed = claims.term_claims(engine, "japan")
    assert [c.settings for c in listed] == [window.payload["settings"],
                                            tariff.payload["settings"]]
    assert listed[0].agrees == {"funding_window.length": True, "funding_window.unit": True}
    assert listed[1].terms == {"tariff.agreed": "0.15"} and listed[1].agrees == {
        "tariff.agreed": True}
    assert listed[0].source == "https://news.example/003_55c8f61983c93d13.txt"
    assert "45 business days" in listed[0].evidence
    after = fw_svc.get_framework(engine, "japan")
    assert after == before and term_rows(engine) == rows


def test_a_claim_that_disagrees_is_shown_as_such_and_the_terms_stay(engine: Engine) -> None:
    before = terms_to_settings(fw_svc.get_framework(engine, "japan").current)
    [r] = news.ingest(engine, [news.ArticleInput(
        "https://wire.example/window",
        "Under Japan's $550 billion investment agreement, Japan now has 60 calendar days "
        "to start funding a project after its selection, officials said.", False)],
        ANALYST, on=ON)
    [p] = [x for x in r.proposals if x.kind == "term_claim"]
    news.accept(engine, p.id or 0, CC)
    [claim] = claims.term_claims(engine, "japan")
    assert claim.settings == {"funding_window.length": 60, "funding_window.unit": "calendar"}
    assert claim.terms == {"funding_window.length": 45, "funding_window.unit": "business"}
    assert claim.agrees == {"funding_window.length": False, "funding_window.unit": False}
    assert terms_to_settings(fw_svc.get_framework(engine, "japan").current) == before


def test_a_term_claim_is_checked_as_it_enters(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as err:
        claims.record_term_claim(engine, "japan", {"funding_window.length": 0,
                                                   "tariff.agreed": "1.5",
                                                   "commitment": "1"},
                                 "https://x.example/1", ON, CC)
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("funding_window.length", "claim.bad_length"),
        ("tariff.agreed", "claim.not_a_fraction"),
        ("commitment", "claim.unknown_setting")]
    assert claims.term_claims(engine, "japan") == []


def test_accepting_a_link_between_two_projects(engine: Engine) -> None:
    [r] = news.ingest(engine, [news.ArticleInput(
        "https://wire.example/link",
        "The deepwater crude oil export terminal in Texas by Sentinel Midstream is the second "
        "phase of the synthetic diamond plant in Georgia led by Element Six.", False)],
        ANALYST, on=ON)
    [p] = [x for x in r.proposals if x.kind == "related_project"]
    assert (p.project_id, p.payload["other_id"], p.payload["relation"]) == (
        25, 26, "later_tranche")
    done = news.accept(engine, p.id or 0, CC, on=ON)
    assert done.result is not None and done.result["other_id"] == 26
    [link] = [x for x in project_links(engine, 25) if x.other_id == 26]
    assert link.source == "https://wire.example/link" and link.on == ON

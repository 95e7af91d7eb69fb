"""A change accepted from an article is recorded on the article's date, not the day of
acceptance: a stage reported in April and accepted in December starts its clock in April."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import Role
from pledge.services import deadlines, news
from pledge.services import projects as project_svc
from pledge.services.base import Actor
from tests.clirunner import Cli

ANALYST = Actor("ana", Role.ANALYST)
IC = Actor("lutnick", Role.IC)
CC = Actor("cc", Role.CC_US)
APRIL_3 = date(2026, 4, 3)
NOTICE = ("Ohio gas plant notice\n\nWASHINGTON, April 3, 2026 - Japan was notified of the "
          "selection of SB Energy's gas plant in Ohio, Commerce said.")
UNDATED = ("Japan was notified of the selection of SB Energy's gas plant in Ohio, Commerce "
           "said on Friday.")


def _notice(engine: Engine, body: str = NOTICE) -> news.ProposalView:
    [r] = news.ingest(engine, [news.ArticleInput("https://news.example/notice", body, False)],
                      ANALYST, on=APRIL_3)
    [p] = r.proposals
    assert (p.kind, p.project_id, p.payload["to"]) == ("status_change", 24, "notified")
    return p


def test_a_notice_accepted_later_starts_the_clock_on_the_articles_date(engine: Engine) -> None:
    p = _notice(engine)
    assert p.article_published == APRIL_3
    [listed] = news.list_articles(engine)
    assert listed.published == APRIL_3 and listed.record()["published"] == "2026-04-03"
    done = news.accept(engine, p.id or 0, IC)        # accepted today, months later
    assert done.result is not None
    assert (done.result["on"], done.result["on_from"]) == ("2026-04-03", "article")
    last = project_svc.show_project(engine, 24).transitions[-1]
    assert (last["to_stage"], last["on"]) == ("notified", APRIL_3)
    [due] = deadlines.project_deadlines(engine, project_id=24, as_of=APRIL_3)
    expected = deadlines.compute_deadline(engine, "japan", APRIL_3).due
    assert (due.clock_start, due.due) == (APRIL_3, expected)
    assert due.due != deadlines.compute_deadline(engine, "japan", date.today()).due


def test_a_reported_stage_kept_as_a_report_takes_the_articles_date(engine: Engine) -> None:
    p = _notice(engine)
    news.accept(engine, p.id or 0, CC, as_report=True)
    report = project_svc.show_project(engine, 24).status_reports[-1]
    assert (report["stage"], report["as_of"]) == ("notified", APRIL_3)


def test_the_acceptor_may_give_another_date(engine: Engine) -> None:
    p = _notice(engine)
    with pytest.raises(InvalidInput) as err:
        news.accept(engine, p.id or 0, IC, on=date(1066, 10, 14))
    assert (err.value.first.field, err.value.first.rule) == ("on", "input.date_out_of_range")
    assert news.get_proposal(engine, p.id or 0).state == "proposed"
    done = news.accept(engine, p.id or 0, IC, on=date(2026, 4, 6))
    assert done.result is not None and done.result["on_from"] == "given"
    assert project_svc.show_project(engine, 24).transitions[-1]["on"] == date(2026, 4, 6)


def test_an_undated_article_falls_back_to_today_and_says_so(engine: Engine) -> None:
    p = _notice(engine, UNDATED)
    assert p.article_published is None
    assert news.list_articles(engine)[0].published is None
    done = news.accept(engine, p.id or 0, IC)
    assert done.result is not None
    assert (done.result["on"], done.result["on_from"]) == (date.today().isoformat(), "today")


def test_the_cli_lists_the_date_and_accept_takes_on(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    [item] = cli.json("ingest", str(path))
    assert item["published"] == "2026-04-03"
    [article] = cli.json("review", "articles")
    assert article["published"] == "2026-04-03"
    code, out, _ = cli("review", "articles")
    assert code == 0 and "2026-04-03" in out
    [p] = cli.json("review", "list")
    assert p["article_published"] == "2026-04-03"
    code, _, err = cli("review", "accept", str(p["id"]), "--role", "ic", "--on", "3/4/2026")
    assert code == 2 and "on" in err and "input.bad_date" in err
    code, out, _ = cli("review", "accept", str(p["id"]), "--role", "ic")
    assert code == 0 and "recorded on 2026-04-03, the article's publication date" in out
    shown = cli.json("projects", "show", "24")
    assert shown["transitions"][-1]["on"] == "2026-04-03"

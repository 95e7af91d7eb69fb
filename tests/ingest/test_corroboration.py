"""Several articles saying the same thing corroborate one proposal instead of queuing
copies; an accepted change carries the article's date (or the one given), its outlet,
its address (a file's bare name, never a path) and a confidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from pledge.domain.lifecycle import Role
from pledge.services import news
from pledge.services import projects as project_svc
from pledge.services.base import Actor
from tests.clirunner import Cli

ANALYST = Actor("ana", Role.ANALYST)
IC = Actor("lutnick", Role.IC)
CLAIM = "Japan was notified of the selection of SB Energy's gas plant in Ohio, Commerce said."


def story(source: str, dateline: str, outlet: str = "", tail: str = "") -> news.ArticleInput:
    return news.ArticleInput(source, f"Ohio plant\n\n{dateline} - {CLAIM} {tail}", False,
                             outlet=outlet)


def test_a_second_article_corroborates_the_waiting_proposal(engine: Engine) -> None:
    [first] = news.ingest(engine, [story("https://wire.example/a", "WASHINGTON, April 3, "
                                         "2026", "Example Wire")], ANALYST)
    [p] = first.proposals
    [second] = news.ingest(engine, [story("https://daily.example/b", "TOKYO, April 4, 2026",
                                          tail="Officials in Tokyo confirmed it.")], ANALYST)
    assert second.article_id is not None and second.proposals == []
    assert second.already_proposed == [p.id]
    [only] = news.list_proposals(engine)
    assert only.id == p.id and only.corroborations == 1
    assert [(s["source"], s["outlet"], s["published"]) for s in only.sources] == [
        ("https://wire.example/a", "Example Wire", date(2026, 4, 3)),
        ("https://daily.example/b", "daily.example", date(2026, 4, 4))]
    record = news.get_proposal(engine, p.id or 0).record()
    assert record["corroborations"] == 1 and "Japan was notified" in record["sources"][1][
        "evidence"]


def test_an_accepted_change_carries_date_outlet_sources_and_confidence(engine: Engine
                                                                       ) -> None:
    news.ingest(engine, [story("https://wire.example/a", "WASHINGTON, April 3, 2026",
                               "Example Wire"),
                         story("https://daily.example/b", "TOKYO, April 4, 2026",
                               tail="Officials in Tokyo confirmed it.")], ANALYST)
    [p] = news.list_proposals(engine)
    done = news.accept(engine, p.id or 0, IC)
    assert done.result is not None
    assert {k: done.result[k] for k in ("on", "on_from", "source", "outlet", "sources",
                                        "corroborations", "confidence_level")} == {
        "on": "2026-04-03", "on_from": "article", "source": "https://wire.example/a",
        "outlet": "Example Wire", "sources": ["https://wire.example/a",
                                              "https://daily.example/b"],
        "corroborations": 1, "confidence_level": "corroborated"}
    assert done.result["confidence"] == p.confidence > 0
    last = project_svc.show_project(engine, 24).transitions[-1]
    assert last["on"] == date(2026, 4, 3)
    assert "https://daily.example/b" in str(last)      # both articles are its sources


def test_one_article_alone_is_reported_and_a_copy_corroborates_nothing(engine: Engine
                                                                       ) -> None:
    art = story("https://wire.example/a", "WASHINGTON, April 3, 2026")
    news.ingest(engine, [art, art], ANALYST)            # the copy is recognised as such
    [p] = news.list_proposals(engine)
    assert p.corroborations == 0
    done = news.accept(engine, p.id or 0, IC)
    assert done.result is not None and done.result["confidence_level"] == "reported"


def test_the_cli_shows_corroborations_and_accepts_an_effective_date(
        cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "clips" / "inner"
    folder.mkdir(parents=True)
    (folder / "wire.txt").write_text(f"WASHINGTON, April 3, 2026 - {CLAIM}", encoding="utf-8")
    (folder / "daily.txt").write_text(
        f"TOKYO, April 4, 2026 - Officials at the trade ministry spent the morning reading "
        f"the notice from Washington. {CLAIM} The finance ministry will now weigh whether "
        f"to fund its share before the window closes.", encoding="utf-8")
    cli.json("ingest", str(tmp_path / "clips"))
    [p] = cli.json("review", "list")
    assert p["corroborations"] == 1
    # a file's name, never its folder
    assert [s["source"] for s in p["sources"]] == ["daily.txt", "wire.txt"]
    shown = cli.json("review", "show", str(p["id"]))
    assert shown["sources"] == p["sources"]
    done = cli.json("review", "accept", str(p["id"]), "--role", "ic",
                    "--effective", "2026-04-06")
    assert (done["result"]["on"], done["result"]["on_from"]) == ("2026-04-06", "given")
    assert done["result"]["sources"] == ["daily.txt", "wire.txt"]
    assert not any("/" in s for s in done["result"]["sources"])

"""The Atom feed of accepted changes: new projects, stage changes, money moved, amended
terms; per framework and per project; never users, drafts or proposals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from sqlalchemy import Engine

from pledge.domain.lifecycle import Role
from pledge.services import feeds, projects
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.clirunner import Cli

A = "{http://www.w3.org/2005/Atom}"
IC = Actor.of("Investment Committee", "ic")


def parse(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    return root


def entries(root: ET.Element) -> list[dict[str, str]]:
    out = []
    for e in root.iter(f"{A}entry"):
        link = e.find(f"{A}link")
        out.append({"id": e.findtext(f"{A}id", ""), "title": e.findtext(f"{A}title", ""),
                    "summary": e.findtext(f"{A}summary", ""),
                    "updated": e.findtext(f"{A}updated", ""),
                    "category": e.find(f"{A}category").get("term", ""),  # type: ignore[union-attr]  # every entry has one
                    "link": "" if link is None else link.get("href", "")})
    return out


def test_a_stage_change_tops_the_framework_feed(engine: Engine) -> None:
    before = entries(parse(feeds.changes_feed(engine, framework="japan")))
    assert any(e["category"] == "new-project" and e["title"].startswith("New project: ")
               for e in before)
    projects.advance(engine, 27, "withdrawn", IC, date(2026, 4, 10), "sponsor pulled out",
                     ["https://example.org/withdrawal"])
    add_user(engine, "someone", Role.ANALYST.value, Actor("setup", Role.ADMIN))
    root = parse(feeds.changes_feed(engine, framework="japan", base_url="http://host/"))
    after = entries(root)
    top = after[0]
    assert top["category"] == "stage" and top["title"].startswith("Project 27 (")
    assert top["title"].endswith(": withdrawn")
    assert "sponsor pulled out" in top["summary"]
    assert "https://example.org/withdrawal" in top["summary"]
    assert top["link"] == "http://host/projects/27"
    assert root.findtext(f"{A}updated") == top["updated"]
    # the earlier entries keep their ids; a user's creation is not a change of the record
    assert [e["id"] for e in after[1:]] == [e["id"] for e in before][:len(after) - 1]
    assert len({e["id"] for e in after}) == len(after)
    assert not any("someone" in e["title"] + e["summary"] for e in after)


def test_a_project_feed_holds_that_project_only(engine: Engine) -> None:
    projects.advance(engine, 27, "withdrawn", IC, date(2026, 4, 10), "sponsor pulled out")
    mine = entries(parse(feeds.changes_feed(engine, project_id=27)))
    assert mine and all(e["title"].startswith("Project 27 (") or
                        e["title"].startswith("New project: ") for e in mine)
    assert mine[0]["title"].endswith(": withdrawn")
    other = entries(parse(feeds.changes_feed(engine, project_id=24)))
    assert not any(e["title"].endswith(": withdrawn") for e in other)
    # the first tranche's history: allocation under the cap at selection
    assert any(e["category"] == "money" and "allocation of US$" in e["title"] for e in other)


def test_money_moved_and_amended_terms_in_the_demo(demo_url: str) -> None:
    from sqlalchemy import create_engine
    engine = create_engine(demo_url)
    try:
        got = entries(parse(feeds.changes_feed(engine)))
    finally:
        engine.dispose()
    titles = [e["title"] for e in got]
    assert any(": funding of US$" in t for t in titles)
    assert any(": distribution of US$" in t for t in titles)
    assert len(got) <= feeds.MAX_ENTRIES


def test_export_changes_from_the_command_line(cli: Cli) -> None:
    code, out, err = cli("export", "changes", "--project", "24")
    assert code == 0, err
    assert entries(parse(out.encode("utf-8")))
    code, out, err = cli("export", "changes", "--framework", "mars")
    assert code != 0 and out == "" and "mars" in err


def test_amended_terms_are_in_their_framework_feed_only(engine: Engine) -> None:
    from pledge.services import frameworks
    frameworks.amend_framework(engine, "japan", date(2026, 6, 1),
                               {"funding_window.unit": "calendar"},
                               ["https://example.org/amendment"], "calendar days",
                               Actor("setup", Role.ADMIN))
    top = entries(parse(feeds.changes_feed(engine, framework="japan",
                                           base_url="http://host")))[0]
    assert (top["category"], top["title"]) == ("terms-amended",
                                               "Framework japan: terms amended")
    assert top["link"] == "http://host/frameworks/japan"
    korea = entries(parse(feeds.changes_feed(engine, framework="korea")))
    assert not any(e["category"] == "terms-amended" for e in korea)

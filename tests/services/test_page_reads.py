"""What the pages read: a project, a page of the list and the deadlines take a fixed number
of SQL statements however many projects there are, and every cached view is answered
again only until the data changes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, event

from pledge.services import apart, deadlines, frameworks, projects, simulation
from pledge.services import views as views_svc
from pledge.services.base import Actor
from pledge.services.dashboard import views
from pledge.services.project_import import import_projects
from pledge.store.db import make_engine, transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
NOTICE = date(2026, 3, 9)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements this thread sends through ``engine`` meanwhile (a transaction's
    BEGIN aside)."""
    seen: list[str] = []
    me = threading.get_ident()

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.get_ident() == me and not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def count(engine: Engine, read: Callable[[], Any]) -> int:
    views.clear()  # nothing answered from the cache: every statement a read needs
    with statements(engine) as seen:
        read()
    return len(seen)


def add_projects(engine: Engine, n: int) -> None:
    rows = [projects.NewProject(name=f"Added plant {i}", sector="energy", framework="japan",
                                location="Ohio", amount_text=f"US${i + 1}bn",
                                reported_on="2026-03-02", source=f"https://example.org/{i}")
            for i in range(n)]
    with transaction(engine) as s:
        assert len(import_projects(s, rows, IC).added) == n


def to_selected(engine: Engine, pid: int) -> None:
    projects.advance(engine, pid, "under_review", CC, NOTICE, "taken up")
    projects.advance(engine, pid, "finalist", IC, NOTICE, "short-listed")
    projects.consult(engine, pid, "committee", CC, NOTICE)
    projects.advance(engine, pid, "recommended", IC, NOTICE, "ready")
    projects.advance(engine, pid, "selected", PRESIDENT, NOTICE, "selected")


def test_a_project_and_a_list_page_take_the_same_statements_however_many_projects(
        sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    first = projects.list_projects(engine)[0].id
    one = count(engine, lambda: projects.show_project(engine, first))
    page = count(engine, lambda: projects.list_projects_page(engine, limit=50, offset=0))
    add_projects(engine, 120)
    assert count(engine, lambda: projects.show_project(engine, first)) == one
    assert count(engine, lambda: projects.list_projects_page(engine, limit=50, offset=50)) \
        == page
    assert one <= 12  # the row, its records, its postings, its links: each looked up once


def test_the_deadlines_take_the_same_statements_however_many_projects_are_selected(
        sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    before = count(engine, lambda: deadlines.project_deadlines(engine, framework="japan"))
    add_projects(engine, 3)
    added = [p.id for p in projects.list_projects(engine) if p.name.startswith("Added")]
    for pid in added:
        to_selected(engine, pid)
    found = deadlines.project_deadlines(engine, framework="japan")
    assert set(added) <= {d.project_id for d in found}
    assert count(engine, lambda: deadlines.project_deadlines(engine, framework="japan")) \
        == before


def test_the_cached_views_answer_again_until_the_data_changes(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    views.clear()
    listed = projects.list_projects_page(engine, limit=50)
    fws = frameworks.list_frameworks(engine)
    due = deadlines.project_deadlines(engine, framework="japan")
    with statements(engine) as seen:  # answered from the cache: the data's version only
        assert frameworks.list_frameworks(engine) == fws
        assert deadlines.project_deadlines(engine, framework="japan") == due
    assert all("audit_log" in s for s in seen) and len(seen) == 2
    with statements(engine) as seen:  # the cached ids, and the page's rows by their ids
        assert projects.list_projects_page(engine, limit=50) == listed
    assert len(seen) == 2 and "audit_log" in seen[0] and "projects.id IN" in seen[1]

    add_projects(engine, 1)
    _, total = projects.list_projects_page(engine, limit=50)
    assert total == listed[1] + 1  # the count of all projects is counted again
    pid = next(p.id for p in projects.list_projects(engine) if p.name == "Added plant 0")
    assert pid not in {d.project_id for d in deadlines.project_deadlines(engine,
                                                                         framework="japan")}
    to_selected(engine, pid)
    assert pid in {d.project_id for d in deadlines.project_deadlines(engine,
                                                                     framework="japan")}


@pytest.mark.parametrize("stage", ["proposed", "selected"])
def test_a_project_read_in_few_statements_shows_what_the_long_way_did(
        sqlite_engine: Engine, stage: str) -> None:
    engine = sqlite_engine
    add_projects(engine, 1)
    pid = next(p.id for p in projects.list_projects(engine) if p.name == "Added plant 0")
    if stage == "selected":
        to_selected(engine, pid)
    d = projects.show_project(engine, pid)
    assert d.summary.id == pid and d.summary.status == stage
    assert [e["text"] for e in d.estimates] == ["US$1bn"]
    assert [x["to_stage"] for x in d.transitions][-1] == stage
    if stage == "selected":  # allocated at selection: the estimate's high end
        assert d.allocation is not None and d.allocation["amount"] == d.summary.amount_high_usd
        assert d.allocation["funded"] == 0
    else:
        assert d.allocation is None and d.funding == []
    assert projects.show_project(engine, str(pid)) == d  # an id given as text reads the same


def test_the_open_projects_counted_for_the_priorities_follow_the_data(
        sqlite_engine: Engine) -> None:
    from pledge.services import priorities

    engine = sqlite_engine
    before = priorities.open_project_count(engine, "japan")
    with statements(engine) as seen:  # asked again: answered from the cache
        assert priorities.open_project_count(engine, " Japan ") == before
    assert len(seen) == 1 and "audit_log" in seen[0]
    add_projects(engine, 2)
    assert priorities.open_project_count(engine, "japan") == before + 2


@pytest.mark.parametrize("filters", [{}, {"status": "proposed"}, {"sector": "energy"},
                                     {"framework": "japan", "status": "selected"}])
def test_each_page_of_the_list_is_its_slice_of_the_whole_list(
        sqlite_engine: Engine, filters: dict[str, str]) -> None:
    engine = sqlite_engine
    add_projects(engine, 30)
    whole = projects.list_projects(engine, **filters)
    for offset in (0, 7, 20, len(whole), len(whole) + 5):
        rows, total = projects.list_projects_page(engine, limit=20, offset=offset, **filters)
        assert (rows, total) == (whole[offset:offset + 20], len(whole))


def test_a_served_page_s_outlook_is_simulated_in_a_process_of_its_own(demo_url: str) -> None:
    """No simulation inside a request, nor in the serving process: a page asking for an
    outlook is answered at once (computing), the outlook is made by the separate
    low-priority process, and it is the one computed in-process."""
    engine = make_engine(demo_url)
    views.clear()
    apart.start()
    try:
        assert apart.run(engine, apart.process_id) != os.getpid()
        with statements(engine) as seen:
            first = views_svc.outlook_or_job(engine, 25)
        assert first.computing and first.outlook is None
        assert len(seen) == 1  # the data version; nothing simulated here
        # The process runs at low priority: on a busy machine it may wait a while for a core.
        deadline = time.monotonic() + 120
        while views_svc.outlooks_pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        answer = views_svc.outlook_or_job(engine, 25)
    finally:
        apart.stop()
    assert not answer.computing and answer.outlook is not None
    views.clear()
    here = views_svc.project_outlook(engine, 25)  # apart stopped: computed in this process
    assert answer.outlook.summary == here.summary and answer.outlook.summary is not None
    assert (answer.outlook.irr == here.irr).sum() == len(here.irr) - np.isnan(here.irr).sum()


def test_a_page_checks_its_cached_views_against_one_data_version(demo_url: str) -> None:
    """The dashboard consults several cached views (frameworks, deadlines, news, the
    record's check...): the data version is read once for the whole request; a change
    made since is seen by the next page."""
    from fastapi.testclient import TestClient

    from pledge.app import create_app

    app = create_app(demo_url, public_read=True)
    engine = app.state.engine
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)  # from any thread: the app answers on the client's loop

    with TestClient(app) as client:
        for path in ("/", "/deadlines", "/projects?page=2"):
            client.get(path)  # each view computed once: what is left is the checks
            event.listen(engine, "before_cursor_execute", note)
            try:
                assert client.get(path).status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", note)
            assert sum("max(audit_log.id)" in s for s in seen) == 1, (path, seen)
            seen.clear()
        before = client.get("/").text
        add_projects(engine, 1)
        assert client.get("/").text != before  # the count of projects and the pipeline


def test_a_page_of_the_review_queue_is_its_slice_read_in_three_statements(demo_url: str) -> None:
    from pledge.domain.errors import InvalidInput
    from pledge.services import news

    engine = make_engine(demo_url)
    article = Path(__file__).resolve().parents[1] / "data" / "000_c962c52e75ce5afa.txt"
    [read] = news.ingest(engine, [news.ArticleInput("https://example.org/1",
                                                    article.read_text(encoding="utf-8"))], IC)
    everything = news.list_proposals(engine, state=None)
    assert len(everything) == len(read.proposals) >= 2
    second = everything[1].id
    assert second is not None
    news.reject(engine, second, IC, "not news")  # one leaves the waiting queue
    pages = len(everything)  # one proposal a page
    for page in range(1, pages + 1):
        with statements(engine) as seen:
            rows, count = news.proposals_page(engine, state=None, page=page, size=1)
        # the count, the slice and the slice's corroborating articles, however many
        assert len(seen) == 3
        assert count == len(everything)
        assert [r.id for r in rows] == [everything[page - 1].id]
    waiting = news.list_proposals(engine, state="proposed")
    with statements(engine) as seen:
        rows, count = news.proposals_page(engine, state="proposed", page=1, size=50)
    assert len(seen) == 3  # a full page too: no statement per proposal
    assert count == len(waiting) == len(everything) - 1
    assert [r.id for r in rows] == [r.id for r in waiting[:50]]
    with pytest.raises(InvalidInput):
        news.proposals_page(engine, state=None, page=pages + 1, size=1)


def test_a_served_priorities_board_is_computed_in_a_process_of_its_own(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(demo_url)
    request = views_svc.check_board("japan")
    here = views_svc.compute_board(engine, request)

    def not_here(*args: Any) -> Any:
        raise AssertionError("the board was computed in the serving process")

    monkeypatch.setattr(views_svc, "compute_board", not_here)  # this process only
    apart.start()
    try:
        there = views_svc.compute_board_apart(engine, request)
    finally:
        apart.stop()
    assert there.frontier == here.frontier and there.budget == here.budget
    assert {k: list(s.selected) for k, s in there.batches.items()} == \
        {k: list(s.selected) for k, s in here.batches.items()}
    assert there.rankings.names == here.rankings.names


def test_a_project_page_s_news_list_takes_the_project_it_has_read(demo_url: str) -> None:
    """The page has just read the project: its news list does not look it up again."""
    from pledge.domain.errors import NotFound
    from pledge.services import news

    engine = make_engine(demo_url)
    with statements(engine) as checked:
        plain = news.list_articles(engine, project_id=25)
    with statements(engine) as seen:
        taken = news.list_articles(engine, project_id=25, project_read=True)
    assert taken == plain
    assert len(seen) == len(checked) - 1 == 1
    with pytest.raises(NotFound):
        news.list_articles(engine, project_id=999_999)  # otherwise checked, as before


def _slow(engine: Engine) -> int:  # in the separate process: a computation of minutes
    time.sleep(120)
    return 1


def test_the_separate_process_ends_at_once_with_the_server(demo_url: str) -> None:
    """A server stopping does not wait for a long computation (a board of many projects):
    the separate process ends, and whoever waited is told it broke off."""
    from concurrent.futures import CancelledError
    from concurrent.futures.process import BrokenProcessPool

    engine = make_engine(demo_url)
    apart.start()
    child = apart.run(engine, apart.process_id)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            apart.run(engine, _slow)
        except (BrokenProcessPool, CancelledError) as exc:
            outcome.append(exc)

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1)
    started = time.monotonic()
    apart.stop()
    waiting.join(timeout=30)
    assert not waiting.is_alive() and outcome and time.monotonic() - started < 30
    for _ in range(100):  # gone (or only waiting to be reaped)
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state in ("Z", "X"):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"process {child} still runs")


def test_a_project_page_reads_its_assumptions_with_the_project(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    ids = [p.id for p in projects.list_projects(engine)]
    simulation.set_economics(engine, ids[0], {"life_years": "20"}, IC)
    unpriced = projects.add_project(engine, projects.NewProject(
        name="A plant without a figure", sector="energy", framework="japan",
        location="Ohio", amount_text=""), IC)
    for pid in [*ids[:6], unpriced.summary.id]:
        one = count(engine, partial(projects.show_project, engine, pid))
        with statements(engine) as seen:
            found, assumed = projects.show_project_page(engine, pid)
        assert len(seen) == one  # nothing read for the assumptions
        assert found == projects.show_project(engine, pid)
        assert assumed == simulation.assumptions(engine, pid)
    own = simulation.assumptions(engine, ids[0])
    assert own is not None and own.own == {"life_years": 20}
    assert projects.show_project_page(engine, unpriced.summary.id)[1] is None  # no model


def test_the_priorities_page_finds_the_open_board_job_by_reads_alone(
        sqlite_engine: Engine) -> None:
    from pledge.services import jobs as jobs_svc
    from pledge.services import priorities as prio
    from pledge.services.base import jsonable, now
    from pledge.services.dashboard import data_version
    from pledge.store import jobs as jq

    engine = sqlite_engine
    runner = jobs_svc.JobRunner(engine)
    assert jobs_svc.known_board(engine, runner, "japan") is None  # runner not open yet
    runner.start()
    try:
        prio.open_project_count(engine, "japan")  # counted once at this data version
        assert jobs_svc.known_board(engine, runner, "japan") is None  # no job: a write
        request = views_svc.check_board("japan", None)
        params = {"framework": "japan", "budget": request.limits.budget,
                  "data_version": data_version(engine)}
        with transaction(engine) as s:
            job_id = jq.insert_job(s, kind=jobs_svc.BOARD, params=jsonable(params),
                                   state=jobs_svc.QUEUED, progress=0.0, created_by="x",
                                   created_at=now())
        views.clear()
        prio.open_project_count(engine, "japan")
        with statements(engine) as seen:
            known = jobs_svc.known_board(engine, runner, "japan")
        assert known is not None and known.board is None and known.job is not None
        assert known.job.id == job_id  # the job board_or_job joins
        assert all(s.lstrip().upper().startswith("SELECT") for s in seen)  # reads only
        with transaction(engine) as s:
            jq.move(s, job_id, jobs_svc.QUEUED, {"state": jobs_svc.FAILED})
        assert jobs_svc.known_board(engine, runner, "japan") is None  # ended: not joined
    finally:
        runner.shutdown()

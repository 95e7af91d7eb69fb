"""Pages whose main content is rendered once per data version: the same page as rendered
whole, each reader's own frame (name, CSRF token), a new rendering after a change, and one
per language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import event
from starlette.concurrency import run_in_threadpool

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import users
from pledge.services.base import Actor
from pledge.services.dashboard import views
from pledge.web import templating
from pledge.web.templating import page_language
from tests.web.test_pages import CSRF, csrf, log_in
from tests.web.test_review_page import SEED

ADMIN = Actor.of("An administrator", "admin")
ONE_TIME = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')
KEPT = ("/", "/deadlines", "/projects", "/review", "/review?state=all&size=10")


@pytest.fixture
def app(demo_url: str) -> Any:
    return create_app(demo_url)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def reads(app: Any, client: TestClient, path: str, **headers: str) -> tuple[str, list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", note)
    try:
        r = client.get(path, headers=headers)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", note)
    assert r.status_code == 200
    return r.text, [s for s in seen if not s.startswith("BEGIN")]


@pytest.mark.parametrize("path", ["/", "/deadlines", "/deadlines?month=2026-05", "/projects",
                                  "/projects?sector=energy&page=1"])
def test_a_kept_page_reads_only_the_data_version_until_the_data_changes(
        app: Any, client: TestClient, path: str) -> None:
    log_in(client, Role.IC)
    first, _ = reads(app, client, path)
    again, seen = reads(app, client, path)
    assert len(seen) == 1 and "max(audit_log.id)" in seen[0]  # nothing else is read
    assert CSRF.sub("", again) == CSRF.sub("", first)
    r = client.post("/projects/1/consult", data={
        "kind": "committee", "on": "2026-03-02", "note": "kept pages follow the data",
        "csrf_token": csrf(client, "/projects/1")})
    assert r.status_code == 200
    _, seen = reads(app, client, path)
    assert len(seen) > 1  # the data changed: the content is made again


def test_each_reader_sees_their_own_name_and_token_around_kept_content(
        demo_url: str, app: Any) -> None:
    users.add_user(app.state.engine, "Second analyst", "analyst", ADMIN,
                   password="second analyst pw")
    with TestClient(app) as one, TestClient(app) as two:
        log_in(one, Role.ANALYST)
        r = two.post("/login", data={"name": "Second analyst", "password": "second analyst pw",
                                     "csrf_token": csrf(two), "next": "/"},
                     follow_redirects=False)
        assert r.status_code == 303
        for path in ("/", "/deadlines", "/projects"):
            a, b = one.get(path).text, two.get(path).text
            assert "demo_analyst" in a and "Second analyst" not in a
            assert "Second analyst" in b and "demo_analyst" not in b
            token_a, token_b = CSRF.findall(a), CSRF.findall(b)
            assert token_a and token_b and set(token_a).isdisjoint(token_b)
            assert CSRF.sub("", a).replace("demo_analyst", "X") == \
                CSRF.sub("", b).replace("Second analyst", "X")


def test_the_content_is_kept_per_language(app: Any, client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    log_in(client, Role.IC)
    rendered: list[str] = []
    blocks = templating._kept

    def counted(request: Request, name: str, *args: Any) -> Any:
        rendered.append(page_language(request))
        return blocks(request, name, *args)

    monkeypatch.setattr(templating, "_kept", counted)
    views.clear()
    english = [reads(app, client, "/")[0] for _ in range(2)]
    japanese = [reads(app, client, "/", **{"accept-language": "ja"})[0] for _ in range(2)]
    assert rendered == ["en", "ja"]  # once per language, never one for the other
    assert 'lang="ja"' in japanese[1] and 'lang="en"' in english[1]
    assert "案件" in japanese[1] and "案件" not in english[1]


def test_the_language_of_a_page_is_the_request_s_choice_else_english(
        app: FastAPI, client: TestClient) -> None:
    seen: list[str] = []

    @app.get("/_lang")
    async def lang(request: Request) -> dict[str, str]:
        seen.append(page_language(request))
        return {}

    client.get("/_lang")
    client.get("/_lang", headers={"accept-language": "ja"})
    assert seen == ["en", "ja"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.IC, Role.ADMIN])
def test_a_kept_page_is_the_page_rendered_whole(app: Any, client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch,
                                                role: Role) -> None:
    log_in(client, role)
    views.clear()
    kept = {path: [client.get(path).text for _ in range(2)] for path in KEPT}  # made, kept
    monkeypatch.setattr(templating, "_kept", lambda *args: None)  # nothing kept: whole
    views.clear()
    for path in KEPT:
        whole = client.get(path).text
        token = CSRF.findall(whole)[0]
        for page in kept[path]:
            assert set(CSRF.findall(page)) == {token}  # this reader's token, every form
            assert ONE_TIME.sub("", page) == ONE_TIME.sub("", whole), path
        keys = [k for page in kept[path] for k in ONE_TIME.findall(page)]
        assert len(keys) == len(set(keys))  # each form its own key, each time
        if path.startswith("/review") and role is not Role.ANALYST:
            assert keys  # the queue's forms were kept too


def test_a_one_time_message_shows_around_kept_content(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/review").text  # kept
    token = CSRF.search(page)
    assert token
    r = client.post("/review/ingest", data={"source": "https://example.org/kept",
                                            "text": SEED.read_text(encoding="utf-8"),
                                            "csrf_token": token.group(1)})
    assert 'data-testid="flash"' in r.text and "proposed changes queued" in r.text
    assert "demo_analyst" in r.text and 'data-proposal="' in r.text
    again = client.get("/review").text
    assert 'data-testid="flash"' not in again and "demo_analyst" in again
    assert again.count('data-proposal="') == r.text.count('data-proposal="')


def test_a_kept_page_is_answered_without_a_worker_thread(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    log_in(client, Role.IC)
    views.clear()
    hops: list[str] = []
    hop = run_in_threadpool

    async def counted(func: Any, *args: Any) -> Any:
        hops.append(args[2])  # the template's name
        return await hop(func, *args)

    monkeypatch.setattr(templating, "run_in_threadpool", counted)
    for path in ("/deadlines", "/review"):
        first, again = client.get(path).text, client.get(path).text
        assert CSRF.sub("", ONE_TIME.sub("", first)) == CSRF.sub("", ONE_TIME.sub("", again))
    assert hops == ["deadlines.html", "review.html"]  # made in a thread once, then kept

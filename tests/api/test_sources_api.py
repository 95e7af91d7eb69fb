"""Through the API: a script link or a NUL is refused in the one error shape, naming the field,
and nothing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import transaction

ADMIN = Actor("setup", Role.ADMIN)
XSS = "javascript:alert(document.domain)"
TEXT = ("Toshiba will build a US$2bn transformer plant in Texas under the Japan investment "
        "framework, the ministry said on Monday.")


@pytest.fixture
def api(engine: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = add_user(engine, "editor", "admin", ADMIN).token
    with TestClient(create_app(str(engine.url.render_as_string(hide_password=False)))) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def counts(engine: Engine) -> tuple[int, ...]:
    with transaction(engine) as s:
        return tuple(s.execute(select(func.count()).select_from(tbl)).scalar_one()
                     for tbl in (t.projects, t.estimates, t.news_articles, t.transitions))


def refusal(r: Any) -> tuple[int, str, str]:
    err = r.json()["error"]
    return r.status_code, err["field"], err["code"]


def test_a_script_link_is_refused_for_an_estimate_and_an_article(
        api: tuple[TestClient, dict[str, str]], engine: Engine) -> None:
    client, auth = api
    before = counts(engine)
    r = client.post("/api/v1/projects/33/estimates", headers=auth,
                    json={"amount": "US$2bn", "source": XSS, "on": "2026-03-01"})
    assert refusal(r) == (400, "source", "source.bad_scheme")
    r = client.post("/api/v1/ingest", headers=auth, json={"source": XSS, "text": TEXT})
    assert refusal(r) == (400, "source", "source.bad_scheme")
    r = client.post("/api/v1/ingest?source=%2Fsrv%2Fnews%2Fa.html", headers=auth,
                    content=TEXT.encode(), )
    assert refusal(r) == (400, "source", "source.path")
    r = client.post("/api/v1/projects/33/transitions", headers=auth,
                    json={"to": "withdrawn", "on": "2026-03-01", "reason": "gone",
                          "sources": ["https://example.org/ok", "vbscript:msgbox(1)"]})
    assert refusal(r) == (400, "sources[1]", "source.bad_scheme")
    assert counts(engine) == before


def test_a_nul_in_a_name_is_refused_on_both_databases(
        api: tuple[TestClient, dict[str, str]], engine: Engine) -> None:
    client, auth = api
    before = counts(engine)
    r = client.post("/api/v1/projects", headers=auth,
                    json={"name": "Nul\u0000plant", "sector": "energy"})
    assert refusal(r) == (400, "name", "text.bad_character")
    r = client.patch("/api/v1/projects/33", headers=auth, json={"name": "Copper\u0000"})
    assert refusal(r) == (400, "name", "text.bad_character")
    assert counts(engine) == before
    # An article's text comes from outside: a NUL in it is dropped, not stored, not refused.
    r = client.post("/api/v1/ingest", headers=auth, json={"source": "a.html",
                                                          "text": TEXT + "\u0000"})
    assert r.status_code == 201, r.json()
    with engine.connect() as conn:
        stored = conn.execute(select(t.news_articles.c.text)).scalars().all()
    assert stored and all("\x00" not in text for text in stored)

"""Bounded input on the pages, on SQLite and PostgreSQL: every integer in a page's path or
query, page numbers, months and dates out of range are a 4xx page, never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.web import pages

PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    """Logged in as an administrator; server errors come back as 500 pages."""
    add_user(engine, "page_admin", "admin", Actor("setup", Role.ADMIN), password=PASSWORD)
    with TestClient(create_app(str(engine.url)), raise_server_exceptions=False) as c:
        match = CSRF.search(c.get("/login").text)
        assert match
        r = c.post("/login", data={"name": "page_admin", "password": PASSWORD,
                                   "csrf_token": match.group(1), "next": "/"},
                   follow_redirects=False)
        assert r.status_code == 303
        yield c


def _int_params(route: APIRoute) -> list[tuple[str, str]]:
    def is_int(annotation: Any) -> bool:
        return annotation is int or int in getattr(annotation, "__args__", ())

    return [(kind, f.name) for kind, fields in (("path", route.dependant.path_params),
                                                ("query", route.dependant.query_params))
            for f in fields if is_int(f.field_info.annotation)]


BAD = ["0", "2147483648", "9223372036854775807", "9223372036854775808",
       "99999999999999999999", "1e20", "-5"]


def test_every_integer_of_every_page_is_bounded(client: TestClient) -> None:
    walked = [(r, kind, name) for r in pages.router.routes if isinstance(r, APIRoute)
              for kind, name in _int_params(r)]
    assert {name for _, _, name in walked} == {"project_id", "proposal_id", "article_id",
                                              "page", "size"}
    for route, kind, name in walked:
        assert route.methods, route.path
        for method in route.methods:
            for bad in BAD:
                path = re.sub(r"\{\w+\}", "1", route.path)
                params = {}
                if kind == "path":
                    path = route.path.replace(f"{{{name}}}", bad)
                else:
                    params[name] = bad
                r = client.request(method, path, params=params, follow_redirects=False)
                where = f"{method} {route.path} {name}={bad}"
                assert r.status_code in (400, 404, 422), (where, r.status_code)


@pytest.mark.parametrize(("path", "status"), [
    ("/projects?page=1e20", 422), ("/projects?page=9223372036854775807", 422),
    ("/review?page=99999999999999999999", 422),
    ("/deadlines?month=9999-12", 400), ("/deadlines?month=0001-01", 400),
    ("/deadlines?month=2100-13", 400), ("/deadlines?month=99999-01", 400),
    ("/?on=9999-12-31", 400), ("/?on=0001-01-01", 400),
])
def test_pages_out_of_range_are_refused(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "text/html" in r.headers["content-type"]


def test_the_calendar_runs_to_the_end_of_the_range(client: TestClient) -> None:
    r = client.get("/deadlines?month=2100-10")
    assert r.status_code == 200
    assert "December 2100" in r.text

"""Anonymous access, route by route: with public reading on, anonymous visitors read the
public subset (frameworks, projects, deadlines, commitments, open data) and nothing
else; with it off (the default), nothing but the login page, the static files and the
trivial ping. The walk covers every route the application has (API and pages), so a new
route must be classed here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.store import tables as t

# Open to everyone, always: they say nothing about the programme.
ALWAYS_OPEN = {"/api/v1/ping", "/login", "/favicon.ico", "/static/plotly.min.js",
               "/static/{name}", "/docs", "/openapi.json", "/docs-assets/{name}"}

# The public subset: what an anonymous visitor reads when public reading is on.
PUBLIC = {
    "/", "/projects", "/projects/{project_id}", "/deadlines", "/frameworks/{key}",
    "/api/v1/frameworks", "/api/v1/frameworks/{key}", "/api/v1/frameworks/{key}/commitments",
    "/api/v1/frameworks/{key}/deadline", "/api/v1/deadlines", "/api/v1/projects",
    "/api/v1/projects/{project_id}", "/api/v1/projects/{project_id}/links",
    "/api/v1/projects/{project_id}/oc4ids", "/api/v1/projects/{project_id}/changes.atom",
    "/api/v1/public/oc4ids.json", "/api/v1/feeds/changes.atom",
    "/api/v1/exports/projects.csv", "/api/v1/exports/projects.xlsx",
    "/api/v1/exports/deadlines.ics", "/risk", "/api/v1/exports/risk.json",
}

# Never anonymous: scores, rankings, ledgers, history with its audit, review queues,
# jobs and anything that changes the record.
PRIVATE = {
    "/priorities", "/review", "/review/articles", "/review/articles/{article_id}",
    "/api/v1/audit/verify", "/api/v1/frameworks/{key}/ledger",
    "/api/v1/frameworks/{key}/ledger.csv", "/api/v1/frameworks/{key}/ledger.xlsx",
    "/api/v1/frameworks/{key}/rankings", "/api/v1/frameworks/{key}/weights",
    "/api/v1/frameworks/{key}/claims", "/api/v1/frameworks/{key}/tranches",
    "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/result",
    "/api/v1/projects/{project_id}/decline-advice", "/api/v1/projects/{project_id}/history",
    "/api/v1/projects/{project_id}/scores", "/api/v1/projects/{project_id}/statement",
    "/api/v1/review", "/api/v1/review/articles", "/api/v1/review/articles/{article_id}",
    "/api/v1/projects/{project_id}/sensitivity",
    "/api/v1/projects/{project_id}/sensitivity/sweep",
    "/api/v1/projects/{project_id}/capital-structure",
    "/api/v1/review/{proposal_id}", "/api/v1/simulations/{job_id}",
    "/api/v1/simulations/{job_id}/result",
}

SAMPLE = {"project_id": "24", "key": "japan", "name": "app.js"}


def routes(items: Any, prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, included routers opened up."""
    for r in items:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            yield from routes(inner.routes, prefix + (r.include_context.prefix or ""))
        elif hasattr(r, "routes") and not hasattr(r, "methods"):
            yield from routes(r.routes, prefix + getattr(r, "path", ""))
        else:
            yield prefix + r.path, set(getattr(r, "methods", None) or ())


def concrete(path: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: SAMPLE.get(m.group(1), "1"), path)


def walk(engine: Engine, public: bool) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    app = create_app(str(engine.url), public_read=public)
    got: dict[str, int] = {}
    changes: dict[tuple[str, str], int] = {}
    with TestClient(app, follow_redirects=False) as client:
        for path, methods in routes(app.routes):
            if "GET" in methods:
                got[path] = client.get(concrete(path)).status_code
            for method in sorted(methods - {"GET", "HEAD", "OPTIONS"}):
                if path == "/login":  # logging in is open (and tested with the sessions)
                    continue
                changes[(method, path)] = client.request(
                    method, concrete(path), json={}).status_code
    return got, changes


def refused(status: int) -> bool:
    """401 for the API, a redirect to the login page for a page."""
    return status in (401, 303)


@pytest.mark.parametrize("public", [False, True], ids=["public-off", "public-on"])
def test_every_route_is_classed_and_anonymous_reads_only_the_public_subset(
        sqlite_engine: Engine, public: bool) -> None:
    with sqlite_engine.connect() as c:
        audited = c.execute(select(func.count()).select_from(t.audit_log)).scalar()
    got, changes = walk(sqlite_engine, public)
    # a new route must be classed: open, public or private
    assert set(got) - (ALWAYS_OPEN | PUBLIC | PRIVATE) == set()
    assert set(got) >= PUBLIC | PRIVATE
    for path in PRIVATE:
        assert refused(got[path]), (path, got[path])
    for path in PUBLIC:
        if public:
            assert got[path] == 200 or (path.endswith("/deadline") and got[path] == 422), (
                path, got[path])
        else:
            assert refused(got[path]), (path, got[path])
    assert got["/api/v1/ping"] == 200 and got["/login"] == 200
    # nothing that changes the record is open to anonymous visitors, public or not: the
    # API refuses (401), a page's form is refused or sent back as incomplete (its fields
    # are read before the session), and nothing was written
    assert changes and all(status in (401, 303, 403, 422) for status in changes.values()), {
        k: v for k, v in changes.items() if v not in (401, 303, 403, 422)}
    assert all(changes[k] == 401 for k in changes if k[1].startswith("/api/")), changes
    with sqlite_engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.audit_log)).scalar() == audited


def test_public_pages_show_no_changing_forms_or_private_links(sqlite_engine: Engine) -> None:
    app = create_app(str(sqlite_engine.url), public_read=True)
    with TestClient(app, follow_redirects=False) as client:
        for path in ("/", "/projects", "/projects/24", "/deadlines", "/frameworks/japan",
                     "/risk"):
            page = client.get(path).text
            posts = re.findall(r'<form[^>]*method="post"', page, flags=re.IGNORECASE)
            assert posts == [], (path, posts)
            assert 'href="/review' not in page and 'href="/priorities' not in page, path
            assert "csrf" not in page.lower(), path


def test_no_account_name_reaches_an_anonymous_reader(demo_url: str) -> None:
    from sqlalchemy import create_engine
    engine = create_engine(demo_url)
    with engine.connect() as c:
        names = [n for (n,) in c.execute(select(t.users.c.name))]
        acted = {a for (a,) in c.execute(select(t.transitions.c.actor))}
    engine.dispose()
    assert set(names) & acted, "the demo has users who recorded decisions themselves"
    app = create_app(demo_url, public_read=True)
    with TestClient(app, follow_redirects=False) as client:
        funded = client.get("/api/v1/projects?status=funded").json()["data"]
        ids = [p["id"] for p in funded] + [24, 27, 32]
        bodies = {"/": client.get("/").text,
                  "/api/v1/feeds/changes.atom": client.get("/api/v1/feeds/changes.atom").text}
        for pid in ids:
            bodies[f"/projects/{pid}"] = client.get(f"/projects/{pid}").text
            bodies[f"/api/v1/projects/{pid}"] = client.get(f"/api/v1/projects/{pid}").text
            bodies[f"/api/v1/projects/{pid}/changes.atom"] = client.get(
                f"/api/v1/projects/{pid}/changes.atom").text
        shown = client.get(f"/api/v1/projects/{ids[0]}").json()["transitions"]
    for path, body in bodies.items():
        leaked = [n for n in names if re.search(rf"\b{re.escape(n)}\b", body)]
        assert leaked == [], (path, leaked)
    assert any(x["actor"].startswith("the ") for x in shown), shown

"""Bounded input at the API: integers in paths, queries and bodies, body size, JSON depth,
amounts, seeds and weights, each refused in the one error shape and never a 500; and a
500, when something unexpected fails, closes the connection and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user

ADMIN = Actor("setup", Role.ADMIN)


@pytest.fixture
def client(engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """The application on each backend, with a token for every role; server errors come
    back as responses (500) instead of being raised in the test."""
    tokens = {r.value: {"Authorization": "Bearer "
                        + add_user(engine, f"u_{r.value}", r.value, ADMIN).token}
              for r in Role}
    with TestClient(create_app(str(engine.url)), raise_server_exceptions=False) as c:
        yield c, tokens


# Beyond any column: past a 64-bit integer (SQLite), far past it, and not a whole number.
BEYOND = ["9223372036854775808", "99999999999999999999", "1e20"]


def _integer_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    return next((k for k in [schema, *schema.get("anyOf", [])] if k.get("type") == "integer"),
                None)


def _is_integer(schema: dict[str, Any]) -> bool:
    return _integer_schema(schema) is not None


def _out_of_range(param: dict[str, Any]) -> list[str]:
    """Values just outside the parameter's declared range (every integer parameter
    declares one), and values beyond every column."""
    bounds = _integer_schema(param["schema"])
    assert bounds is not None and "minimum" in bounds and "maximum" in bounds, (
        f"{param['name']} has no declared range")
    return [str(bounds["minimum"] - 1), str(bounds["maximum"] + 1),
            *(v for v in BEYOND[:2] if int(v) > bounds["maximum"]), BEYOND[2]]


def _filler(param: dict[str, Any]) -> str:
    """A valid value for a parameter that is not the one under test."""
    schema = param.get("schema", {})
    if _is_integer(schema):
        return "1"
    if schema.get("format") == "date" or any(k.get("format") == "date"
                                             for k in schema.get("anyOf", [])):
        return "2026-03-02"
    return "japan"


def _int_parameters(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            for param in op.get("parameters", []):
                if param["in"] in ("path", "query") and _is_integer(param.get("schema", {})):
                    found.append((method.upper(), path, param))
    return found


def test_every_integer_in_a_path_or_query_is_bounded(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    openapi = c.get("/openapi.json").json()
    walked = _int_parameters(openapi)
    # the ids, offsets, filters, seeds, path counts and window lengths of the API
    assert {p["name"] for _, _, p in walked} >= {
        "project_id", "job_id", "proposal_id", "article_id", "offset", "limit", "seed",
        "paths", "top", "days"}
    for method, path, param in walked:
        op = openapi["paths"][path][method.lower()]
        for bad in _out_of_range(param):
            values = {p["name"]: _filler(p) for p in op.get("parameters", [])
                      if p["in"] == "path" or p.get("required")}
            values[param["name"]] = bad
            url = path.format_map(values)
            query = {k: v for k, v in values.items()
                     if any(p["name"] == k and p["in"] == "query"
                            for p in op.get("parameters", []))}
            body: dict[str, Any] | None = {} if "requestBody" in op else None
            r = c.request(method, url, params=query, json=body, headers=tokens["admin"])
            where = f"{method} {path} {param['name']}={bad}"
            assert r.status_code in (404, 422), (where, r.status_code, r.text[:200])
            error = r.json()["error"]
            if r.status_code == 422:  # the refusal names the parameter
                named = [q["field"] for q in error["problems"]]
                assert f"{param['in']}.{param['name']}" in named, (where, named)


def test_integers_inside_bodies_are_bounded(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    for path, body, field in [
        ("/api/v1/simulations", {"project_id": 2**63, "paths": 10}, "body.project_id"),
        ("/api/v1/simulations", {"project_id": 24, "paths": 10, "seed": -1}, "body.seed"),
        ("/api/v1/simulations", {"project_id": 24, "paths": 10, "seed": 2**64}, "body.seed"),
        ("/api/v1/frameworks/japan/batches", {"must_include": [2**31]},
         "body.must_include.0"),
        ("/api/v1/frameworks/japan/batches", {"exclude": [0]}, "body.exclude.0"),
        ("/api/v1/frameworks/japan/pareto", {"sector_max": {"energy": 2**63}},
         "body.sector_max.energy"),
        ("/api/v1/frameworks/japan/pareto", {"max_per_sponsor": -1}, "body.max_per_sponsor"),
    ]:
        r = c.post(path, json=body, headers=tokens["analyst"])
        assert r.status_code == 422, (path, body, r.text[:200])
        assert field in [q["field"] for q in r.json()["error"]["problems"]], (path, body)


def test_a_negative_seed_is_refused_where_simulations_run(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    for path in ("/api/v1/frameworks/japan/rankings?paths=10&seed=-1",
                 "/api/v1/projects/24/decline-advice?paths=10&seed=-1"):
        r = c.get(path, headers=tokens["analyst"])
        assert (r.status_code, r.json()["error"]["field"]) == (422, "seed"), path


def test_the_biggest_amount_is_refused_and_every_page_still_answers(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    for path, body in [
        ("/api/v1/projects", {"name": "Huge", "sector": "energy",
                              "amount": "US$92233720368547758.07"}),
        ("/api/v1/projects", {"name": "Huger", "sector": "energy",
                              "amount": "US$92233720368547758.08"}),
        ("/api/v1/projects/24/estimates", {"amount": "US$92233720368547758.08",
                                           "source": "https://example.org", "on": "2026-03-02"}),
        ("/api/v1/projects/24/fundings", {"amount": "US$92233720368547758.08",
                                          "on": "2026-03-02", "instrument": "equity",
                                          "provider": "JBIC"}),
    ]:
        r = c.post(path, json=body, headers=tokens["funder" if "fundings" in path else "ic"])
        assert r.status_code == 400, (path, r.text[:200])
        assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("money.too_large",
                                                                          "amount")
    assert c.get("/api/v1/projects?limit=500", headers=tokens["analyst"]).status_code == 200
    assert c.get("/api/v1/frameworks/japan/commitments",
                 headers=tokens["analyst"]).status_code == 200


def test_a_weight_of_1e308_is_refused(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    r = c.post("/api/v1/frameworks/japan/weights", headers=tokens["ic"],
               json={"side": "us", "criterion": "strategic", "weight": 1e308})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("priorities.bad_weight",
                                                                      "weight")
    weights = c.get("/api/v1/frameworks/japan/weights", headers=tokens["ic"]).json()
    assert weights["us"]["strategic"] == 0.40  # the default, unchanged


def test_dates_outside_the_range_are_refused_naming_the_field(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    for method, path, body, role, field in [
        ("POST", "/api/v1/projects/1/transitions", {"to": "under_review", "on": "9999-12-31"},
         "ic", "on"),
        ("POST", "/api/v1/projects/27/scores", {"side": "us", "criterion": "strategic",
                                                "value": 5, "on": "0001-01-01"}, "ic", "on"),
        ("GET", "/api/v1/frameworks/japan/commitments?on=9999-12-31", None, "analyst", "on"),
        ("GET", "/api/v1/frameworks/japan/deadline?notice=0001-01-01", None, "analyst",
         "notice"),
    ]:
        r = c.request(method, path, json=body, headers=tokens[role])
        assert r.status_code == 400, (path, r.text[:200])
        assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (
            "input.date_out_of_range", field)


# Found by fuzzing on PostgreSQL: a NUL in a framework key or a filter reached the
# database, which cannot compare such a text (500); SQLite answered "not found".
NUL_LOOKUPS = [
    ("GET", "/api/v1/frameworks/ja%00pan", "framework"),
    ("GET", "/api/v1/frameworks/ja%00pan/ledger.xlsx", "framework"),
    ("POST", "/api/v1/frameworks/ja%00pan/batches", "framework"),
    ("GET", "/api/v1/deadlines?framework=ja%00pan", "framework"),
    ("GET", "/api/v1/projects?framework=ja%00pan", "framework"),
    ("GET", "/api/v1/projects?sector=en%00ergy", "sector"),
    ("GET", "/api/v1/exports/projects.csv?sector=en%00ergy", "sector"),
    ("GET", "/api/v1/exports/deadlines.ics?framework=%1Bjapan", "framework"),
]


def test_a_control_character_in_a_key_or_filter_is_refused_naming_the_field(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    for method, path, field in NUL_LOOKUPS:
        r = c.request(method, path, headers=tokens["admin"],
                      json={} if method == "POST" else None)
        assert r.status_code == 400, (path, r.text[:200])
        error = r.json()["error"]
        assert (error["code"], error["field"]) == ("text.bad_character", field), path
        assert "U+00" in error["message"]
    # the same lookups without the character still answer
    assert c.get("/api/v1/projects?framework=japan&sector=energy",
                 headers=tokens["admin"]).json()["count"] > 0


# -- bodies -----------------------------------------------------------------------------

def _small_app(engine: Engine) -> TestClient:
    return TestClient(create_app(str(engine.url), max_body=4096, max_ingest_body=16384),
                      raise_server_exceptions=False)


def _too_large(r: Any, limit: str) -> None:
    assert r.status_code == 413
    assert r.json() == {"error": {"code": "input.too_large", "field": "body",
                                  "message": f"the request body is larger than {limit}"}}
    assert r.headers["connection"] == "close"


def test_a_body_over_the_limit_is_refused_with_413(sqlite_engine: Engine) -> None:
    token = add_user(sqlite_engine, "u_analyst", "analyst", ADMIN).token
    auth = {"Authorization": f"Bearer {token}"}
    with _small_app(sqlite_engine) as c:
        big = {"name": "x" * 5000, "sector": "energy"}
        _too_large(c.post("/api/v1/projects", json=big, headers=auth), "4096 bytes")
        # sent in chunks, without a length: refused once it passes the limit
        chunks = (b'{"name": "' + b"x" * 1000 for _ in range(5))
        _too_large(c.post("/api/v1/projects", content=chunks,
                          headers={**auth, "content-type": "application/json"}), "4096 bytes")
        # an article may be larger than any other body, up to its own limit
        text = {**auth, "content-type": "text/plain"}
        article = "Tokyo, 2 March. Nothing was announced today. " * 200  # 9,200 bytes
        r = c.post("/api/v1/ingest?dry_run=true&source=wire", content=article, headers=text)
        assert r.status_code == 201, r.text[:200]
        _too_large(c.post("/api/v1/ingest?dry_run=true", content=article * 2, headers=text),
                   "16384 bytes")
        # the pages' forms have the same limit
        _too_large(c.post("/login", data={"name": "x" * 5000}), "4096 bytes")


def test_the_default_limits_are_2_mb_and_10_mb_for_an_article(sqlite_engine: Engine) -> None:
    app = create_app(str(sqlite_engine.url))
    assert (app.state.settings.max_body, app.state.settings.max_ingest_body) == (
        2 * 1024 * 1024, 10 * 1024 * 1024)
    token = add_user(sqlite_engine, "u_analyst", "analyst", ADMIN).token
    with TestClient(app) as c:
        r = c.post("/api/v1/ingest?dry_run=true", content=b"x" * (10 * 1024 * 1024 + 1),
                   headers={"Authorization": f"Bearer {token}",
                            "content-type": "text/plain"})
        _too_large(r, "10 MB")


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize(("path", "content_type", "body"), [
    ("/api/v1/projects", "application/json", '{"name": "x", "sector": "energy", "lead": '
     + DEEP + "}"),
    ("/api/v1/simulations", None, DEEP),
    ("/api/v1/ingest", "application/json", '{"source": "x", "text": ' + DEEP + "}"),
    ("/api/v1/frameworks/japan/batches", "application/merge-patch+json", DEEP),
], ids=["json", "no content type", "ingest", "+json"])
def test_deeply_nested_json_is_refused_naming_the_body(
        client: tuple[TestClient, dict[str, dict[str, str]]], path: str,
        content_type: str | None, body: str) -> None:
    c, tokens = client
    headers = {**tokens["ic"], **({"content-type": content_type} if content_type else {})}
    r = c.post(path, content=body.encode(), headers=headers)
    assert r.status_code == 422, r.text[:200]
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("input.too_deep", "body")


def test_nesting_is_counted_outside_strings_only(
        client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    c, tokens = client
    # brackets inside a string are text: the article is read, not refused
    r = c.post("/api/v1/ingest?dry_run=true", headers=tokens["analyst"],
               json={"source": "x", "text": "[" * 5000 + ' quoted \\" [{ ' + "}" * 5000})
    assert r.status_code == 201, r.text[:200]


# -- 500 --------------------------------------------------------------------------------

def test_an_unexpected_error_answers_500_in_the_one_shape_and_closes_the_connection(
        sqlite_engine: Engine) -> None:
    app = create_app(str(sqlite_engine.url), public_read=True)

    def broken() -> None:
        raise RuntimeError("something nobody planned for")

    app.add_api_route("/api/v1/broken", broken, methods=["GET"])
    app.add_api_route("/broken", broken, methods=["GET"], include_in_schema=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/broken")
        assert r.status_code == 500
        assert r.headers["connection"] == "close"
        assert r.json()["error"]["code"] == "server.error"
        assert "nobody planned" not in r.text  # the details go to the log, not the client
        page = c.get("/broken")
        assert page.status_code == 500 and page.headers["connection"] == "close"
        assert "text/html" in page.headers["content-type"]
        # the next request is answered as usual
        assert c.get("/api/v1/frameworks").status_code == 200


def test_the_limits_are_settings_read_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pledge.settings import MAX_BODY, MAX_INGEST_BODY, read

    monkeypatch.setenv("PLEDGE_MAX_BODY", "65536")
    monkeypatch.setenv("PLEDGE_MAX_INGEST_BODY", "not a number")
    assert (read().max_body, read().max_ingest_body) == (65536, MAX_INGEST_BODY)
    monkeypatch.delenv("PLEDGE_MAX_BODY")
    monkeypatch.setenv("PLEDGE_MAX_INGEST_BODY", "20971520")
    assert (read().max_body, read().max_ingest_body) == (MAX_BODY, 20971520)
    # a limit beyond any sane request is refused, naming the variable
    monkeypatch.setenv("PLEDGE_MAX_BODY", str(2**40))
    with pytest.raises(InvalidInput) as err:
        read()
    assert (err.value.first.field, err.value.first.rule) == ("PLEDGE_MAX_BODY",
                                                             "settings.body_too_large")

"""The review API: list, accept, reject, ingest; 401 and 403 in the one error shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.ingest.helpers import SEED_000, SEED_003

ADMIN = Actor("setup", Role.ADMIN)
Api = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[Api]:
    app = create_app(str(sqlite_engine.url))
    tokens = {}
    for role in Role:
        token = add_user(sqlite_engine, f"u_{role.value}", role.value, ADMIN).token
        tokens[role.value] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


def test_ingest_then_review(api: Api) -> None:
    client, tokens = api
    r = client.post("/api/v1/ingest", json={"source": "https://news.example/000",
                                            "text": SEED_000.read_text(encoding="utf-8")},
                    headers=tokens["analyst"])
    assert r.status_code == 201, r.json()
    [item] = r.json()
    assert item["companies"] == ["SoftBank Group", "GE Vernova", "De Beers", "Westinghouse"]
    assert item["article_id"] and len(item["proposals"]) == 4   # with a sponsor and a tranche
    listed = client.get("/api/v1/review", headers=tokens["president"]).json()
    assert listed["count"] == 4
    estimate = next(p for p in listed["data"] if p["kind"] == "additional_estimate")
    assert estimate["article_source"] == "https://news.example/000"
    assert estimate["payload"]["low"] == "6000000000000" and estimate["evidence"]
    r = client.post(f"/api/v1/review/{estimate['id']}/accept", json={"on": "2026-04-01"},
                    headers=tokens["ic"])
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    site = next(p for p in listed["data"] if p["kind"] == "site_report")
    r = client.post(f"/api/v1/review/{site['id']}/reject", json={"reason": "a guess"},
                    headers=tokens["cc_jp"])
    assert r.status_code == 200 and r.json()["reason"] == "a guess"
    assert client.get("/api/v1/review?state=all", headers=tokens["analyst"]).json()["count"] == 4
    assert client.get(f"/api/v1/review/{site['id']}",
                      headers=tokens["analyst"]).json()["state"] == "rejected"


def test_a_blank_text_body_is_refused(api: Api) -> None:
    client, tokens = api
    r = client.post("/api/v1/ingest?source=blank", content=b"  \r\n",
                    headers={**tokens["admin"], "Content-Type": "text/plain"})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("news.empty", "text")
    assert client.get("/api/v1/review/articles", headers=tokens["admin"]).json()["count"] == 0


def test_ingest_a_text_body_dry_run(api: Api) -> None:
    client, tokens = api
    r = client.post("/api/v1/ingest?dry_run=true&source=seed-003",
                    content=SEED_003.read_text(encoding="utf-8").encode("utf-8"),
                    headers={**tokens["funder"], "Content-Type": "text/plain"})
    assert r.status_code == 201, r.json()
    [item] = r.json()
    assert item["source"] == "seed-003" and item["article_id"] is None
    assert client.get("/api/v1/review", headers=tokens["admin"]).json()["count"] == 0


@pytest.mark.parametrize(("method", "path", "body", "role", "status", "code"), [
    ("GET", "/api/v1/review", None, None, 401, "auth.required"),
    ("POST", "/api/v1/review/1/accept", {}, None, 401, "auth.required"),
    ("POST", "/api/v1/review/1/reject", {}, None, 401, "auth.required"),
    ("POST", "/api/v1/ingest", {"source": "s", "text": "t"}, None, 401, "auth.required"),
    ("POST", "/api/v1/ingest", {"source": "s", "text": "Japan invests."}, "funder", 403,
     "auth.forbidden"),
    ("POST", "/api/v1/review/999/accept", {}, "ic", 404, "review.unknown"),
    ("POST", "/api/v1/review/999/reject", {}, "funder", 403, "auth.forbidden"),
    ("GET", "/api/v1/review?state=pending", None, "analyst", 400, "review.unknown_state"),
    ("POST", "/api/v1/ingest", {"text": "no source"}, "admin", 400, "news.bad_body"),
    ("POST", "/api/v1/ingest", {"source": "s", "text": " \n "}, "admin", 400, "news.empty"),
])
def test_errors_have_the_one_shape(api: Api, method: str, path: str, body: object,
                                   role: str | None, status: int, code: str) -> None:
    client, tokens = api
    r = client.request(method, path, json=body, headers=tokens[role] if role else {})
    assert r.status_code == status, r.json()
    err = r.json()["error"]
    assert set(err) >= {"code", "message", "field"} and err["code"] == code


def test_accepting_needs_the_rights_of_the_change(api: Api) -> None:
    client, tokens = api
    client.post("/api/v1/ingest", json={"source": "s", "text": SEED_000.read_text(
        encoding="utf-8")}, headers=tokens["admin"])
    estimate = next(p for p in client.get("/api/v1/review", headers=tokens["admin"]).json()[
        "data"] if p["kind"] == "additional_estimate")
    for role in ("analyst", "funder", "president"):
        r = client.post(f"/api/v1/review/{estimate['id']}/accept", headers=tokens[role])
        assert r.status_code == 403 and r.json()["error"]["code"] == "auth.forbidden", role
    assert client.get(f"/api/v1/review/{estimate['id']}",
                      headers=tokens["admin"]).json()["state"] == "proposed"


def test_an_article_with_its_evidence_and_proposals(api: Api) -> None:
    client, tokens = api
    [item] = client.post("/api/v1/ingest", json={"source": "https://news.example/000",
                                                 "text": SEED_000.read_text(encoding="utf-8")},
                         headers=tokens["cc_us"]).json()
    r = client.get(f"/api/v1/review/articles/{item['article_id']}", headers=tokens["funder"])
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["source"] == "https://news.example/000" and body["language"] == "en"
    assert "Copyright" not in body["text"] and "sketch" not in body
    assert any("6 to 7 trillion yen" in s for s in body["evidence"])
    assert all(s in body["text"] for s in body["evidence"])
    assert [p["id"] for p in body["proposals"]] == [p["id"] for p in item["proposals"]]
    listed = client.get("/api/v1/review/articles?project_id=24", headers=tokens["funder"])
    assert [a["id"] for a in listed.json()["data"]] == [item["article_id"]]
    assert listed.json()["data"][0]["waiting"] == len(item["proposals"])
    assert client.get("/api/v1/review/articles?project_id=3",
                      headers=tokens["funder"]).json() == {"data": [], "count": 0}
    missing = client.get("/api/v1/review/articles/999", headers=tokens["funder"])
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "review.unknown_article"


def test_the_articles_date_is_listed_and_is_the_default_date_of_acceptance(api: Api) -> None:
    client, tokens = api
    text = ("Ohio gas plant notice\n\nWASHINGTON, April 3, 2026 - Japan was notified of the "
            "selection of SB Energy's gas plant in Ohio, Commerce said.")
    r = client.post("/api/v1/ingest", json={"source": "https://news.example/notice",
                                            "text": text}, headers=tokens["analyst"])
    assert r.status_code == 201 and r.json()[0]["published"] == "2026-04-03"
    [listed] = client.get("/api/v1/review/articles", headers=tokens["analyst"]).json()["data"]
    assert listed["published"] == "2026-04-03"
    [p] = client.get("/api/v1/review", headers=tokens["analyst"]).json()["data"]
    assert p["article_published"] == "2026-04-03"
    r = client.post(f"/api/v1/review/{p['id']}/accept", json={"on": "2026-04-31"},
                    headers=tokens["ic"])
    assert r.status_code == 422, r.json()
    assert [e["field"] for e in r.json()["error"]["problems"]] == ["body.on"]
    r = client.post(f"/api/v1/review/{p['id']}/accept", headers=tokens["ic"])
    assert r.status_code == 200, r.json()
    assert (r.json()["result"]["on"], r.json()["result"]["on_from"]) == ("2026-04-03", "article")


def test_term_claims_and_tranches_through_the_api(api: Api) -> None:
    client, tokens = api
    for seed in (SEED_000, SEED_003):
        r = client.post("/api/v1/ingest", json={"source": f"https://news.example/{seed.stem}",
                                                "text": seed.read_text(encoding="utf-8")},
                        headers=tokens["analyst"])
        assert r.status_code == 201, r.json()
    waiting = client.get("/api/v1/review?size=100", headers=tokens["analyst"]).json()["data"]
    window = next(p for p in waiting if p["kind"] == "term_claim"
                  and "funding_window.length" in p["payload"]["settings"])
    tranche = next(p for p in waiting if p["kind"] == "tranche")
    for p in (window, tranche):
        r = client.post(f"/api/v1/review/{p['id']}/accept", json={"on": "2026-02-20"},
                        headers=tokens["cc_us"])
        assert r.status_code == 200, r.json()
    before = client.get("/api/v1/frameworks/japan", headers=tokens["analyst"]).json()
    claims = client.get("/api/v1/frameworks/japan/claims", headers=tokens["funder"]).json()
    assert claims["count"] == 1
    [claim] = claims["data"]
    assert claim["settings"] == {"funding_window.length": 45, "funding_window.unit": "business"}
    assert claim["agrees"] == {"funding_window.length": True, "funding_window.unit": True}
    assert claim["as_of"] == "2026-02-20"
    assert client.get("/api/v1/frameworks/japan", headers=tokens["analyst"]).json() == before
    [t] = client.get("/api/v1/frameworks/japan/tranches", headers=tokens["analyst"]).json()[
        "data"]
    assert (t["label"], t["ordinal"], t["low"], t["currency"], t["project_id"]) == (
        "first phase", 1, "6000000000000.00", "JPY", None)
    assert client.get("/api/v1/frameworks/japan/claims").status_code == 401

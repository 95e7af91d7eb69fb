"""The REST API in-process: every endpoint against every role, and one error shape."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.api.app import create_app
from pledge.cli import run
from pledge.domain.access import MATRIX, Action
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.jobs import JobRunner
from pledge.services.users import add_user, revoke_user

ADMIN = Actor("setup", Role.ADMIN)
ROLES = [r.value for r in Role]


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    app = create_app(str(sqlite_engine.url))
    tokens = {}
    for role in ROLES:
        token = add_user(sqlite_engine, f"u_{role}", role, ADMIN).token
        tokens[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


# (method, path, body, action). Bodies are well-formed but refused by the rules for every
# role, so an allowed role gets a 4xx that is not 401/403 and nothing changes.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Action]] = [
    ("GET", "/api/v1/frameworks", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan/commitments", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan/ledger", None, Action.READ),
    ("GET", "/api/v1/frameworks/japan/deadline?notice=2026-02-17", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/deadlines", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects/24", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects/24/history", None, Action.READ),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, Action.PROJECT_EDIT),
    ("POST", "/api/v1/projects/24/transitions", {"to": "sideways", "on": "2026-04-01"},
     Action.ADVANCE),
    ("POST", "/api/v1/projects/24/consultations", {"kind": "chat", "on": "2026-04-01"},
     Action.CONSULT),
    ("POST", "/api/v1/projects/999/extensions",
     {"until": "2026-06-01", "on": "2026-04-01", "reason": "r"}, Action.EXTEND),
    ("POST", "/api/v1/projects/24/fundings",
     {"amount": "US$1bn", "on": "2026-04-01", "instrument": "gift", "provider": "JBIC"},
     Action.FUND),
    ("POST", "/api/v1/projects/24/estimates",
     {"amount": "lots", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT),
    ("PATCH", "/api/v1/projects/24", {"sector": "astrology"}, Action.PROJECT_EDIT),
    ("POST", "/api/v1/projects/24/status-reports",
     {"stage": "rumoured", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT),
    ("POST", "/api/v1/projects/24/sites",
     {"location": " ", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT),
    ("GET", "/api/v1/projects/24/scores", None, Action.READ),
    ("POST", "/api/v1/projects/24/scores",
     {"side": "sideways", "criterion": "strategic", "value": 5}, Action.SCORE),
    ("GET", "/api/v1/frameworks/japan/weights", None, Action.READ),
    ("POST", "/api/v1/frameworks/japan/weights",
     {"side": "sideways", "criterion": "strategic", "weight": 1}, Action.SCORE),
    ("GET", "/api/v1/frameworks/korea/rankings", None, Action.READ),
    ("POST", "/api/v1/frameworks/atlantis/batches", {}, Action.ANALYSE),
    ("POST", "/api/v1/frameworks/atlantis/pareto", {}, Action.ANALYSE),
    ("GET", "/api/v1/projects/999/decline-advice", None, Action.ANALYSE),
    ("POST", "/api/v1/simulations", {"project_id": 999, "paths": 10}, Action.ANALYSE),
    ("GET", "/api/v1/simulations/999", None, Action.ANALYSE),
    ("GET", "/api/v1/simulations/999/result", None, Action.ANALYSE),
    ("GET", "/api/v1/review", None, Action.READ),
    ("GET", "/api/v1/review/999", None, Action.READ),
    ("GET", "/api/v1/review/articles/999", None, Action.READ),
    ("GET", "/api/v1/review/articles?project_id=24", None, Action.READ),
    ("POST", "/api/v1/review/999/accept", {}, Action.REVIEW),
    ("POST", "/api/v1/review/999/reject", {"reason": "not news"}, Action.REVIEW),
    ("POST", "/api/v1/ingest", {"source": "x", "text": " "}, Action.REVIEW),
]


@pytest.mark.parametrize(("method", "path", "body", "action"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_every_endpoint_for_every_role(api: tuple[TestClient, dict[str, dict[str, str]]],
                                       method: str, path: str, body: dict[str, Any] | None,
                                       action: Action) -> None:
    client, tokens = api
    for role in ROLES:
        r = client.request(method, path, json=body, headers=tokens[role])
        allowed = Role(role) in MATRIX[action]
        if allowed:
            assert r.status_code not in (401, 403), (role, r.json())
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json()["error"]["code"] == "auth.forbidden"
    anonymous = client.request(method, path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "auth.required"


def test_the_matrix_walks_every_operation_of_the_api(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    # Every operation in the OpenAPI document is walked for every role, here or in the
    # export endpoints' matrix: a new endpoint must join one of them.
    from tests.api.test_exports_api import ENDPOINTS as EXPORTS

    def shape(path: str) -> str:
        path = re.sub(r"/\d+(?=/|$)", "/{}", path.split("?")[0])
        return re.sub(r"/frameworks/[a-z]+", "/frameworks/{}", path)

    client, _ = api
    walked = {(m, shape(p)) for m, p, _, _ in ENDPOINTS} | {
        ("GET", shape(p)) for p, *_ in EXPORTS}
    operations = {(m.upper(), re.sub(r"\{[^}]+\}", "{}", p))
                  for p, item in client.get("/openapi.json").json()["paths"].items()
                  for m in item}
    assert operations - walked == set()


def test_public_read_lets_anonymous_read_the_public_subset(sqlite_engine: Engine) -> None:
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        assert client.get("/api/v1/projects").status_code == 200
        assert client.get("/api/v1/frameworks/japan/ledger").status_code == 401
        assert client.post("/api/v1/projects", json={"name": "X", "sector": "energy"}
                           ).status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "role", "status", "code"), [
    ("GET", "/api/v1/projects/999", None, "analyst", 404, "project.unknown"),
    ("GET", "/api/v1/frameworks/atlantis", None, "analyst", 404, "framework.unknown"),
    ("GET", "/api/v1/projects?limit=0", None, "analyst", 422, "request.invalid"),
    ("POST", "/api/v1/projects", {"sector": "energy"}, "ic", 422, "request.invalid"),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, "ic", 400,
     "project.unknown_sector"),
    ("POST", "/api/v1/projects", {"name": "Texas GulfLink deepwater crude oil export terminal",
                                  "sector": "energy"}, "ic", 409, "project.duplicate_name"),
    ("POST", "/api/v1/projects/32/transitions", {"to": "recommended", "on": "2026-04-01"},
     "ic", 409, "lifecycle.cc_consultation_required"),
    ("POST", "/api/v1/projects/32/transitions", {"to": "recommended", "on": "2026-04-01"},
     "cc_us", 403, "lifecycle.role_not_allowed"),
    ("PATCH", "/api/v1/projects/24", {"sector": "astrology"}, "ic", 400,
     "project.unknown_sector"),
    ("PATCH", "/api/v1/projects/24", {"colour": "red"}, "ic", 422, "request.invalid"),
    ("PATCH", "/api/v1/projects/24", {}, "ic", 400, "project.no_changes"),
    ("PATCH", "/api/v1/projects/24", {"name": None}, "ic", 400, "input.not_text"),
    ("PATCH", "/api/v1/projects/24",
     {"name": "Texas GulfLink deepwater crude oil export terminal"}, "ic", 409,
     "project.duplicate_name"),
    ("PATCH", "/api/v1/projects/999", {"name": "X"}, "ic", 404, "project.unknown"),
    ("PATCH", "/api/v1/projects/24", {"name": "X"}, "analyst", 403, "auth.forbidden"),
    ("POST", "/api/v1/projects/27/scores", {"side": "partner", "criterion": "strategic",
                                            "value": 5}, "ic", 403, "priorities.wrong_side"),
    ("POST", "/api/v1/projects/27/scores", {"side": "us", "criterion": "strategic",
                                            "value": 11}, "ic", 400, "priorities.out_of_range"),
    ("POST", "/api/v1/projects/27/scores", {"side": "us", "criterion": "strategic",
                                            "value": 5}, "analyst", 403, "auth.forbidden"),
    ("POST", "/api/v1/frameworks/japan/weights", {"side": "us", "criterion": "astrology",
                                                  "weight": 1}, "ic", 400,
     "priorities.unknown_criterion"),
    ("GET", "/api/v1/frameworks/korea/rankings", None, "analyst", 409,
     "priorities.no_projects"),
    ("GET", "/api/v1/frameworks/japan/rankings?paths=0", None, "analyst", 422,
     "request.invalid"),
    ("POST", "/api/v1/frameworks/japan/batches", {"objective": "greed"}, "analyst", 400,
     "batch.unknown_objective"),
    ("POST", "/api/v1/frameworks/japan/batches", {"budget": "¥1tn"}, "analyst", 400,
     "money.not_usd"),
    ("POST", "/api/v1/frameworks/japan/batches", {"must_include": [999], "paths": 20},
     "analyst", 400, "batch.unknown_candidate"),
    ("POST", "/api/v1/frameworks/japan/pareto", {"max_points": 0}, "analyst", 422,
     "request.invalid"),
    ("GET", "/api/v1/projects/24/decline-advice?exports=lots", None, "analyst", 400,
     "money.trailing_text"),
    ("POST", "/api/v1/simulations", {"project_id": 24, "framework": "japan"}, "analyst", 400,
     "simulation.target"),
    ("POST", "/api/v1/simulations", {"framework": "korea"}, "analyst", 409,
     "simulation.empty_portfolio"),
    ("POST", "/api/v1/simulations", {"project_id": 24, "paths": 0}, "analyst", 422,
     "request.invalid"),
    ("GET", "/api/v1/simulations/999", None, "analyst", 404, "job.unknown"),
    ("GET", "/api/v1/simulations/999/result", None, "analyst", 404, "job.unknown"),
    ("GET", "/api/v1/simulations/999", None, None, 401, "auth.required"),
    ("GET", "/api/v1/nowhere", None, "analyst", 404, "http.not_found"),
    ("GET", "/api/v1/projects", None, None, 401, "auth.required"),
])
def test_every_error_has_the_one_shape(api: tuple[TestClient, dict[str, dict[str, str]]],
                                       method: str, path: str, body: dict[str, Any] | None,
                                       role: str | None, status: int, code: str) -> None:
    client, tokens = api
    r = client.request(method, path, json=body, headers=tokens[role] if role else {})
    assert r.status_code == status
    err = r.json()["error"]
    assert set(err) >= {"code", "message", "field"}
    assert err["code"] == code and err["message"]


def test_a_committee_walk_over_the_api(api: tuple[TestClient, dict[str, dict[str, str]]]
                                       ) -> None:
    client, tokens = api
    steps = [("cc_jp", "consultations", {"kind": "committee", "on": "2026-04-01"}),
             ("ic", "transitions", {"to": "recommended", "on": "2026-04-02"}),
             ("president", "transitions", {"to": "selected", "on": "2026-04-03"}),
             ("ic", "transitions", {"to": "notified", "on": "2026-04-06"})]
    for role, what, body in steps:
        r = client.post(f"/api/v1/projects/32/{what}", json=body, headers=tokens[role])
        assert r.status_code == 201, r.json()
    assert r.json()["status"] == "notified" and r.json()["funding_date"] == "2026-06-09"
    r = client.post("/api/v1/projects/32/fundings", headers=tokens["funder"], json={
        "amount": "US$1bn", "on": "2026-05-01", "instrument": "loan", "provider": "JBIC"})
    assert r.status_code == 201 and r.json()["status"] == "funded"
    history = client.get("/api/v1/projects/32/history", headers=tokens["analyst"]).json()
    assert [a["actor"] for a in history["audit"][-3:]] == ["u_president", "u_ic", "u_funder"]


def test_revoked_tokens_stop_working(api: tuple[TestClient, dict[str, dict[str, str]]],
                                     sqlite_engine: Engine) -> None:
    client, tokens = api
    assert client.get("/api/v1/projects", headers=tokens["analyst"]).status_code == 200
    revoke_user(sqlite_engine, "u_analyst", ADMIN)
    assert client.get("/api/v1/projects", headers=tokens["analyst"]).status_code == 401


def test_openapi_has_stable_operation_ids(api: tuple[TestClient, dict[str, dict[str, str]]]
                                          ) -> None:
    client, _ = api
    doc = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {"projects-list_projects", "projects-create_transition",
            "frameworks-get_commitments", "projects-update_project", "priorities-get_scores",
            "priorities-create_score", "priorities-get_weights", "priorities-create_weight",
            "priorities-get_rankings", "priorities-create_batch", "priorities-create_pareto",
            "priorities-get_decline_advice", "simulations-create_simulation",
            "simulations-get_simulation", "simulations-get_simulation_result"} <= ids


def test_patch_changes_a_project_and_is_audited(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    r = client.patch("/api/v1/projects/24", headers=tokens["cc_us"], json={
        "name": "Portsmouth gas power plant", "sector": "energy (gas turbines)",
        "location": "Portsmouth, Ohio; later Texas", "lead": "SB Energy; Toshiba"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["name"], body["sector"], body["sector_detail"]) == (
        "Portsmouth gas power plant", "energy", "gas turbines")
    assert body["states"] == ["Ohio", "Texas"]
    assert [s["name"] for s in body["sponsors"] if s["role"] == "lead"] == [
        "SB Energy", "Toshiba"]
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == body
    audit = client.get("/api/v1/projects/24/history", headers=tokens["analyst"]).json()["audit"]
    last = audit[-1]
    assert (last["action"], last["actor"], last["role"]) == ("project.update", "u_cc_us",
                                                             "cc_us")
    assert last["before"]["states"] == ["Ohio"] and last["after"]["states"] == ["Ohio", "Texas"]
    assert last["after"]["name"] == "Portsmouth gas power plant"
    assert set(last["after"]) == {"name", "sector_detail", "location", "states", "lead"}


def test_a_reported_site_is_recorded_with_its_source_and_shown(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    before = client.get("/api/v1/projects/24", headers=tokens["analyst"]).json()
    r = client.post("/api/v1/projects/24/sites", headers=tokens["cc_jp"], json={
        "location": "Gulf of Mexico, offshore", "states": ["texas", "Louisiana"],
        "source": "https://example.org/b", "on": "2026-05-02"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["sites"] == [{"location": "Gulf of Mexico, offshore",
                              "states": ["Texas", "Louisiana"], "source": "https://example.org/b",
                              "as_of": "2026-05-02", "recorded_by": "u_cc_jp"}]
    assert (body["location"], body["states"]) == (before["location"], before["states"])
    bad = client.post("/api/v1/projects/24/sites", headers=tokens["ic"], json={
        "location": "somewhere", "states": ["Atlantis"], "source": "https://x",
        "on": "2026-05-02"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "states"
    assert bad.json()["error"]["code"] == "project.unknown_state"
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == body


def test_patch_rejects_a_bad_sector_naming_the_field_and_changes_nothing(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    before = client.get("/api/v1/projects/24", headers=tokens["analyst"]).json()
    r = client.patch("/api/v1/projects/24", headers=tokens["ic"],
                     json={"sector": "astrology", "location": "Austin, Texas", "name": " "})
    assert r.status_code == 400
    err = r.json()["error"]
    assert {(p["field"], p["code"]) for p in err["problems"]} == {
        ("sector", "project.unknown_sector"), ("name", "project.no_name")}
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == before


def test_scores_and_weights_round_trip(api: tuple[TestClient, dict[str, dict[str, str]]]
                                       ) -> None:
    client, tokens = api
    r = client.post("/api/v1/projects/27/scores", headers=tokens["cc_jp"], json={
        "side": "partner", "criterion": "jobs", "value": 7.5, "on": "2026-04-01",
        "note": "plant jobs"})
    assert r.status_code == 201, r.json()
    scores = client.get("/api/v1/projects/27/scores", headers=tokens["analyst"]).json()
    assert scores == r.json()
    assert scores["project_id"] == 27 and scores["us"] == {}
    assert scores["partner"]["jobs"] == {"value": 7.5, "author": "u_cc_jp", "role": "cc_jp",
                                         "on": "2026-04-01", "note": "plant jobs"}
    r = client.post("/api/v1/frameworks/japan/weights", headers=tokens["ic"],
                    json={"side": "us", "criterion": "risk", "weight": 0.5})
    assert r.status_code == 201, r.json()
    weights = client.get("/api/v1/frameworks/japan/weights", headers=tokens["analyst"]).json()
    assert weights == r.json() and weights["us"]["risk"] == 0.5
    assert set(weights) == {"us", "partner"}


def test_rankings_match_the_cli(api: tuple[TestClient, dict[str, dict[str, str]]],
                                sqlite_engine: Engine,
                                capsys: pytest.CaptureFixture[str]) -> None:
    client, tokens = api
    for pid, us, jp in ((27, 9, 2), (32, 2, 9)):
        for side, value, role in (("us", us, "ic"), ("partner", jp, "cc_jp")):
            assert client.post(f"/api/v1/projects/{pid}/scores", headers=tokens[role], json={
                "side": side, "criterion": "strategic", "value": value}).status_code == 201
    r = client.get("/api/v1/frameworks/japan/rankings?top=3&paths=50",
                   headers=tokens["analyst"])
    assert r.status_code == 200, r.json()
    body = r.json()
    assert set(body) == {"framework", "kendall_tau", "top_k", "top_k_overlap", "projects"}
    assert body["top_k"] == 3 and -1 <= body["kendall_tau"] <= 1
    ranks = {p["id"]: p for p in body["projects"]}
    assert ranks[27]["us_rank"] < ranks[32]["us_rank"]
    assert ranks[32]["partner_rank"] < ranks[27]["partner_rank"]
    assert {"criterion", "us_minus_partner"} == set(ranks[27]["drivers"][0])
    assert run(["--db", str(sqlite_engine.url), "prioritise", "--framework", "japan",
                "--top", "3", "--paths", "50", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == body


def test_a_batch_is_chosen_under_its_budget(api: tuple[TestClient, dict[str, dict[str, str]]]
                                            ) -> None:
    client, tokens = api
    r = client.post("/api/v1/frameworks/japan/batches", headers=tokens["analyst"], json={
        "objective": "maxmin", "budget": "US$20bn", "sector_max": {"energy": 2},
        "paths": 50})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert {"selected", "cost", "u_us", "u_partner", "objective", "status", "gap"} <= set(body)
    assert body["selected"] and body["status"] == "optimal"
    assert Decimal(body["budget"]) == Decimal("20e9")
    assert Decimal(body["cost"]) <= Decimal(body["budget"])
    assert body["maximised"] == "maxmin" and body["framework"] == "japan"
    frontier = client.post("/api/v1/frameworks/japan/pareto", headers=tokens["analyst"],
                           json={"budget": "US$20bn", "paths": 50}).json()
    assert frontier["count"] == len(frontier["data"]) >= 1
    assert all(Decimal(p["cost"]) <= Decimal("20e9") for p in frontier["data"])
    u_us = [p["u_us"] for p in frontier["data"]]
    assert u_us == sorted(u_us, reverse=True)


def test_decline_advice_over_the_api(api: tuple[TestClient, dict[str, dict[str, str]]]
                                     ) -> None:
    client, tokens = api
    r = client.get("/api/v1/projects/24/decline-advice?paths=200&probability=0.3"
                   "&exports=US$100bn", headers=tokens["analyst"])
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["advice"] in ("fund", "decline")
    assert body["inputs"]["exports"] == 100e9 and body["inputs"]["probability"] == 0.3
    assert body["cost_decline"] == pytest.approx(0.3 * 0.10 * 100e9)
    bad = client.get("/api/v1/projects/24/decline-advice?exports=lots",
                     headers=tokens["analyst"]).json()["error"]
    assert bad["field"] == "exports"


def _wait_for(client: TestClient, job: str, headers: dict[str, str],
              timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(job, headers=headers).json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_a_simulation_job_runs_to_done_and_has_the_irr_summary(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    r = client.post("/api/v1/simulations", headers=tokens["analyst"],
                    json={"project_id": 24, "paths": 300, "seed": 7})
    assert r.status_code == 202, r.json()
    body = r.json()
    assert set(body) == {"id", "state", "links"} and body["state"] in ("queued", "running",
                                                                        "done")
    assert r.headers["location"] == body["links"]["self"] == f"/api/v1/simulations/{body['id']}"
    status = _wait_for(client, body["links"]["self"], tokens["analyst"])
    assert status["state"] == "done", status
    assert status["progress"] == 1.0 and status["error"] is None
    assert status["created_by"] == "u_analyst" and status["params"]["paths"] == 300
    result = client.get(body["links"]["result"], headers=tokens["analyst"])
    assert result.status_code == 200
    res = result.json()
    assert (res["project_id"], res["paths"], res["seed"]) == (24, 300, 7)
    irr = res["partner_irr"]
    assert set(irr) == {"p5", "p50", "p95"} and irr["p5"] <= irr["p50"] <= irr["p95"]
    assert 0 <= res["prob_recover"] <= 1
    for money in ("us_expected_take", "partner_expected_take", "expected_funding"):
        assert isinstance(res[money], str) and Decimal(res[money]) > 0


class HeldRunner(JobRunner):
    """A runner that keeps submitted jobs queued until the test releases them."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.held: list[tuple[int, Callable[[int, JobRunner], None]]] = []

    def submit(self, job_id: int, work: Callable[[int, JobRunner], None]) -> None:
        self.held.append((job_id, work))

    def release(self) -> None:
        for job_id, work in self.held:
            work(job_id, self)


def test_a_result_before_the_job_is_done_is_a_conflict(
        api: tuple[TestClient, dict[str, dict[str, str]]], sqlite_engine: Engine) -> None:
    client, tokens = api
    held = HeldRunner(sqlite_engine)
    client.app.state.jobs = held  # type: ignore[attr-defined]
    body = client.post("/api/v1/simulations", headers=tokens["ic"],
                       json={"framework": "japan", "paths": 100}).json()
    status = client.get(body["links"]["self"], headers=tokens["ic"]).json()
    assert (status["state"], status["progress"]) == ("queued", 0.0)
    r = client.get(body["links"]["result"], headers=tokens["ic"])
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "job.not_finished" and err["message"] and "field" in err
    held.release()
    r = client.get(body["links"]["result"], headers=tokens["ic"])
    assert r.status_code == 200, r.json()
    assert r.json()["framework"] == "japan" and len(r.json()["projects"]) == 3

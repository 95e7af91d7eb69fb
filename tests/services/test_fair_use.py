"""Fair use of the server: input checked before any computation, analyses computed once per
data version, paths and time limits within each role's allowance, jobs within quotas.

The engines are replaced by spies: a test fails if an engine runs where it must not, and
counts how often it runs where it may. Nothing here is timed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.analytics import selection
from pledge.app import create_app
from pledge.domain import fair_use
from pledge.domain.errors import InvalidInput, RuleViolation, TooManyRequests
from pledge.domain.lifecycle import Role
from pledge.services import jobs, priorities, simulation, views
from pledge.services.base import Actor, now
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import transaction
from tests.web.test_pages import log_in

OHIO = 24
ADMIN = Actor("setup", Role.ADMIN)
ANALYST = Actor("ann", Role.ANALYST)
IC = Actor("ivy", Role.IC)
ROLES = ["admin", "ic", "president", "cc_us", "cc_jp", "funder", "analyst"]


class Held(jobs.JobRunner):
    """A runner that keeps submitted jobs queued until the test runs them."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.held: list[tuple[int, Callable[[int, jobs.JobRunner], None]]] = []

    def submit(self, job_id: int, work: Callable[[int, jobs.JobRunner], None]) -> None:
        self.held.append((job_id, work))

    def run_all(self) -> None:
        while self.held:
            job_id, work = self.held.pop(0)
            work(job_id, self)


def forbid_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the simulation and the optimiser fail the test if anything calls them."""
    def called(*_: object, **__: object) -> Any:
        raise AssertionError("an engine ran before the input was checked")

    monkeypatch.setattr(simulation, "simulate", called)
    monkeypatch.setattr(selection, "solve", called)
    monkeypatch.setattr(selection, "pareto_frontier", called)


def count_simulations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the simulations actually run (the real engine still answers)."""
    real = simulation.simulate
    calls: list[int] = []

    def counted(spec: Any, **kw: Any) -> Any:
        calls.append(spec.paths)
        return real(spec, **kw)

    monkeypatch.setattr(simulation, "simulate", counted)
    return calls


def job_count(engine: Engine) -> int:
    with transaction(engine) as s:
        return int(s.execute(select(func.count()).select_from(t.jobs)).scalar_one())


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Held]]:
    app = create_app(str(sqlite_engine.url))
    tokens = {}
    for role in ROLES:
        token = add_user(sqlite_engine, f"u_{role}", role, ADMIN).token
        tokens[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        held = Held(sqlite_engine)
        app.state.jobs = held
        yield client, tokens, held


# ---- finding: an invalid budget was checked after the computation ----------------------------

def test_an_invalid_budget_is_refused_before_any_engine_runs(
        sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    runner = Held(sqlite_engine)
    for call in (
            lambda: priorities.choose_batch(sqlite_engine, "japan", "nash",
                                            priorities.BatchLimits(budget="lots")),
            lambda: priorities.batch_frontier(sqlite_engine, "japan",
                                              priorities.BatchLimits(budget="lots")),
            lambda: views.priorities_board(sqlite_engine, "japan", "lots"),
            lambda: jobs.board_or_job(sqlite_engine, runner, ANALYST, "japan", "lots")):
        with pytest.raises(InvalidInput) as err:
            call()
        assert err.value.first.field == "budget"
    assert runner.held == [] and job_count(sqlite_engine) == 0


def test_every_limit_is_checked_at_once_before_any_engine_runs(
        sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    with pytest.raises(InvalidInput) as err:
        priorities.choose_batch(sqlite_engine, "japan", "nash", priorities.BatchLimits(
            budget="US$-5bn", sector_max={"astrology": 1}, sector_min={"energy": -1},
            must_include=["x"], paths=0))
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("budget", "money.negative"), ("sector_max", "project.unknown_sector"),
        ("sector_min", "batch.bad_count"), ("must_include", "batch.bad_project_id"),
        ("paths", "simulation.paths")]
    with pytest.raises(InvalidInput) as err:
        priorities.choose_batch(sqlite_engine, "japan", "greed")
    assert err.value.first.rule == "batch.unknown_objective"
    with pytest.raises(InvalidInput) as err:
        priorities.prioritise(sqlite_engine, "japan", seed=-1)
    assert (err.value.first.field, err.value.first.rule) == ("seed", "simulation.bad_seed")
    with pytest.raises(InvalidInput) as err:  # the amount, before the simulation
        priorities.decline_advice(sqlite_engine, OHIO, paths=10, exports="lots")
    assert err.value.first.field == "exports"


def test_the_priorities_page_refuses_a_bad_budget_without_computing(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    with TestClient(create_app(demo_url)) as client:
        log_in(client, Role.ANALYST)
        r = client.get("/priorities?budget=nonsense")
    assert r.status_code == 400
    assert "budget" in r.text and "money." in r.text


def test_the_api_refuses_bad_batch_input_without_computing(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, held = api
    forbid_engines(monkeypatch)
    for path in ("batches", "pareto"):
        r = client.post(f"/api/v1/frameworks/japan/{path}", headers=tokens["analyst"],
                        json={"budget": "nonsense", "sector_max": {"astrology": 1}})
        assert r.status_code == 400, r.json()
        found = [(p["field"], p["code"]) for p in r.json()["error"]["problems"]]
        assert found == [("budget", "money.trailing_text"), ("budget", "money.no_number"),
                         ("sector_max", "project.unknown_sector")]
    assert held.held == []


# ---- finding: paths and time limits without a cap --------------------------------------------

def test_paths_beyond_the_roles_allowance_are_refused(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, held = api
    forbid_engines(monkeypatch)
    for role, cap in (("analyst", "200,000"), ("cc_us", "2,000,000")):
        r = client.post("/api/v1/simulations", headers=tokens[role],
                        json={"project_id": OHIO, "paths": 5_000_000})
        assert r.status_code == 400, r.json()
        err = r.json()["error"]
        assert (err["code"], err["field"]) == ("fair_use.paths", "paths")
        assert cap in err["message"]
    assert job_count(client.app.state.engine) == 0  # type: ignore[attr-defined]  # the app is a FastAPI app
    r = client.post("/api/v1/simulations", headers=tokens["admin"],
                    json={"project_id": OHIO, "paths": 5_000_000})
    assert r.status_code == 202 and len(held.held) == 1  # queued, never run here


def test_a_time_limit_beyond_the_roles_allowance_is_refused(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, _ = api
    forbid_engines(monkeypatch)
    for path in ("batches", "pareto"):
        r = client.post(f"/api/v1/frameworks/japan/{path}", headers=tokens["analyst"],
                        json={"time_limit": 30})
        assert r.status_code == 400, r.json()
        err = r.json()["error"]
        assert (err["code"], err["field"]) == ("fair_use.time_limit", "time_limit")
        assert "at most 10 seconds" in err["message"]


def test_a_request_gets_its_roles_time_limit_when_it_gives_none() -> None:
    analyst = priorities.check_batch("japan", role=Role.ANALYST)
    committee = priorities.check_frontier("japan", role=Role.IC)
    assert (analyst.time_limit, committee.time_limit) == (10.0, 60.0)
    assert priorities.check_batch("japan").time_limit is None  # on one's own machine


# ---- finding: simulations queued without limit -----------------------------------------------

def test_an_analysts_second_job_and_a_committees_third_get_429(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    runner = Held(engine)
    first = jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=100), ANALYST)
    assert first.state == "queued"
    with pytest.raises(TooManyRequests) as err:
        jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
            project_id=OHIO, paths=100, seed=1), ANALYST)
    assert (err.value.first.field, err.value.first.rule) == ("jobs", "fair_use.too_many_jobs")
    assert err.value.retry_after == fair_use.DEFAULT_WAIT  # nothing has started yet
    for seed in (1, 2):
        jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
            project_id=OHIO, paths=100, seed=seed), IC)
    with pytest.raises(TooManyRequests) as err:
        jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
            project_id=OHIO, paths=100, seed=3), IC)
    assert err.value.first.rule == "fair_use.too_many_jobs"
    assert job_count(engine) == 3 and len(runner.held) == 3


def test_the_wait_comes_from_the_pace_of_the_running_job(engine: Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    runner = Held(engine)
    runner.ensure_started()
    with transaction(engine) as s:  # ann's job has done half its work in ten minutes
        s.execute(t.jobs.insert().values(
            kind="simulation", params={"project_id": OHIO}, state="running", progress=0.5,
            created_by=ANALYST.name, created_at=now() - timedelta(minutes=11),
            started_at=now() - timedelta(minutes=10)))
    with pytest.raises(TooManyRequests) as err:
        jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
            project_id=OHIO, paths=100), ANALYST)
    assert err.value.retry_after == fair_use.LONGEST_WAIT  # ten minutes more, at most


def test_a_finished_job_frees_its_place(sqlite_engine: Engine) -> None:
    runner = Held(sqlite_engine)
    jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=50), ANALYST)
    runner.run_all()
    again = jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=50, seed=1), ANALYST)
    assert again.state == "queued"


def _queue_full(engine: Engine) -> None:
    with transaction(engine) as s:
        for i in range(fair_use.QUEUE_LIMIT):
            s.execute(t.jobs.insert().values(
                kind="simulation", params={"project_id": OHIO, "seed": i}, state="queued",
                progress=0.0, created_by=f"someone{i}", created_at=now()))


def test_a_full_queue_refuses_everyone(engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    runner = Held(engine)
    runner.ensure_started()  # a runner starting fails the jobs it finds open: start it first
    _queue_full(engine)
    for actor in (ANALYST, IC, ADMIN):
        with pytest.raises(TooManyRequests) as err:
            jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
                project_id=OHIO, paths=100), actor)
        assert err.value.first.rule == "fair_use.queue_full"
    assert job_count(engine) == fair_use.QUEUE_LIMIT and runner.held == []


def test_the_api_answers_429_with_retry_after_in_the_one_error_shape(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, _ = api
    forbid_engines(monkeypatch)
    body = {"project_id": OHIO, "paths": 100}
    assert client.post("/api/v1/simulations", headers=tokens["analyst"],
                       json=body).status_code == 202
    r = client.post("/api/v1/simulations", headers=tokens["analyst"], json=body)
    assert r.status_code == 429
    assert r.headers["retry-after"] == str(fair_use.DEFAULT_WAIT)
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("fair_use.too_many_jobs", "jobs")
    assert err["problems"][0]["code"] == "fair_use.too_many_jobs"
    _queue_full(client.app.state.engine)  # type: ignore[attr-defined]  # the app is a FastAPI app
    r = client.post("/api/v1/simulations", headers=tokens["ic"], json=body)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["code"] == "fair_use.queue_full"


def test_concurrent_submissions_take_one_place_only(engine: Engine,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_engines(monkeypatch)
    runner = Held(engine)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def submit(seed: int) -> None:
        start.wait()
        try:
            jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
                project_id=OHIO, paths=100, seed=seed), ANALYST)
            outcomes.append("queued")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["queued", "refused", "refused", "refused"]
    assert job_count(engine) == 1


# ---- finding: the same expensive read computed again and again -------------------------------

def test_rankings_are_computed_once_per_data_version(engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_simulations(monkeypatch)
    first = priorities.prioritise(engine, "japan", paths=20)
    once = len(calls)
    assert once > 0 and set(calls) == {20}
    again = priorities.prioritise(engine, "japan", paths=20)
    assert len(calls) == once and again == first
    other_k = priorities.prioritise(engine, "japan", top_k=3, paths=20)  # same simulations
    assert len(calls) == once and other_k.comparison.top_k == 3
    priorities.set_score(engine, OHIO, "us", "strategic", 9, IC, date(2026, 4, 1))
    changed = priorities.prioritise(engine, "japan", paths=20)
    assert len(calls) == 2 * once
    assert changed.comparison.us.scores != first.comparison.us.scores


def test_batches_frontiers_and_advice_are_cached_too(sqlite_engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_simulations(monkeypatch)
    solves: list[str] = []
    real_solve = selection.solve

    def counted_solve(instance: Any, objective: Any, **kw: Any) -> Any:
        solves.append(str(objective))
        return real_solve(instance, objective, **kw)

    monkeypatch.setattr(selection, "solve", counted_solve)
    limits = priorities.BatchLimits(budget="US$20bn", paths=20)
    a = priorities.choose_batch(sqlite_engine, "japan", "maxmin", limits)
    simulated, solved = len(calls), len(solves)
    b = priorities.choose_batch(sqlite_engine, "japan", "maxmin", limits)
    assert (len(calls), len(solves)) == (simulated, solved) and a == b
    d1 = priorities.decline_advice(sqlite_engine, OHIO, paths=30)
    d2 = priorities.decline_advice(sqlite_engine, str(OHIO), paths=30)
    assert len(calls) == simulated + 1 and d1 == d2
    priorities.set_weight(sqlite_engine, "japan", "us", "strategic", 0.9, IC, date(2026, 4, 1))
    priorities.choose_batch(sqlite_engine, "japan", "maxmin", limits)
    assert len(solves) == 2 * solved and len(calls) > simulated + 1


def test_the_second_identical_rankings_call_over_the_api_does_not_recompute(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, held = api
    calls = count_simulations(monkeypatch)
    url = "/api/v1/frameworks/japan/rankings?paths=20"
    first = client.get(url, headers=tokens["analyst"])
    assert first.status_code == 200, first.json()
    once = len(calls)
    second = client.get(url, headers=tokens["cc_jp"])
    assert second.json() == first.json() and len(calls) == once
    r = client.post(f"/api/v1/projects/{OHIO}/scores", headers=tokens["cc_jp"],
                    json={"side": "partner", "criterion": "strategic", "value": 2})
    assert r.status_code == 201, r.json()
    third = client.get(url, headers=tokens["analyst"])
    assert len(calls) == 2 * once and third.json() != first.json()
    assert held.held == []


# ---- finding: long computations inside a request ---------------------------------------------

def test_rankings_with_many_paths_run_as_a_job_that_fills_the_cache(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, held = api
    calls = count_simulations(monkeypatch)
    url = "/api/v1/frameworks/japan/rankings?paths=10000"
    r = client.get(url, headers=tokens["analyst"])
    assert r.status_code == 202, r.json()
    body = r.json()
    assert body["kind"] == "rankings" and body["state"] == "queued"
    assert r.headers["location"] == body["links"]["self"] == f"/api/v1/jobs/{body['id']}"
    assert calls == []  # nothing simulated while the request waited
    # The same request joins the job already queued (and does not count against anyone).
    for role in ("analyst", "ic"):
        assert client.get(url, headers=tokens[role]).json()["id"] == body["id"]
    assert len(held.held) == 1
    held.run_all()
    assert calls and set(calls) == {10_000}
    status = client.get(body["links"]["self"], headers=tokens["analyst"]).json()
    assert status["state"] == "done" and status["params"]["paths"] == 10_000
    result = client.get(body["links"]["result"], headers=tokens["analyst"]).json()
    simulated = len(calls)
    cached = client.get(url, headers=tokens["analyst"])
    assert cached.status_code == 200 and cached.json() == result
    assert len(calls) == simulated


def test_the_priorities_page_never_computes_within_the_request(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_simulations(monkeypatch)
    app = create_app(demo_url)
    with TestClient(app) as client:
        held = Held(app.state.engine)
        app.state.jobs = held
        log_in(client, Role.ANALYST)
        waiting = client.get("/priorities")
        assert waiting.status_code == 200 and calls == []
        assert 'data-testid="computing"' in waiting.text
        assert '<meta http-equiv="refresh"' in waiting.text
        assert 'data-testid="rankings"' not in waiting.text  # nothing computed before
        assert len(held.held) == 1
        held.run_all()
        ready = client.get("/priorities")
        assert 'data-testid="rankings"' in ready.text and "computing" not in ready.text
        computed = len(calls)
        assert computed > 0
        # After a change the page shows the board from before while a job works it out.
        priorities.set_weight(app.state.engine, "japan", "us", "strategic", 0.9, IC,
                              date(2026, 4, 1))
        stale = client.get("/priorities")
        assert 'data-testid="computing"' in stale.text
        assert 'data-testid="rankings"' in stale.text and len(calls) == computed
        held.run_all()
        fresh = client.get("/priorities")
        assert "computing" not in fresh.text and len(calls) > computed


def test_a_failed_job_answers_the_same_request_instead_of_queueing_again(
        api: tuple[TestClient, dict[str, dict[str, str]], Held],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, tokens, held = api

    def broken(*_: object, **__: object) -> Any:
        raise RuleViolation.single("model", "capex", "simulation.broken", "the model broke")

    monkeypatch.setattr(priorities, "compute_rankings", broken)
    url = "/api/v1/frameworks/japan/rankings?paths=10000"
    job = client.get(url, headers=tokens["analyst"]).json()
    held.run_all()
    status = client.get(job["links"]["self"], headers=tokens["analyst"]).json()
    assert (status["state"], status["error"]["code"]) == ("failed", "simulation.broken")
    again = client.get(url, headers=tokens["ic"])
    assert again.status_code == 409
    assert (again.json()["error"]["code"], again.json()["error"]["field"]) == (
        "simulation.broken", "model")
    assert held.held == [] and job_count(client.app.state.engine) == 1  # type: ignore[attr-defined]  # the app is a FastAPI app

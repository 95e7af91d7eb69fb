"""Simulation jobs: submitted at once, run in the background, read back; failures kept."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from pledge.cli import run
from pledge.domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from pledge.services import jobs
from pledge.services.base import Actor, now
from pledge.store import tables as t
from pledge.store.db import transaction

ANALYST = Actor.of("reader", "analyst")
ADMIN = Actor.of("root", "admin")  # 5M paths are beyond an analyst's allowance
OHIO = 24


@pytest.fixture
def runner(engine: Engine) -> Iterator[jobs.JobRunner]:
    r = jobs.JobRunner(engine, progress_every=0.0)
    r.start()
    yield r
    r.shutdown()


def wait(engine: Engine, job_id: int, *, until: tuple[str, ...] = ("done", "failed"),
         timeout: float = 120.0) -> jobs.JobStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = jobs.job_status(engine, job_id)
        if status.state in until or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def test_a_job_runs_to_done_with_the_cli_summary(engine: Engine, runner: jobs.JobRunner,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    job = jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=400, seed=3), ANALYST)
    assert job.kind == "simulation" and job.created_by == "reader"
    assert job.params == {"project_id": OHIO, "framework": None, "paths": 400, "seed": 3,
                          "deemed_rate": None}
    status = wait(engine, job.id)
    assert (status.state, status.progress, status.error) == ("done", 1.0, None)
    assert status.started_at is not None and status.finished_at is not None
    result = jobs.job_result(engine, job.id)
    assert run(["--db", engine.url.render_as_string(hide_password=False), "simulate",
                str(OHIO), "--paths", "400", "--seed", "3", "--json"]) == 0
    cli: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert set(result) == set(cli)
    money = ("us_expected_take", "partner_expected_take", "expected_funding")
    assert {k: v for k, v in result.items() if k not in money} == {
        k: v for k, v in cli.items() if k not in money}
    for key in money:
        assert isinstance(result[key], str)
        assert Decimal(result[key]) == Decimal(repr(cli[key])).quantize(Decimal("0.01"))


def test_a_portfolio_job_names_its_projects(engine: Engine, runner: jobs.JobRunner) -> None:
    job = jobs.submit_simulation(engine, runner, jobs.SimulationRequest(
        framework="japan", paths=200), ANALYST)
    assert wait(engine, job.id).state == "done"
    result = jobs.job_result(engine, job.id)
    assert result["framework"] == "japan" and len(result["projects"]) == 3
    assert isinstance(result["pooled"], bool)


def test_bad_requests_fail_at_once_and_leave_no_job(sqlite_engine: Engine) -> None:
    runner = jobs.JobRunner(sqlite_engine)
    try:
        with pytest.raises(InvalidInput) as err:
            jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(), ANALYST)
        assert err.value.first.rule == "simulation.target"
        with pytest.raises(NotFound):
            jobs.submit_simulation(sqlite_engine, runner,
                                   jobs.SimulationRequest(project_id=999), ANALYST)
        with pytest.raises(RuleViolation) as violation:
            jobs.submit_simulation(sqlite_engine, runner,
                                   jobs.SimulationRequest(framework="korea"), ANALYST)
        assert violation.value.first.rule == "simulation.empty_portfolio"
        with pytest.raises(InvalidInput) as err:
            jobs.submit_simulation(sqlite_engine, runner,
                                   jobs.SimulationRequest(project_id=OHIO, paths=0), ANALYST)
        assert err.value.first.rule == "simulation.paths"
    finally:
        runner.shutdown()
    with pytest.raises(NotFound) as missing:
        jobs.job_status(sqlite_engine, 1)
    assert missing.value.first.rule == "job.unknown"


def _insert(engine: Engine, state: str) -> int:
    with transaction(engine) as s:
        return int(s.execute(t.jobs.insert().values(
            kind="simulation", params={"project_id": OHIO}, state=state, progress=0.5,
            created_by="earlier", created_at=now()).returning(t.jobs.c.id)).scalar_one())


def test_jobs_left_open_by_a_dead_process_fail_on_start(engine: Engine) -> None:
    running, queued = _insert(engine, "running"), _insert(engine, "queued")
    runner = jobs.JobRunner(engine)
    runner.start()
    runner.shutdown()
    for job_id in (running, queued):
        status = jobs.job_status(engine, job_id)
        assert status.state == "failed" and status.finished_at is not None
        assert status.error is not None and status.error["code"] == "job.interrupted"
        assert set(status.error) >= {"code", "message", "field", "problems"}
        with pytest.raises(jobs.JobFailed) as err:
            jobs.job_result(engine, job_id)
        assert isinstance(err.value, Conflict) and err.value.first.rule == "job.interrupted"


def test_a_result_is_refused_until_the_job_is_done(sqlite_engine: Engine) -> None:
    job_id = _insert(sqlite_engine, "running")
    with pytest.raises(Conflict) as err:
        jobs.job_result(sqlite_engine, job_id)
    assert (err.value.first.rule, err.value.first.value) == ("job.not_finished", "running")


def test_shutdown_stops_a_running_job_and_fails_it(sqlite_engine: Engine) -> None:
    runner = jobs.JobRunner(sqlite_engine, progress_every=0.0)
    job = jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=5_000_000), ADMIN)
    assert wait(sqlite_engine, job.id, until=("running",)).state == "running"
    runner.shutdown()
    status = jobs.job_status(sqlite_engine, job.id)
    assert status.state == "failed" and status.error is not None
    assert status.error["code"] == "job.interrupted" and status.progress < 1.0
    late = jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(
        project_id=OHIO, paths=10), ANALYST)
    assert jobs.job_status(sqlite_engine, late.id).state == "failed"
    runner.start()  # the application starts again
    try:
        again = jobs.submit_simulation(sqlite_engine, runner, jobs.SimulationRequest(
            project_id=OHIO, paths=10), ANALYST)
        assert wait(sqlite_engine, again.id).state == "done"
    finally:
        runner.shutdown()


def test_a_failure_in_the_background_is_stored_in_the_error_shape(
        sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuleViolation.single("model", "capex", "simulation.broken", "the model broke")

    monkeypatch.setattr(jobs, "simulate", broken)
    runner = jobs.JobRunner(sqlite_engine)
    try:
        job = jobs.submit_simulation(sqlite_engine, runner,
                                     jobs.SimulationRequest(project_id=OHIO, paths=10), ANALYST)
        status = wait(sqlite_engine, job.id)
    finally:
        runner.shutdown()
    assert status.state == "failed"
    assert status.error == {"code": "simulation.broken", "message": "the model broke",
                            "field": "model", "problems": [{
                                "code": "simulation.broken", "message": "the model broke",
                                "field": "model", "value": "capex"}]}
    with pytest.raises(jobs.JobFailed) as err:
        jobs.job_result(sqlite_engine, job.id)
    assert (err.value.first.field, err.value.first.rule) == ("model", "simulation.broken")


def test_an_unexpected_failure_is_stored_too(sqlite_engine: Engine,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(jobs, "simulate", broken)
    runner = jobs.JobRunner(sqlite_engine)
    try:
        job = jobs.submit_simulation(sqlite_engine, runner,
                                     jobs.SimulationRequest(project_id=OHIO, paths=10), ANALYST)
        status = wait(sqlite_engine, job.id)
    finally:
        runner.shutdown()
    assert status.state == "failed" and status.error is not None
    assert (status.error["code"], status.error["field"]) == ("job.internal_error", "job")
    assert "ValueError: boom" in status.error["message"]

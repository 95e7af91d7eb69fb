"""One model per priorities resource: the CLI's ``--json`` and the API's response for the
same input are written by the same model (``pledge.models.priorities``), so they have the
same keys; and an unfinished batch is the same refusal on both (``batch.timeout``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from pledge.analytics import selection
from pledge.cli import run
from pledge.models import keys_of
from pledge.models import priorities as m
from pledge.models.jobs import QueuedJob
from pledge.services.dashboard import views
from tests.api.test_api import _wait_for, api  # noqa: F401  (the fixture)
from tests.cli.test_priorities_cli import INSTANCE

Api = tuple[TestClient, dict[str, dict[str, str]]]


def cli_json(engine: Engine, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert run(["--db", str(engine.url), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def same_shape(model: type[BaseModel], cli_doc: dict[str, Any],
               api_doc: dict[str, Any]) -> None:
    """Both documents have exactly the model's keys, and each reads back as the model."""
    assert set(cli_doc) == set(api_doc) == set(keys_of(model))
    model.model_validate(cli_doc)
    model.model_validate(api_doc)


def test_the_cli_and_the_api_write_the_same_priorities_models(
        api: Api, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    client, tokens = api
    analyst = tokens["analyst"]
    assert client.post("/api/v1/projects/27/scores", headers=tokens["ic"], json={
        "side": "us", "criterion": "strategic", "value": 8}).status_code == 201

    scores = client.get("/api/v1/projects/27/scores", headers=analyst).json()
    same_shape(m.Scores, cli_json(sqlite_engine, capsys, "scores", "show", "27"), scores)
    assert set(scores["us"]["strategic"]) == set(keys_of(m.CriterionScore))

    weights = client.get("/api/v1/frameworks/japan/weights", headers=analyst).json()
    same_shape(m.Weights, cli_json(sqlite_engine, capsys, "weights", "show", "--framework",
                                   "japan"), weights)

    rankings = client.get("/api/v1/frameworks/japan/rankings?paths=50", headers=analyst)
    assert rankings.status_code == 200, rankings.json()
    cli_rankings = cli_json(sqlite_engine, capsys, "prioritise", "--framework", "japan",
                            "--paths", "50")
    same_shape(m.Rankings, cli_rankings, rankings.json())
    assert cli_rankings == rankings.json()
    assert set(cli_rankings["projects"][0]) == set(keys_of(m.RankedProject))

    batch = client.post("/api/v1/frameworks/japan/batches", headers=analyst, json={
        "objective": "maxmin", "budget": "US$20bn", "paths": 50})
    assert batch.status_code == 200, batch.json()
    cli_batch = cli_json(sqlite_engine, capsys, "batch", "--framework", "japan",
                         "--objective", "maxmin", "--budget", "US$20bn")
    same_shape(m.Batch, cli_batch, batch.json())
    assert (cli_batch["framework"], cli_batch["maximised"], cli_batch["budget"]) == (
        "japan", "maxmin", batch.json()["budget"])

    advice = client.get("/api/v1/projects/24/decline-advice?paths=200&probability=0.3",
                        headers=analyst)
    assert advice.status_code == 200, advice.json()
    cli_advice = cli_json(sqlite_engine, capsys, "decline-advice", "24", "--paths", "200",
                          "--probability", "0.3")
    same_shape(m.DeclineAdvice, cli_advice, advice.json())
    assert cli_advice == advice.json()


def test_a_pareto_point_is_the_same_solution_on_both(
        api: Api, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    client, tokens = api
    queued = client.post("/api/v1/frameworks/japan/pareto", headers=tokens["analyst"],
                         json={"budget": "US$20bn", "paths": 50})
    assert queued.status_code == 202, queued.json()
    job = queued.json()
    assert set(job) == set(keys_of(QueuedJob))
    assert _wait_for(client, job["links"]["self"], tokens["analyst"])["state"] == "done"
    frontier = client.get(job["links"]["result"], headers=tokens["analyst"]).json()
    assert set(frontier) == set(keys_of(m.Frontier))
    # The CLI's --pareto --json stays a bare list (its shape since the first release); each
    # point is the API's ``data`` item.
    points = cli_json(sqlite_engine, capsys, "batch", "--framework", "japan", "--pareto",
                      "--budget", "US$20bn")
    assert isinstance(points, list) and points
    assert all(set(p) == set(keys_of(m.Solution)) for p in points + frontier["data"])


@pytest.fixture
def no_batch_in_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The optimiser finds no feasible batch within any time limit."""
    def too_slow(*_: object, **__: object) -> Any:
        raise TimeoutError("no feasible batch was found within the time limit")

    monkeypatch.setattr(selection, "solve", too_slow)
    views.clear()
    yield
    views.clear()


MESSAGE = ("error: time_limit=0.5: no feasible batch was found within the time limit "
           "[batch.timeout]\n")


def test_an_unfinished_batch_is_the_same_refusal_on_the_cli_and_the_api(
        api: Api, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str],  # noqa: F811
        no_batch_in_time: None, tmp_path: Path) -> None:
    client, tokens = api
    r = client.post("/api/v1/frameworks/japan/batches", headers=tokens["analyst"],
                    json={"objective": "nash", "time_limit": 0.5, "paths": 50})
    assert r.status_code == 409, r.json()
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("batch.timeout", "time_limit")

    # Before: an internal error, exit 1. Now: the rule the API answers 409 for, exit 2.
    code = run(["--db", str(sqlite_engine.url), "batch", "--framework", "japan",
                "--time-limit", "0.5", "--json"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", MESSAGE)
    assert error["message"] in err

    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(INSTANCE), encoding="utf-8")
    code = run(["--db", str(sqlite_engine.url), "batch", "--input", str(instance),
                "--time-limit", "0.5"])
    assert (code, *capsys.readouterr()) == (2, "", MESSAGE)


def test_a_time_limit_is_a_positive_number_on_the_cli_too(
        sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(INSTANCE), encoding="utf-8")
    code = run(["--db", str(sqlite_engine.url), "batch", "--input", str(instance),
                "--time-limit", "0"])
    assert (code, *capsys.readouterr()) == (
        2, "", "error: time_limit=0.0: a time limit is a positive number of seconds "
               "[batch.time_limit]\n")


def test_a_batch_of_an_instance_has_the_batch_keys(
        sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(INSTANCE), encoding="utf-8")
    doc = cli_json(sqlite_engine, capsys, "batch", "--input", str(instance), "--objective",
                   "us")
    assert set(doc) == set(keys_of(m.Batch))
    assert (doc["selected"], doc["cost"], doc["budget"], doc["framework"],
            doc["maximised"], doc["skipped"]) == (["a", "c"], "10", "10", None, "us", [])


def test_every_priorities_and_jobs_answer_is_documented() -> None:
    """Each 2xx answer of the priorities', simulations' and jobs' operations has a schema
    in ``/openapi.json`` (their models), the 202 of a queued analysis included."""
    from pledge.app import create_app

    doc = create_app("sqlite:///:memory:").openapi()
    seen = 0
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if not set(op.get("tags", [])) & {"priorities", "simulations", "jobs"}:
                continue
            for status, answer in op["responses"].items():
                if status.startswith("2"):
                    seen += 1
                    schema = answer.get("content", {}).get("application/json", {}).get(
                        "schema")
                    assert schema and schema != {}, f"{method.upper()} {path} {status}"
    assert seen >= 16


def test_a_simulation_is_the_same_model_on_the_cli_and_the_api(
        api: Api, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    from pledge.models.economics import Simulation

    client, tokens = api
    r = client.post("/api/v1/simulations", headers=tokens["analyst"],
                    json={"project_id": 24, "paths": 300, "seed": 7})
    assert r.status_code == 202, r.json()
    status = _wait_for(client, r.json()["links"]["self"], tokens["analyst"])
    assert status["state"] == "done", status
    api_doc = client.get(r.json()["links"]["result"], headers=tokens["analyst"]).json()
    cli_doc = cli_json(sqlite_engine, capsys, "simulate", "24", "--paths", "300",
                       "--seed", "7")
    # Same keys, both read back as the model; the rates and shares are the same numbers.
    assert set(cli_doc) == set(api_doc) <= set(keys_of(Simulation))
    Simulation.model_validate(cli_doc)
    Simulation.model_validate(api_doc)
    for key in ("project_id", "paths", "seed", "prob_recover", "partner_irr",
                "irr_none_share", "recoup_years"):
        assert cli_doc[key] == api_doc[key], key

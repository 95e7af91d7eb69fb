"""Priorities: each side's scores and weights, rankings, batches, the frontier, fund-or-decline.

Responses carry the keys the matching CLI command prints with ``--json``
(``scores show``, ``weights show``, ``prioritise``, ``batch``, ``decline-advice``).
Scores and weights are changes (an identity; the service checks the role and the
side); rankings are reads; batches, the frontier and the advice are analyses.

Fair use: every input is checked before anything is computed, paths and time limits
within the caller's role's allowance (``domain/fair_use.py``). An answer computed at
the current data version comes from the cache; a small one is computed within the
request; a larger one (and every frontier) is queued as a job: 202 with the job and a
Location to follow (``/api/v1/jobs/{id}``, then its ``result``), or 429 with
Retry-After when the caller's jobs or the server's queue are full.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from pledge.api.routes_jobs import QUEUED_RESPONSES, queued
from pledge.api.schemas import BatchCreate, BatchLimitsBody, ParetoCreate, ScoreCreate, WeightCreate
from pledge.domain.access import Action
from pledge.models import priorities as m
from pledge.server.deps import EngineDep, JobsDep, require, require_actor
from pledge.server.idempotency import OnceDep
from pledge.server.params import RecordId, Seed
from pledge.services import jobs
from pledge.services import priorities as svc
from pledge.services.base import Actor

router = APIRouter(tags=["priorities"])


def _limits(body: BatchLimitsBody) -> svc.BatchLimits:
    return svc.BatchLimits(budget=body.budget, sector_max=body.sector_max,
                           sector_min=body.sector_min, max_per_sponsor=body.max_per_sponsor,
                           must_include=body.must_include, exclude=body.exclude, on=body.on,
                           paths=body.paths)


@router.get("/projects/{project_id}/scores", dependencies=[require(Action.READ)],
            response_model=m.Scores)
def get_scores(project_id: RecordId, engine: EngineDep) -> m.Scores:
    """Each side's current score of the project on each criterion, with author and note."""
    return m.Scores.model_validate(svc.scores_document(engine, project_id))


@router.post("/projects/{project_id}/scores", status_code=201, response_model=m.Scores)
def create_score(project_id: RecordId, body: ScoreCreate, engine: EngineDep, once: OnceDep,
                 actor: Actor = require_actor(Action.SCORE)) -> m.Scores:
    """Record a side's score on one criterion (the latest counts); returns the scores."""

    def score() -> dict[str, object]:
        svc.set_score(engine, project_id, body.side, body.criterion, body.value, actor,
                      body.on or date.today(), body.note)
        return m.Scores.model_validate(svc.scores_document(engine, project_id)).document()

    return m.Scores.model_validate(once(actor, score))


@router.get("/frameworks/{key}/weights", dependencies=[require(Action.READ)],
            response_model=m.Weights)
def get_weights(key: str, engine: EngineDep) -> m.Weights:
    """Each side's weights: the defaults, then what the side recorded."""
    return m.Weights.model_validate(svc.weights(engine, key))


@router.post("/frameworks/{key}/weights", status_code=201, response_model=m.Weights)
def create_weight(key: str, body: WeightCreate, engine: EngineDep, once: OnceDep,
                  actor: Actor = require_actor(Action.SCORE)) -> m.Weights:
    """Record a side's weight for one criterion; returns both sides' weights."""

    def weigh() -> dict[str, object]:
        svc.set_weight(engine, key, body.side, body.criterion, body.weight, actor,
                       body.on or date.today())
        return m.Weights.model_validate(svc.weights(engine, key)).document()

    return m.Weights.model_validate(once(actor, weigh))


def _who(actor: Actor | None) -> Actor:
    assert actor is not None  # reading rankings and analysing both need a role
    return actor


@router.get("/frameworks/{key}/rankings", responses=QUEUED_RESPONSES,
            response_model=m.Rankings)
def get_rankings(key: str, engine: EngineDep, runner: JobsDep,
                 top: int = Query(5, ge=1, le=100, description="k for the top-k overlap"),
                 paths: int = Query(2000, ge=1, le=10_000,
                                    description="paths per project for the simulated "
                                                "criteria"),
                 seed: Seed = 0,
                 actor: Actor | None = require(Action.READ)) -> m.Rankings | Response:
    """Both sides' rankings of the open projects, Kendall's tau-b, the top-k overlap and
    each project's drivers of disagreement (in the US order)."""
    r = jobs.rankings_or_job(engine, runner, _who(actor), key, top_k=top, paths=paths,
                             seed=seed, document=m.rankings_document)
    if isinstance(r, jobs.JobStatus):
        return queued(r)
    return m.Rankings.of(r)


@router.post("/frameworks/{key}/batches", responses=QUEUED_RESPONSES, response_model=m.Batch)
def create_batch(key: str, body: BatchCreate, engine: EngineDep, runner: JobsDep,
                 actor: Actor | None = require(Action.ANALYSE)) -> m.Batch | Response:
    """Choose a first batch exactly (MILP) for one side or a compromise, under the budget,
    the cap and the limits given; nothing is stored."""
    choice = jobs.batch_or_job(engine, runner, _who(actor), key, body.objective,
                               _limits(body), time_limit=body.time_limit,
                               document=m.batch_document)
    if isinstance(choice, jobs.JobStatus):
        return queued(choice)
    return m.Batch.of_choice(choice)


@router.post("/frameworks/{key}/pareto", responses=QUEUED_RESPONSES,
             response_model=m.Frontier)
def create_pareto(key: str, body: ParetoCreate, engine: EngineDep, runner: JobsDep,
                  actor: Actor | None = require(Action.ANALYSE)) -> m.Frontier | Response:
    """Every non-dominated first batch (U_us against U_partner), by U_us descending."""
    frontier = jobs.frontier_or_job(engine, runner, _who(actor), key, _limits(body),
                                    max_points=body.max_points, time_limit=body.time_limit,
                                    document=m.frontier_document)
    if isinstance(frontier, jobs.JobStatus):
        return queued(frontier)
    return m.Frontier.of(frontier)


@router.get("/projects/{project_id}/decline-advice", responses=QUEUED_RESPONSES,
            response_model=m.DeclineAdvice)
def get_decline_advice(
        project_id: RecordId, engine: EngineDep, runner: JobsDep,
        probability: float | None = Query(None, ge=0, le=1,
                                          description="probability the US acts on a decline"),
        duration_years: float | None = Query(None, gt=0, le=50,
                                             description="years the higher tariff lasts"),
        exports: str | None = Query(None, description="the partner's annual exports to the "
                                                      "US, e.g. 'US$150bn'"),
        incidence: float | None = Query(None, ge=0, le=1,
                                        description="share of the tariff the partner's "
                                                    "exporters bear"),
        funding_cost: float | None = Query(None, ge=-0.5, le=1,
                                           description="annual funding cost rate"),
        paths: int = Query(5000, ge=1, le=100_000), seed: Seed = 0,
        actor: Actor | None = require(Action.ANALYSE)) -> m.DeclineAdvice | Response:
    """The partner's expected cost of funding the project against the cost of declining."""
    r = jobs.decline_or_job(engine, runner, _who(actor), project_id, paths=paths, seed=seed,
                            exports=exports, duration_years=duration_years,
                            probability=probability, incidence=incidence,
                            funding_cost=funding_cost, document=m.decline_document)
    if isinstance(r, jobs.JobStatus):
        return queued(r)
    return m.DeclineAdvice.of(r)

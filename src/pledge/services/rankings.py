"""Use cases on scores, weights and rankings: each side's judgement of the open projects
and how far apart the two sides' orders are (``domain.priorities`` has the rules)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, Engine

from pledge.domain import fair_use
from pledge.domain.access import Action
from pledge.domain.bounds import check_dates, check_seed
from pledge.domain.errors import InvalidInput, PledgeError, RuleViolation
from pledge.domain.lifecycle import OPEN_STAGES, Role
from pledge.domain.priorities import (
    Comparison,
    Criterion,
    Side,
    check_may_speak_for,
    check_score,
    check_weight,
    compare,
    parse_side,
)
from pledge.domain.score_model import explain, modelled_scores
from pledge.domain.text import clean_text
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    now,
    permit,
    primary_usd_all,
    project_row,
)
from pledge.services.dashboard import views
from pledge.store import priorities as q
from pledge.store.db import reading, transaction

Progress = Callable[[float], None]  # the share of the work done, from 0 to 1


@lru_cache(maxsize=1)
def _criteria_doc() -> dict[str, Any]:
    return tomllib.loads((files("pledge") / "data" / "criteria.toml").read_text("utf-8"))


def criteria() -> list[Criterion]:
    """The criteria both sides score on (``data/criteria.toml``)."""
    return [Criterion(key, str(c.get("label", key)), bool(c.get("lower_is_better", False)),
                      bool(c.get("computed", False)))
            for key, c in _criteria_doc()["criteria"].items()]


def _criterion(key: str) -> Criterion | None:
    return next((c for c in criteria() if c.key == key.strip().lower()), None)


def set_score(engine: Engine, project_id: int | str, side: str, criterion: str, value: float,
              actor: Actor, on: date, note: str = "") -> None:
    """Record a side's score of a project on a criterion (the latest one counts)."""
    permit(actor, Action.SCORE)
    check_dates(on=on)
    note = clean_text("note", note)
    s_side = parse_side(side)
    check_may_speak_for(s_side, actor.role)
    check_score(_criterion(criterion), criterion, value)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        q.insert_score(s, project_id=row.id, side=s_side.value,
                       criterion=criterion.strip().lower(), value=float(value),
                       author=actor.name, role=actor.role.value, on=on, note=note,
                       recorded_at=now())
        audit(s, actor, "project.score", "project", row.id,
              after={"side": s_side.value, "criterion": criterion, "value": value,
                     "on": on, "note": note}, project_id=row.id)


def _scores(engine: Engine, project_id: int | str) -> tuple[int, dict[str, dict[str, Any]]]:
    with transaction(engine) as s:
        pid = project_row(s, project_id).id
        latest = q.latest_scores(s, [pid])
    out: dict[str, dict[str, Any]] = {side.value: {} for side in Side}
    for (_, side, crit), v in sorted(latest.items()):
        out[side][crit] = v
    return pid, out


def project_scores(engine: Engine, project_id: int | str) -> dict[str, dict[str, Any]]:
    """The current score of each side on each criterion, with author, date and note."""
    return _scores(engine, project_id)[1]


def set_weight(engine: Engine, framework: str, side: str, criterion: str, weight: float,
               actor: Actor, on: date) -> None:
    """Record a side's weight for a criterion in a framework."""
    permit(actor, Action.SCORE)
    check_dates(on=on)
    s_side = parse_side(side)
    check_may_speak_for(s_side, actor.role)
    check_weight(_criterion(criterion), criterion, weight)
    with transaction(engine) as s:
        fw = framework_row(s, framework)
        q.insert_weight(s, framework_id=fw.id, side=s_side.value,
                        criterion=criterion.strip().lower(), weight=float(weight),
                        author=actor.name, role=actor.role.value, on=on, recorded_at=now())
        audit(s, actor, "framework.weight", "framework", fw.key,
              after={"side": s_side.value, "criterion": criterion, "weight": weight})


def _weights(s: Connection, framework_id: int) -> dict[str, dict[str, float]]:
    defaults = _criteria_doc()["weights"]
    out = {side.value: {k: float(v) for k, v in defaults.get(side.value, {}).items()}
           for side in Side}
    for side, criterion, weight in q.recorded_weights(s, framework_id):
        out[side][criterion] = weight
    return out


def weights(engine: Engine, framework: str) -> dict[str, dict[str, float]]:
    """Each side's weights in a framework: the defaults, then what the side recorded."""
    with transaction(engine) as s:
        return _weights(s, framework_row(s, framework).id)


@dataclass(frozen=True, slots=True)
class Rankings:
    """Both sides' rankings, with what they rest on.

    raw:          side -> criterion -> project -> the value used (recorded, modelled or
                  computed; None when there is none)
    basis:        (side, criterion, project) -> where that value comes from, in words:
                  "recorded by NAME on DATE: note" or "modelled: rule" (domain.score_model)
    explanations: project -> one sentence per driver of the difference between the sides
    """

    framework: str
    names: dict[int, str]
    comparison: Comparison
    computed: dict[str, dict[int, float | None]]
    raw: dict[str, dict[str, dict[int, float | None]]] = field(default_factory=dict)
    basis: dict[tuple[str, str, int], str] = field(default_factory=dict)
    explanations: dict[int, list[str]] = field(default_factory=dict)


def _computed(engine: Engine, project_ids: Sequence[int], paths: int, seed: int,
              progress: Progress | None = None) -> dict[str, dict[int, float | None]]:
    """Return and recovery per project from a small seeded simulation (None without a model)."""
    from pledge.services.simulation import project_spec, simulate

    ret: dict[int, float | None] = {}
    rec: dict[int, float | None] = {}
    for done, pid in enumerate(project_ids, start=1):
        try:
            summary, _ = simulate(project_spec(engine, pid, paths, seed))
        except PledgeError:  # no cost estimate, or no split in this framework
            ret[pid] = rec[pid] = None
        else:
            ret[pid], rec[pid] = summary.irr_p50, summary.prob_recover
        if progress is not None:
            progress(done / len(project_ids))
    return {"return": ret, "recovery": rec}


OPEN = tuple(st.value for st in OPEN_STAGES)


def check_ranking(top_k: int, paths: int, seed: int, role: Role | None = None) -> None:
    """Refuse a ranking request before anything is computed: top-k, paths (within the
    role's allowance when a role is given), seed."""
    if top_k < 1:
        raise InvalidInput.single("top", top_k, "priorities.top_k", "top-k is 1 or more")
    from pledge.services.simulation import check_paths

    check_paths(paths)
    if role is not None:
        fair_use.check_paths(role, paths)
    check_seed(seed)


def framework_key(framework: str) -> str:
    return framework.strip().lower()


def open_projects_known(engine: Engine, framework: str) -> bool:
    """Whether ``open_project_count`` is answered from the cache at this data version and
    finds open projects (it then neither raises nor reads more)."""
    found, count = views.fresh(engine, ("open-projects", framework_key(framework)))
    return bool(found and count)


def open_project_count(engine: Engine, framework: str) -> int:
    """How many of the framework's projects are open (ranked).

    Raises NotFound for an unknown framework and RuleViolation
    (``priorities.no_projects``) when none is open: cheap checks made before any
    computation is started or queued. Counted once per data version (``dashboard.views``):
    the priorities page asks on every look.
    """
    def counted() -> int:
        with reading(engine) as s:
            return q.count_open_projects(s, framework_row(s, framework).id, OPEN)

    count = views.get(engine, ("open-projects", framework_key(framework)), counted)
    if not count:
        raise RuleViolation.single("framework", framework, "priorities.no_projects",
                                   "no open projects to rank")
    return count


def ranking_key(framework: str, top_k: int, paths: int, seed: int) -> tuple[Any, ...]:
    return ("rankings", framework_key(framework), top_k, paths, seed)


def prioritise(engine: Engine, framework: str, *, top_k: int = 5, paths: int = 2000,
               seed: int = 0, role: Role | None = None,
               progress: Progress | None = None) -> Rankings:
    """Both sides' rankings of the framework's open projects and the gap between them.

    The input is checked first (with ``role``: against its allowance); the result is
    computed once per data version (the simulated criteria once per paths and seed).
    """
    check_ranking(top_k, paths, seed, role)
    return views.get(engine, ranking_key(framework, top_k, paths, seed),
                     lambda: compute_rankings(engine, framework, top_k, paths, seed, progress))


def compute_rankings(engine: Engine, framework: str, top_k: int, paths: int, seed: int,
                     progress: Progress | None = None) -> Rankings:
    """The rankings, computed now (only their simulated criteria may come from the cache)."""
    with transaction(engine) as s:
        fw = framework_row(s, framework)
        rows = q.open_projects(s, fw.id, OPEN)
        w = _weights(s, fw.id)
        latest = q.latest_scores(s, [r.id for r in rows])
        amounts = primary_usd_all(s, fw.id)
    if not rows:
        raise RuleViolation.single("framework", framework, "priorities.no_projects",
                                   "no open projects to rank")
    ids = [r.id for r in rows]
    computed = views.get(engine, ("simulated", fw.key, paths, seed),
                         lambda: _computed(engine, ids, paths, seed, progress))
    crits = criteria()
    raw, basis = _inputs(rows, crits, latest, computed, amounts)
    comp = compare(ids, crits, raw["us"], raw["partner"], w["us"], w["partner"], top_k)
    return Rankings(fw.key, {r.id: r.name for r in rows}, comp, computed, raw, basis,
                    _explanations(comp, crits, raw, w))


def _inputs(rows: Sequence[Any], crits: Sequence[Criterion],
            latest: dict[tuple[int, str, str], dict[str, Any]],
            computed: dict[str, dict[int, float | None]], amounts: dict[int, Any]
            ) -> tuple[dict[str, dict[str, dict[int, float | None]]],
                       dict[tuple[str, str, int], str]]:
    """Each side's value of each criterion per project and where it comes from: the
    side's recorded score, else the modelled one (``domain.score_model``); return and
    recovery from the simulation."""
    raw: dict[str, dict[str, dict[int, float | None]]] = {
        side.value: {c.key: {} for c in crits} for side in Side}
    basis: dict[tuple[str, str, int], str] = {}
    for r in rows:
        model = modelled_scores(sector=r.sector, detail=r.sector_detail or "", name=r.name,
                                stage=r.status, usd=amounts.get(r.id),
                                sites_named=bool(r.states))
        for side in Side:
            for c in crits:
                key = (side.value, c.key, r.id)
                if c.computed:
                    raw[side.value][c.key][r.id] = computed[c.key].get(r.id)
                    basis[key] = "computed from the simulation"
                elif (r.id, side.value, c.key) in latest:
                    got = latest[(r.id, side.value, c.key)]
                    raw[side.value][c.key][r.id] = got["value"]
                    note = f": {got['note']}" if got["note"] else ""
                    basis[key] = f"recorded by {got['author']} on {got['on']}{note}"
                elif c.key in model[side.value]:
                    m = model[side.value][c.key]
                    raw[side.value][c.key][r.id] = m.value
                    basis[key] = m.rule
                else:
                    raw[side.value][c.key][r.id] = None
                    basis[key] = "no score"
    return raw, basis


def _shown(key: str, value: float | None) -> str:
    if value is None:
        return "no value"
    if key == "return":
        return f"{value:.1%}"    # the partner's median IRR
    if key == "recovery":
        return f"{value:.0%}"    # the chance the partner recovers its allocation
    return f"{value:g}"


def _explanations(comp: Comparison, crits: Sequence[Criterion],
                  raw: dict[str, dict[str, dict[int, float | None]]],
                  w: dict[str, dict[str, float]]) -> dict[int, list[str]]:
    """Per project, a sentence for each criterion that drives the sides apart on it."""
    labels = {c.key: c.label for c in crits}
    norm = {}
    for side in ("us", "partner"):
        total = sum(w[side].get(c.key, 0.0) for c in crits)
        norm[side] = {c.key: (w[side].get(c.key, 0.0) / total if total > 0 else 0.0)
                      for c in crits}
    return {pid: [explain(labels[key], norm["us"][key], norm["partner"][key],
                          _shown(key, raw["us"][key].get(pid)),
                          _shown(key, raw["partner"][key].get(pid)))
                  for key, _ in drivers]
            for pid, drivers in comp.drivers.items()}


def scores_document(engine: Engine, project_id: int | str) -> dict[str, Any]:
    """A project's id and its current scores (``models.priorities.Scores`` is its shape)."""
    pid, sides = _scores(engine, project_id)
    return {"project_id": pid, **sides}

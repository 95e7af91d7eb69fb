"""Use cases on priorities: scores and weights per side, rankings, batches, fund-or-decline."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pledge.domain import fair_use
from pledge.domain.access import Action
from pledge.domain.bounds import check_dates, check_seed
from pledge.domain.decline import DeclineAdvice, DeclineInputs, advise
from pledge.domain.errors import InvalidInput, PledgeError, Problem, RuleViolation
from pledge.domain.lifecycle import OPEN_STAGES, Role, Stage
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
from pledge.domain.project import canonical_sector
from pledge.domain.selection import BatchInstance, Candidate, Objective
from pledge.domain.text import clean_text
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    load_framework,
    now,
    permit,
    primary_usd_all,
    project_row,
    sum_postings,
)
from pledge.services.dashboard import views
from pledge.services.relations import counted_in
from pledge.store import tables as t
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
        s.execute(t.scores.insert().values(
            project_id=row.id, side=s_side.value, criterion=criterion.strip().lower(),
            value=float(value), author=actor.name, role=actor.role.value, on=on, note=note,
            recorded_at=now()))
        audit(s, actor, "project.score", "project", row.id,
              after={"side": s_side.value, "criterion": criterion, "value": value,
                     "on": on, "note": note}, project_id=row.id)


def _latest_scores(s: Session, project_ids: Sequence[int]
                   ) -> dict[tuple[int, str, str], dict[str, Any]]:
    out: dict[tuple[int, str, str], dict[str, Any]] = {}
    rows = s.execute(select(t.scores).where(t.scores.c.project_id.in_(list(project_ids)))
                     .order_by(t.scores.c.id))
    for r in rows:
        out[(r.project_id, r.side, r.criterion)] = {
            "value": r.value, "author": r.author, "role": r.role, "on": r.on, "note": r.note}
    return out


def project_scores(engine: Engine, project_id: int | str) -> dict[str, dict[str, Any]]:
    """The current score of each side on each criterion, with author, date and note."""
    with transaction(engine) as s:
        row = project_row(s, project_id)
        latest = _latest_scores(s, [row.id])
    out: dict[str, dict[str, Any]] = {side.value: {} for side in Side}
    for (_, side, crit), v in sorted(latest.items()):
        out[side][crit] = v
    return out


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
        s.execute(t.weights.insert().values(
            framework_id=fw.id, side=s_side.value, criterion=criterion.strip().lower(),
            weight=float(weight), author=actor.name, role=actor.role.value, on=on,
            recorded_at=now()))
        audit(s, actor, "framework.weight", "framework", fw.key,
              after={"side": s_side.value, "criterion": criterion, "weight": weight})


def _weights(s: Session, framework_id: int) -> dict[str, dict[str, float]]:
    defaults = _criteria_doc()["weights"]
    out = {side.value: {k: float(v) for k, v in defaults.get(side.value, {}).items()}
           for side in Side}
    for r in s.execute(select(t.weights).where(t.weights.c.framework_id == framework_id)
                       .order_by(t.weights.c.id)):
        out[r.side][r.criterion] = r.weight
    return out


def weights(engine: Engine, framework: str) -> dict[str, dict[str, float]]:
    """Each side's weights in a framework: the defaults, then what the side recorded."""
    with transaction(engine) as s:
        return _weights(s, framework_row(s, framework).id)


@dataclass(frozen=True, slots=True)
class Rankings:
    framework: str
    names: dict[int, str]
    comparison: Comparison
    computed: dict[str, dict[int, float | None]]


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


def _open_projects(s: Session, framework_id: int) -> list[Any]:
    stages = [st.value for st in OPEN_STAGES]
    return list(s.execute(select(t.projects).where(
        t.projects.c.framework_id == framework_id, t.projects.c.status.in_(stages))
        .order_by(t.projects.c.id)))


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


def _framework_key(framework: str) -> str:
    return framework.strip().lower()


def open_project_count(engine: Engine, framework: str) -> int:
    """How many of the framework's projects are open (ranked).

    Raises NotFound for an unknown framework and RuleViolation
    (``priorities.no_projects``) when none is open: cheap checks made before any
    computation is started or queued.
    """
    with reading(engine) as s:
        fw = framework_row(s, framework)
        count = int(s.execute(select(func.count()).select_from(t.projects).where(
            t.projects.c.framework_id == fw.id,
            t.projects.c.status.in_([st.value for st in OPEN_STAGES]))).scalar_one())
    if not count:
        raise RuleViolation.single("framework", framework, "priorities.no_projects",
                                   "no open projects to rank")
    return count


def ranking_key(framework: str, top_k: int, paths: int, seed: int) -> tuple[Any, ...]:
    return ("rankings", _framework_key(framework), top_k, paths, seed)


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
        rows = _open_projects(s, fw.id)
        w = _weights(s, fw.id)
        latest = _latest_scores(s, [r.id for r in rows])
    if not rows:
        raise RuleViolation.single("framework", framework, "priorities.no_projects",
                                   "no open projects to rank")
    ids = [r.id for r in rows]
    computed = views.get(engine, ("simulated", fw.key, paths, seed),
                         lambda: _computed(engine, ids, paths, seed, progress))
    crits = criteria()
    raw: dict[str, dict[str, dict[int, float | None]]] = {}
    for side in Side:
        raw[side.value] = {
            c.key: (computed[c.key] if c.computed else
                    {p: (latest[(p, side.value, c.key)]["value"]
                         if (p, side.value, c.key) in latest else None) for p in ids})
            for c in crits}
    comp = compare(ids, crits, raw["us"], raw["partner"], w["us"], w["partner"], top_k)
    return Rankings(fw.key, {r.id: r.name for r in rows}, comp, computed)


def _lead(s: Session, pid: int) -> str | None:
    r = s.execute(select(t.sponsors.c.name).where(t.sponsors.c.project_id == pid,
                                                  t.sponsors.c.role == "lead")).first()
    return None if r is None else str(r[0])


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """skipped: open projects without a cost estimate. duplicates: open rows left out
    because another row stands for their project (``domain.relations``), and umbrella
    programmes whose parts use up their amount."""

    instance: BatchInstance
    budget_reasons: list[str]
    skipped: list[int]
    duplicates: list[int] = field(default_factory=list)


SELECTABLE = (Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST, Stage.RECOMMENDED)


def batch_instance(engine: Engine, framework: str, *, budget: Decimal | None = None,
                   sector_max_count: dict[str, int] | None = None,
                   sector_min_count: dict[str, int] | None = None,
                   max_per_sponsor: int | None = None, must_include: Sequence[str] = (),
                   exclude: Sequence[str] = (), on: date | None = None,
                   paths: int = 2000) -> StoredBatch:
    """A selection problem from the stored projects, scores, weights and framework limits.

    Candidates are the open projects not yet selected, with a cost estimate, each real
    project once (``domain.relations``): a row recorded as a duplicate report of a
    project another row stands for is no candidate, so the two can never be chosen
    together; an umbrella programme costs what its estimate leaves after its parts
    (and is no candidate when they use it up); later tranches are projects of their
    own. Their scores are each side's weighted score (0-100). The budget is the
    smallest of the given budget, the remaining cap and, where the framework has one,
    what is left of this year's annual cap. Everything that can be checked without
    the scores (the budget, must-include and excluded projects) is checked before they
    are computed.
    """
    from pledge.domain.ledger import ALLOCATED, UNALLOCATED, USED, acct

    check_dates(on=on)
    on = on or date.today()
    check_ranking(5, paths, 0)
    reasons = []
    with transaction(engine) as s:
        fw = framework_row(s, framework)
        terms = load_framework(s, fw).terms_on(on)
        component = terms.component()
        remaining = sum_postings(s, fw.id, acct(component.key, UNALLOCATED))
        limit = remaining
        reasons.append(f"remaining cap {remaining}")
        if component.annual_cap is not None:
            used = sum_postings(s, fw.id, acct(component.key, USED), year=on.year)
            allocated = sum_postings(s, fw.id, acct(component.key, ALLOCATED))
            left = component.annual_cap - used - allocated
            reasons.append(f"annual cap left {left}")
            limit = min(limit, left)
        if budget is not None:
            reasons.append(f"batch budget {budget}")
            limit = min(limit, budget)
        costs = counted_in(s, fw.id, primary_usd_all(s, fw.id))
        open_rows, skipped, duplicates = [], [], []
        all_open = _open_projects(s, fw.id)
        if not all_open:
            raise RuleViolation.single("framework", framework, "priorities.no_projects",
                                       "no open projects to rank")
        for row in all_open:
            if Stage(row.status) not in SELECTABLE:
                continue
            share = costs[row.id]
            if not share.counted or share.amount == 0:
                duplicates.append(row.id)
                continue
            cost = share.amount
            if cost is None:
                skipped.append(row.id)
                continue
            open_rows.append((row, cost, _lead(s, row.id)))
    ids = {str(row.id) for row, _, _ in open_rows}
    for name, values in (("must_include", must_include), ("exclude", exclude)):
        twice = [v for v in values if v in {str(d) for d in duplicates}]
        if twice and name == "must_include":
            why = ", ".join(
                f"{v} is a duplicate report of {costs[int(v)].stands_for}"
                if not costs[int(v)].counted else f"{v}'s parts use up its estimate"
                for v in twice)
            raise InvalidInput.single(name, ",".join(twice), "batch.duplicate",
                                      f"counted through other rows, never a candidate of "
                                      f"its own ({why})")
        unknown = [v for v in values if v not in ids and v not in twice]
        if unknown:
            raise InvalidInput.single(name, ",".join(unknown), "batch.unknown_candidate",
                                      "not an open, unselected project with a cost estimate")
    comp = prioritise(engine, framework, paths=paths).comparison if open_rows else None
    cands = [] if comp is None else [
        Candidate(str(row.id), cost, row.sector, round(comp.us.scores[row.id] * 100, 9),
                  round(comp.partner.scores[row.id] * 100, 9), lead)
        for row, cost, lead in open_rows]
    return StoredBatch(BatchInstance(
        budget=max(limit, Decimal(0)), candidates=tuple(cands),
        sector_max_count=sector_max_count or {}, sector_min_count=sector_min_count or {},
        max_per_sponsor=max_per_sponsor, must_include=frozenset(must_include),
        exclude=frozenset(v for v in exclude if v in ids)), reasons, skipped, duplicates)


def usd_amount(text: str, field: str) -> Decimal:
    """One amount in US dollars from text ("US$20bn", "2.5e10"); problems name ``field``."""
    from pledge.services.funding import parse_usd

    try:
        money = parse_usd(text, field)
    except PledgeError as exc:
        raise type(exc)([Problem(field, p.value, p.rule, p.message)
                         for p in exc.problems]) from None
    if money.currency != "USD":
        raise InvalidInput.single(field, text, "money.not_usd", "give an amount in US dollars")
    return money.amount


@lru_cache(maxsize=1)
def _decline_doc() -> dict[str, Any]:
    return tomllib.loads((files("pledge") / "data" / "decline.toml").read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class DeclineReport:
    project_id: int
    inputs: DeclineInputs
    funding_cost: float
    advice: DeclineAdvice
    sensitivity: list[dict[str, float | str | None]]
    sources: dict[str, str]


@dataclass(frozen=True, slots=True)
class DeclineRequest:
    """A checked request for fund-or-decline advice, every default filled in."""

    project_id: int
    framework: str
    terms: Any  # domain.framework.FrameworkTerms
    paths: int
    seed: int
    rate: float
    increase: float
    exports: float
    duration_years: float
    probability: float
    incidence: float

    @property
    def key(self) -> tuple[Any, ...]:
        return ("decline", self.project_id, self.paths, self.seed, self.rate, self.exports,
                self.duration_years, self.probability, self.incidence)


def check_decline(engine: Engine, project_id: int | str, *, paths: int = 5000, seed: int = 0,
                  exports: float | str | None = None, duration_years: float | None = None,
                  probability: float | None = None, incidence: float | None = None,
                  funding_cost: float | None = None, role: Role | None = None
                  ) -> DeclineRequest:
    """Every input of the advice, given or defaulted, checked before anything is simulated
    (with ``role``: the paths against its allowance)."""
    from pledge.services.simulation import check_paths

    check_paths(paths)
    if role is not None:
        fair_use.check_paths(role, paths)
    check_seed(seed)
    if isinstance(exports, str):
        exports = float(usd_amount(exports, "exports"))

    with transaction(engine) as s:
        row = project_row(s, project_id)
        fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                           ).one()
        terms = load_framework(s, fw_row).current
    defaults = _decline_doc().get(fw_row.key, {})

    def pick(value: float | None, key: str) -> float:
        if value is not None:
            return float(value)
        if key not in defaults:
            raise InvalidInput.single(key, None, "decline.missing_default",
                                      f"no default {key} for {fw_row.key}; give it")
        return float(defaults[key])

    if terms.tariff_on_decline is None or terms.tariff_agreed is None:
        raise RuleViolation.single("framework", fw_row.key, "decline.no_tariff_terms",
                                   "the framework has no agreed and decline tariff rates")
    return DeclineRequest(row.id, fw_row.key, terms, paths, seed, pick(funding_cost,
                          "funding_cost"), float(terms.tariff_on_decline - terms.tariff_agreed),
                          pick(exports, "exports_usd"), pick(duration_years, "duration_years"),
                          pick(probability, "probability"), pick(incidence, "incidence"))


def decline_advice(engine: Engine, project_id: int | str, *, paths: int = 5000, seed: int = 0,
                   exports: float | str | None = None, duration_years: float | None = None,
                   probability: float | None = None, incidence: float | None = None,
                   funding_cost: float | None = None, role: Role | None = None
                   ) -> DeclineReport:
    """The partner's expected cost of funding a project against the cost of declining it.

    ``exports`` is a number of US dollars or an amount as written ("US$150bn"). Every
    input is checked before the simulation runs (``check_decline``); the advice is
    computed once per data version.
    """
    request = check_decline(engine, project_id, paths=paths, seed=seed, exports=exports,
                            duration_years=duration_years, probability=probability,
                            incidence=incidence, funding_cost=funding_cost, role=role)
    return views.get(engine, request.key, lambda: compute_decline(engine, request))


def compute_decline(engine: Engine, r: DeclineRequest) -> DeclineReport:
    """The advice a checked request asks for, simulated now."""
    from pledge.services.simulation import project_spec, simulate

    defaults = _decline_doc().get(r.framework, {})
    spec = project_spec(engine, r.project_id, r.paths, r.seed)
    summary, _ = simulate(replace(spec, discount_rate=r.rate))
    inputs = DeclineInputs(summary.expected_funding_pv, summary.partner_expected_pv, r.exports,
                           r.increase, r.duration_years, r.probability, r.incidence)
    sens: list[dict[str, float | str | None]] = []
    for p in (0.1, 0.25, 0.5, 0.75, 0.9):
        a = advise(replace(inputs, probability=p))
        sens.append({"probability": p, "cost_fund": a.cost_fund,
                     "cost_decline": a.cost_decline, "advice": a.advice})
    for years in (0.5, 1.0, 2.0, 3.0):
        a = advise(replace(inputs, duration_years=years))
        sens.append({"duration_years": years, "break_even_probability":
                     a.break_even_probability})
    sources = {"exports": str(defaults.get("exports_source", "")),
               "tariff": ", ".join(r.terms.sources.get("tariff.on_decline", ())),
               "funding_cost": str(defaults.get("funding_cost_source", ""))}
    return DeclineReport(r.project_id, inputs, r.rate, advise(inputs), sens, sources)


def scores_document(engine: Engine, project_id: int | str) -> dict[str, Any]:
    """A project's current scores as ``pledge scores show --json`` prints them."""
    with transaction(engine) as s:
        pid = project_row(s, project_id).id
        latest = _latest_scores(s, [pid])
    out: dict[str, Any] = {"project_id": pid, **{side.value: {} for side in Side}}
    for (_, side, crit), v in sorted(latest.items()):
        out[side][crit] = v
    return out


def rankings_document(r: Rankings) -> dict[str, Any]:
    """Both sides' rankings as ``pledge prioritise --json`` prints them (US order)."""
    c = r.comparison
    order = sorted(r.names, key=lambda p: c.us.ranks[p])
    return {
        "framework": r.framework, "kendall_tau": c.tau, "top_k": c.top_k,
        "top_k_overlap": c.top_overlap,
        "projects": [{"id": p, "name": r.names[p], "us_rank": c.us.ranks[p],
                      "partner_rank": c.partner.ranks[p], "us_score": c.us.scores[p],
                      "partner_score": c.partner.scores[p],
                      "drivers": [{"criterion": k, "us_minus_partner": v}
                                  for k, v in c.drivers[p]],
                      "missing_us": list(c.us.missing[p]),
                      "missing_partner": list(c.partner.missing[p])} for p in order]}


def solution_document(sol: Any) -> dict[str, Any]:
    """A chosen batch as ``pledge batch --json`` prints it (candidate ids as text)."""
    return {"selected": list(sol.selected), "cost": sol.cost, "u_us": sol.u_us,
            "u_partner": sol.u_partner, "objective": sol.objective, "status": sol.status,
            "gap": sol.gap}


def decline_document(r: DeclineReport) -> dict[str, Any]:
    """Fund-or-decline advice as ``pledge decline-advice --json`` prints it."""
    a, x = r.advice, r.inputs
    return {
        "project_id": r.project_id, "advice": a.advice, "cost_fund": a.cost_fund,
        "cost_decline": a.cost_decline, "break_even_probability": a.break_even_probability,
        "inputs": {"pv_funding": x.pv_funding, "pv_distributions": x.pv_distributions,
                   "exports": x.exports, "tariff_increase": x.tariff_increase,
                   "duration_years": x.duration_years, "probability": x.probability,
                   "incidence": x.incidence, "funding_cost": r.funding_cost},
        "sensitivity": r.sensitivity, "sources": r.sources}


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """The limits a stored batch is chosen under (absent limits do not apply).

    budget: a single US-dollar amount as written ("US$20bn"); the framework's
    remaining cap and annual cap apply as well. sector_max / sector_min: counts per
    sector key. must_include / exclude: project ids. paths: per project, for the
    simulated criteria (return, recovery).
    """

    budget: str | None = None
    sector_max: dict[str, int] | None = None
    sector_min: dict[str, int] | None = None
    max_per_sponsor: int | None = None
    must_include: Sequence[int | str] = ()
    exclude: Sequence[int | str] = ()
    on: date | None = None
    paths: int = 2000


@dataclass(frozen=True, slots=True)
class CheckedLimits:
    """Batch limits after checking: the budget in US dollars, sector keys canonical, counts
    and ids as numbers, the day resolved; hashable, so it can key a cached result."""

    budget: Decimal | None
    sector_max: tuple[tuple[str, int], ...]
    sector_min: tuple[tuple[str, int], ...]
    max_per_sponsor: int | None
    must_include: tuple[str, ...]
    exclude: tuple[str, ...]
    on: date
    paths: int


def _sector_counts(raw: dict[str, int] | None, name: str, problems: list[Problem]
                   ) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for key, count in (raw or {}).items():
        try:
            sector, _ = canonical_sector(str(key))
        except InvalidInput as exc:
            problems.append(Problem(name, key, exc.first.rule, exc.first.message))
            continue
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            problems.append(Problem(name, f"{key}={count}", "batch.bad_count",
                                    "a count of projects is a whole number, 0 or more"))
            continue
        out[sector] = count
    return tuple(sorted(out.items()))


def _project_ids(values: Sequence[int | str], name: str, problems: list[Problem]
                 ) -> tuple[str, ...]:
    out = []
    for v in values:
        text = str(v).strip()
        if not text.isdigit():
            problems.append(Problem(name, v, "batch.bad_project_id", "a project id is a number"))
            continue
        out.append(str(int(text)))
    return tuple(dict.fromkeys(out))


def check_limits(limits: BatchLimits, role: Role | None = None) -> CheckedLimits:
    """Every limit checked at once, before anything is computed; InvalidInput lists each
    problem (the budget as US dollars, sectors, counts, project ids, paths)."""
    problems: list[Problem] = []
    budget = None
    if limits.budget is not None and limits.budget.strip():
        try:
            budget = usd_amount(limits.budget, "budget")
        except PledgeError as exc:
            problems.extend(exc.problems)
    sector_max = _sector_counts(limits.sector_max, "sector_max", problems)
    sector_min = _sector_counts(limits.sector_min, "sector_min", problems)
    if limits.max_per_sponsor is not None and limits.max_per_sponsor < 0:
        problems.append(Problem("max_per_sponsor", limits.max_per_sponsor, "batch.bad_count",
                                "a count of projects is a whole number, 0 or more"))
    must_include = _project_ids(limits.must_include, "must_include", problems)
    exclude = _project_ids(limits.exclude, "exclude", problems)
    try:
        check_ranking(5, limits.paths, 0, role)
    except PledgeError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return CheckedLimits(budget, sector_max, sector_min, limits.max_per_sponsor, must_include,
                         exclude, limits.on or date.today(), limits.paths)


def _stored(engine: Engine, framework: str, c: CheckedLimits) -> StoredBatch:
    return batch_instance(
        engine, framework, budget=c.budget, sector_max_count=dict(c.sector_max),
        sector_min_count=dict(c.sector_min), max_per_sponsor=c.max_per_sponsor,
        must_include=list(c.must_include), exclude=list(c.exclude), on=c.on, paths=c.paths)


def stored_batch(engine: Engine, framework: str, limits: BatchLimits) -> StoredBatch:
    """The selection problem for ``framework`` under ``limits`` (amounts checked as USD)."""
    return _stored(engine, framework, check_limits(limits))


@dataclass(frozen=True, slots=True)
class BatchChoice:
    """A batch chosen from the stored projects, and the budget it was chosen under."""

    framework: str
    objective: str
    budget: Decimal
    budget_reasons: list[str]
    skipped: list[int]
    solution: Any  # analytics.selection.BatchSolution
    duplicates: list[int] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        """``pledge batch --json``'s keys, then the budget and the projects left out
        (``skipped``: no cost estimate; ``duplicates``: counted through another row)."""
        return {**solution_document(self.solution), "framework": self.framework,
                "maximised": self.objective, "budget": self.budget,
                "budget_reasons": self.budget_reasons, "skipped": self.skipped,
                "duplicates": self.duplicates}


def check_objective(objective: str) -> Objective:
    try:
        return Objective(objective.strip().lower())
    except ValueError:
        raise InvalidInput.single("objective", objective, "batch.unknown_objective",
                                  "one of: us, partner, maxmin, nash") from None


def check_time_limit(time_limit: float | None, role: Role | None = None) -> float | None:
    """A positive number of seconds; with ``role``, within its allowance (which is then
    also the limit when none is given)."""
    if time_limit is not None and not time_limit > 0:
        raise InvalidInput.single("time_limit", time_limit, "batch.time_limit",
                                  "a time limit is a positive number of seconds")
    if role is None:
        return time_limit
    return fair_use.check_time_limit(role, time_limit)


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """A batch request after checking: what the answer depends on, and its cache key."""

    framework: str
    objective: Objective
    limits: CheckedLimits
    time_limit: float | None

    @property
    def key(self) -> tuple[Any, ...]:
        return ("batch", self.framework, self.objective.value, self.limits, self.time_limit)


def check_batch(framework: str, objective: str = "nash", limits: BatchLimits | None = None, *,
                time_limit: float | None = None, role: Role | None = None) -> BatchRequest:
    """Refuse a bad batch request before anything is computed."""
    obj = check_objective(objective)
    seconds = check_time_limit(time_limit, role)
    return BatchRequest(_framework_key(framework), obj,
                        check_limits(limits or BatchLimits(), role), seconds)


def choose_batch(engine: Engine, framework: str, objective: str = "nash",
                 limits: BatchLimits | None = None, *,
                 time_limit: float | None = None, role: Role | None = None) -> BatchChoice:
    """The best first batch of the framework's open projects for one side or a compromise.

    objective: us | partner | maxmin | nash. With ``time_limit`` (seconds) the best
    batch found in time is returned with status "feasible" and its gap. With ``role``
    the paths and the time limit are held to its allowance (the time limit defaults to
    it). Everything is checked before anything is computed; the answer is computed once
    per data version.
    """
    return batch_for(engine, check_batch(framework, objective, limits, time_limit=time_limit,
                                         role=role))


def batch_for(engine: Engine, request: BatchRequest) -> BatchChoice:
    """The batch a checked request asks for (cached per data version)."""
    return views.get(engine, request.key, lambda: compute_batch(engine, request))


def compute_batch(engine: Engine, request: BatchRequest) -> BatchChoice:
    """The batch a checked request asks for, chosen now."""
    from pledge.analytics.selection import solve

    stored = _stored(engine, request.framework, request.limits)
    try:
        sol = solve(stored.instance, request.objective, time_limit=request.time_limit)
    except TimeoutError:
        raise RuleViolation.single("time_limit", request.time_limit, "batch.timeout",
                                   "no feasible batch was found within the time limit"
                                   ) from None
    return BatchChoice(request.framework, request.objective.value, stored.instance.budget,
                       stored.budget_reasons, stored.skipped, sol, stored.duplicates)


@dataclass(frozen=True, slots=True)
class FrontierChoice:
    """Every non-dominated batch of the framework's open projects."""

    framework: str
    budget: Decimal
    budget_reasons: list[str]
    skipped: list[int]
    points: list[Any]  # analytics.selection.BatchSolution, by U_us descending
    truncated: bool
    duplicates: list[int] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        """The points as ``pledge batch --pareto --json`` prints them, under ``data``."""
        return {"framework": self.framework,
                "data": [solution_document(p) for p in self.points],
                "count": len(self.points), "truncated": self.truncated, "budget": self.budget,
                "budget_reasons": self.budget_reasons, "skipped": self.skipped,
                "duplicates": self.duplicates}


@dataclass(frozen=True, slots=True)
class FrontierRequest:
    framework: str
    limits: CheckedLimits
    max_points: int
    time_limit: float | None

    @property
    def key(self) -> tuple[Any, ...]:
        return ("frontier", self.framework, self.limits, self.max_points, self.time_limit)


def check_frontier(framework: str, limits: BatchLimits | None = None, *, max_points: int = 500,
                   time_limit: float | None = None, role: Role | None = None
                   ) -> FrontierRequest:
    """Refuse a bad frontier request before anything is computed."""
    if not 1 <= max_points <= 500:
        raise InvalidInput.single("max_points", max_points, "batch.max_points",
                                  "between 1 and 500 points")
    seconds = check_time_limit(time_limit, role)
    return FrontierRequest(_framework_key(framework), check_limits(limits or BatchLimits(), role),
                           max_points, seconds)


def batch_frontier(engine: Engine, framework: str, limits: BatchLimits | None = None, *,
                   max_points: int = 500, time_limit: float | None = None,
                   role: Role | None = None) -> FrontierChoice:
    """The Pareto frontier of first batches: each side's utility against the other's.

    With ``time_limit`` (seconds) the sweep stops when it runs out and the frontier is
    marked truncated; with ``role`` the time limit is held to its allowance (and
    defaults to it)."""
    return frontier_for(engine, check_frontier(framework, limits, max_points=max_points,
                                               time_limit=time_limit, role=role))


def frontier_for(engine: Engine, request: FrontierRequest) -> FrontierChoice:
    """The frontier a checked request asks for (cached per data version)."""
    return views.get(engine, request.key, lambda: compute_frontier(engine, request))


def compute_frontier(engine: Engine, request: FrontierRequest) -> FrontierChoice:
    """The frontier a checked request asks for, swept now."""
    import warnings

    from pledge.analytics.selection import FrontierTruncated, pareto_frontier

    stored = _stored(engine, request.framework, request.limits)
    with warnings.catch_warnings():  # reported as ``truncated`` instead
        warnings.simplefilter("ignore", FrontierTruncated)
        points = pareto_frontier(stored.instance, max_points=request.max_points,
                                 time_limit=request.time_limit)
    return FrontierChoice(request.framework, stored.instance.budget,
                          stored.budget_reasons, stored.skipped, list(points),
                          bool(points.truncated), stored.duplicates)

"""Use cases on batches: the selection problem built from the stored projects, the best
first batch for one side or a compromise, and the Pareto frontier of first batches.

Every limit is checked before anything is computed (``check_limits``, ``check_batch``,
``check_frontier``); answers are computed once per data version. A batch the optimiser
cannot finish within its time limit is ``batch.timeout`` (a RuleViolation: 409 on the
API, exit 2 on the command line), whether the instance is stored (``choose_batch``) or
given as a document (``solve_instance``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from pledge.domain import fair_use
from pledge.domain.bounds import check_dates
from pledge.domain.errors import InvalidInput, PledgeError, Problem, RuleViolation
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.money import format_rounded
from pledge.domain.selection import (
    BatchInstance,
    Candidate,
    Objective,
    check_project_ids,
    check_sector_counts,
)
from pledge.services.base import framework_row, load_framework, primary_usd_all, sum_postings
from pledge.services.dashboard import views
from pledge.services.rankings import OPEN, check_ranking, framework_key, prioritise
from pledge.services.relations import counted_in
from pledge.store import priorities as q
from pledge.store.db import transaction


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
        reasons.append(f"remaining cap {format_rounded(remaining, 'USD')}")
        if component.annual_cap is not None:
            used = sum_postings(s, fw.id, acct(component.key, USED), year=on.year)
            allocated = sum_postings(s, fw.id, acct(component.key, ALLOCATED))
            left = component.annual_cap - used - allocated
            reasons.append(f"annual cap left {format_rounded(left, 'USD')}")
            limit = min(limit, left)
        if budget is not None:
            reasons.append(f"batch budget {format_rounded(budget, 'USD')}")
            limit = min(limit, budget)
        costs = counted_in(s, fw.id, primary_usd_all(s, fw.id))
        open_rows, skipped, duplicates = [], [], []
        all_open = q.open_projects(s, fw.id, OPEN)
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
            open_rows.append((row, cost, q.lead_sponsor(s, row.id)))
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
    sector_max = check_sector_counts(limits.sector_max, "sector_max", problems)
    sector_min = check_sector_counts(limits.sector_min, "sector_min", problems)
    if limits.max_per_sponsor is not None and limits.max_per_sponsor < 0:
        problems.append(Problem("max_per_sponsor", limits.max_per_sponsor, "batch.bad_count",
                                "a count of projects is a whole number, 0 or more"))
    must_include = check_project_ids(limits.must_include, "must_include", problems)
    exclude = check_project_ids(limits.exclude, "exclude", problems)
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
    return BatchRequest(framework_key(framework), obj,
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


def solve_instance(instance: BatchInstance, objective: Objective,
                   time_limit: float | None = None) -> Any:
    """The best batch of one selection problem (``analytics.selection.BatchSolution``).

    Raises RuleViolation ``batch.timeout`` when no feasible batch is found within
    ``time_limit`` seconds (409 on the API, exit 2 on the command line).
    """
    from pledge.analytics.selection import solve

    try:
        return solve(instance, objective, time_limit=time_limit)
    except TimeoutError:
        raise RuleViolation.single("time_limit", time_limit, "batch.timeout",
                                   "no feasible batch was found within the time limit"
                                   ) from None


def instance_frontier(instance: BatchInstance, max_points: int = 500,
                      time_limit: float | None = None) -> tuple[list[Any], bool]:
    """The Pareto frontier of one selection problem (by U_us descending) and whether the
    sweep stopped early (the time limit or ``max_points`` ran out)."""
    import warnings

    from pledge.analytics.selection import FrontierTruncated, pareto_frontier

    with warnings.catch_warnings():  # reported as ``truncated`` instead
        warnings.simplefilter("ignore", FrontierTruncated)
        points = pareto_frontier(instance, max_points=max_points, time_limit=time_limit)
    return list(points), bool(points.truncated)


def compute_batch(engine: Engine, request: BatchRequest) -> BatchChoice:
    """The batch a checked request asks for, chosen now."""
    stored = _stored(engine, request.framework, request.limits)
    sol = solve_instance(stored.instance, request.objective, request.time_limit)
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
    max_points: int = 500


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
    return FrontierRequest(framework_key(framework), check_limits(limits or BatchLimits(), role),
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
    stored = _stored(engine, request.framework, request.limits)
    points, truncated = instance_frontier(stored.instance, request.max_points,
                                          request.time_limit)
    return FrontierChoice(request.framework, stored.instance.budget,
                          stored.budget_reasons, stored.skipped, points, truncated,
                          stored.duplicates, request.max_points)

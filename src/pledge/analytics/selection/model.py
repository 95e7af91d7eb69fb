"""The instance as a MILP's arrays: one binary ``x_i`` per candidate and the constraint rows.

* budget: ``sum cost_i x_i <= budget``;
* must-include candidates ``x_i = 1``; excluded or not ready by ``ready_by`` ``x_i = 0``;
* each sector's minimum and maximum count and amount;
* at most ``max_per_sponsor`` projects for each lead sponsor.

Amount rows are divided by their largest coefficient, so a row of US-dollar costs of
1e10 has coefficients of order one and HiGHS's tolerances are relative to the row.
A constraint group can be left out (``relaxed``), which is how the diagnosis of an
infeasible instance (:mod:`pledge.analytics.selection.diagnosis`) probes it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from pledge.domain.errors import InvalidInput, Problem, RuleViolation
from pledge.domain.selection import BatchInstance, check_batch, conflicts, eligible

Array = NDArray[np.float64]
Index = NDArray[np.int32]


@dataclass(slots=True)
class _Row:
    """lo <= sum val * x[idx] <= hi; ``group`` is the constraint's field name."""

    group: str
    lo: float
    hi: float
    idx: Index
    val: Array


@dataclass(slots=True)
class _Model:
    """The instance as arrays: bounds of the binaries and the constraint rows.

    ``relaxed`` lists the constraint groups left out (for diagnosing infeasibility).
    """

    instance: BatchInstance
    relaxed: frozenset[str]
    ids: tuple[str, ...]
    lb: Array
    ub: Array
    rows: list[_Row]
    us: Array
    partner: Array
    cost: Array  # US dollars as floats (for ordering only; checks use Decimal)

    @property
    def n(self) -> int:
        return len(self.ids)

    def problems(self, chosen: Sequence[int]) -> list[Problem]:
        """What ``check_batch`` rejects in the batch, ignoring the relaxed groups."""
        found = check_batch(self.instance, [self.ids[i] for i in chosen])
        return [p for p in found if p.field not in self.relaxed]


def _validate(instance: BatchInstance) -> None:
    """Reject instances the parser would have refused (built by hand)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, c in enumerate(instance.candidates):
        where = f"candidates[{i}]"
        if c.id in seen:
            problems.append(Problem(f"{where}.id", c.id, "batch.duplicate_id",
                                    "ids are unique"))
        seen.add(c.id)
        if not c.cost.is_finite() or c.cost < 0:
            problems.append(Problem(f"{where}.cost", str(c.cost), "batch.negative",
                                    "must be a number >= 0"))
        for side in ("us_score", "partner_score"):
            v = getattr(c, side)
            if not math.isfinite(v) or v < 0:
                problems.append(Problem(f"{where}.{side}", v, "batch.bad_score",
                                        "expected a number >= 0"))
    unknown = sorted(instance.must_include - seen)
    if unknown:
        problems.append(Problem("must_include", ",".join(unknown), "batch.unknown_candidate",
                                "not a candidate id"))
    if not instance.budget.is_finite():
        problems.append(Problem("budget", str(instance.budget), "batch.bad_number",
                                "expected a number"))
    if problems:
        raise InvalidInput(problems)


def _amount_row(group: str, members: list[int], cost: Array,
                lo: Decimal | None, hi: Decimal | None) -> _Row:
    idx = np.array([i for i in members if cost[i] != 0.0], dtype=np.int32)
    val = cost[idx]
    scale = float(np.max(np.abs(val))) if len(idx) else 1.0
    return _Row(group, -math.inf if lo is None else float(lo) / scale,
                math.inf if hi is None else float(hi) / scale, idx, val / scale)


def _count_row(group: str, members: list[int], lo: int | None, hi: int | None) -> _Row:
    return _Row(group, -math.inf if lo is None else float(lo),
                math.inf if hi is None else float(hi),
                np.array(members, dtype=np.int32), np.ones(len(members)))


def _build(instance: BatchInstance, relaxed: frozenset[str] = frozenset()) -> _Model:
    """The MILP's constraints for ``instance`` without the groups in ``relaxed``."""
    cands = instance.candidates
    n = len(cands)
    lb = np.zeros(n)
    ub = np.ones(n)
    for i, c in enumerate(cands):
        ready = "ready_by" in relaxed or eligible(instance, c)
        if c.id in instance.exclude or not ready:
            ub[i] = 0.0
        if "must_include" not in relaxed and c.id in instance.must_include:
            lb[i] = 1.0
    cost = np.array([float(c.cost) for c in cands], dtype=np.float64)
    rows: list[_Row] = []
    if "budget" not in relaxed:
        rows.append(_amount_row("budget", list(range(n)), cost, None, instance.budget))
    by_sector: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_sector[c.sector].append(i)
    for sector, k in sorted(instance.sector_max_count.items()):
        group = f"sector_max_count.{sector}"
        if group not in relaxed:
            rows.append(_count_row(group, by_sector.get(sector, []), None, k))
    for sector, k in sorted(instance.sector_min_count.items()):
        group = f"sector_min_count.{sector}"
        if group not in relaxed:
            rows.append(_count_row(group, by_sector.get(sector, []), k, None))
    for sector, amt in sorted(instance.sector_max_amount.items()):
        group = f"sector_max_amount.{sector}"
        if group not in relaxed:
            rows.append(_amount_row(group, by_sector.get(sector, []), cost, None, amt))
    for sector, amt in sorted(instance.sector_min_amount.items()):
        group = f"sector_min_amount.{sector}"
        if group not in relaxed:
            rows.append(_amount_row(group, by_sector.get(sector, []), cost, amt, None))
    if instance.max_per_sponsor is not None and "max_per_sponsor" not in relaxed:
        by_sponsor: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cands):
            if c.sponsor:
                by_sponsor[c.sponsor].append(i)
        for _, members in sorted(by_sponsor.items()):
            if len(members) > instance.max_per_sponsor:
                rows.append(_count_row("max_per_sponsor", members, None,
                                       instance.max_per_sponsor))
    return _Model(instance, relaxed, tuple(c.id for c in cands), lb, ub, rows,
                  np.array([c.us_score for c in cands], dtype=np.float64),
                  np.array([c.partner_score for c in cands], dtype=np.float64), cost)


def _prepare(instance: BatchInstance) -> _Model:
    _validate(instance)
    found = conflicts(instance)
    if found:
        raise RuleViolation(found)
    return _build(instance)

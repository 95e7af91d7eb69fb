"""Why no batch is feasible: the quick checks of ``conflicts``, then a deletion filter
over the constraint groups that finds a minimal set which cannot hold together."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from pledge.analytics.selection.highs import _Milp
from pledge.analytics.selection.model import _build, _validate
from pledge.analytics.selection.optimise import _optimise
from pledge.domain.errors import Problem
from pledge.domain.selection import BatchInstance, conflicts


def _feasible(instance: BatchInstance, relaxed: frozenset[str]) -> bool:
    model = _build(instance, relaxed)
    _, chosen = _optimise(_Milp(model, np.zeros(model.n)), rel_gap=1e-4)
    return chosen is not None


def _groups(instance: BatchInstance) -> list[tuple[str, object]]:
    """The relaxable constraint groups present, with the value each limit has."""
    out: list[tuple[str, object]] = []
    for name, limits in (("sector_max_count", instance.sector_max_count),
                         ("sector_min_count", instance.sector_min_count),
                         ("sector_max_amount", instance.sector_max_amount),
                         ("sector_min_amount", instance.sector_min_amount)):
        for sector, v in sorted(limits.items()):
            out.append((f"{name}.{sector}", format(v, "f") if isinstance(v, Decimal) else v))
    if instance.max_per_sponsor is not None:
        out.append(("max_per_sponsor", instance.max_per_sponsor))
    if instance.ready_by is not None:
        out.append(("ready_by", instance.ready_by.isoformat()))
    if instance.must_include:
        out.append(("must_include", ",".join(sorted(instance.must_include))))
    out.append(("budget", format(instance.budget, "f")))
    return out


def diagnose_infeasible(instance: BatchInstance) -> list[Problem]:
    """Why no batch is feasible; an empty list when some batch is.

    First the quick checks of ``conflicts``. If they find nothing and no batch is
    feasible, a deletion filter over the constraint groups (budget; each sector's
    minimum/maximum count and amount; must-include; the sponsor limit; ready_by)
    solves feasibility MILPs to find a minimal set of groups that cannot hold
    together: dropping any one of them makes the rest of that set satisfiable. Each is
    reported as a Problem with rule "batch.conflict"; its message says whether dropping
    that group alone makes the whole instance feasible. Exclusions are never relaxed.

    Raises InvalidInput for a malformed instance.
    """
    _validate(instance)
    found = conflicts(instance)
    if found:
        return found
    if _feasible(instance, frozenset()):
        return []
    groups = _groups(instance)
    relaxed: set[str] = set()
    core: list[tuple[str, object]] = []
    for name, value in groups:
        trial = frozenset(relaxed | {name})
        if _feasible(instance, trial):
            core.append((name, value))
        else:
            relaxed = set(trial)
    names = [name for name, _ in core]
    problems = []
    for name, value in core:
        others = [o for o in names if o != name]
        alone = _feasible(instance, frozenset({name}))
        with_ = f"conflicts with {', '.join(others)}" if others else \
            "cannot be met by any batch"
        fix = ("dropping it alone makes the instance feasible" if alone
               else "dropping it alone is not enough")
        problems.append(Problem(name, value, "batch.conflict", f"{with_}; {fix}"))
    return problems

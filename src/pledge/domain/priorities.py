"""Each side's view of which projects go first, and how far apart the two views are.

Both sides score projects on the same criteria (a framework's data); each keeps
its own weights. A criterion's raw values are rescaled to [0, 1] across the
projects compared (min to max; a criterion marked ``lower_is_better`` is
flipped), so weights compare like with like. A side's score of a project is the
weighted sum of its rescaled criteria, with weights normalised to sum to 1.

The gap between the sides: Kendall's tau-b between their scores, the overlap of
their top k, and per project the criteria that drive the difference.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem, RuleViolation
from pledge.domain.lifecycle import Role


class Side(StrEnum):
    US = "us"
    PARTNER = "partner"


# Which roles speak for which side (admin may record for either).
SIDE_ROLES: dict[Side, frozenset[Role]] = {
    Side.US: frozenset({Role.IC, Role.CC_US, Role.ADMIN}),
    Side.PARTNER: frozenset({Role.CC_JP, Role.FUNDER, Role.ADMIN}),
}


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion: its key, label, whether lower raw values are better, and whether
    it is computed (from the simulation) rather than scored by people."""

    key: str
    label: str
    lower_is_better: bool = False
    computed: bool = False
    min_value: float = 0.0
    max_value: float = 10.0


def parse_side(text: str) -> Side:
    try:
        return Side(text.strip().lower())
    except ValueError:
        raise InvalidInput.single("side", text, "priorities.unknown_side",
                                  "side is 'us' or 'partner'") from None


def check_may_speak_for(side: Side, role: Role) -> None:
    """Raise RuleViolation unless ``role`` may record scores or weights for ``side``."""
    if role not in SIDE_ROLES[side]:
        allowed = ", ".join(sorted(r.value for r in SIDE_ROLES[side]))
        raise RuleViolation.single("role", role.value, "priorities.wrong_side",
                                   f"role '{role.value}' does not speak for the {side.value} "
                                   f"side (allowed: {allowed})")


def check_score(criterion: Criterion | None, key: str, value: float) -> None:
    """Raise InvalidInput for an unknown or computed criterion or a value out of range."""
    if criterion is None:
        raise InvalidInput.single("criterion", key, "priorities.unknown_criterion",
                                  "not a criterion of this framework")
    if criterion.computed:
        raise InvalidInput.single("criterion", key, "priorities.computed",
                                  "this criterion is computed from the simulation, not scored")
    if not (math.isfinite(value) and criterion.min_value <= value <= criterion.max_value):
        raise InvalidInput.single("value", value, "priorities.out_of_range",
                                  f"scores run from {criterion.min_value:g} to "
                                  f"{criterion.max_value:g}")


#: A weight is a share of a side's attention, from 0 to 1 like the default weights
#: (``data/criteria.toml``). A side's weights are normalised to sum to 1, so only their
#: ratios count; the bound keeps them on the defaults' scale (a 35 meant as 35% would
#: swamp the defaults) and far from overflow (1e308 summed to infinity and every score
#: became 0).
MAX_WEIGHT = 1.0


def check_weight(criterion: Criterion | None, key: str, weight: float) -> None:
    """Raise InvalidInput for an unknown criterion or a weight outside 0 to
    :data:`MAX_WEIGHT`."""
    if criterion is None:
        raise InvalidInput.single("criterion", key, "priorities.unknown_criterion",
                                  "not a criterion of this framework")
    if not (math.isfinite(weight) and 0 <= weight <= MAX_WEIGHT):
        raise InvalidInput.single("weight", weight, "priorities.bad_weight",
                                  f"a weight is a number from 0 to {MAX_WEIGHT:g}")


@dataclass(frozen=True, slots=True)
class SideView:
    """One side's score and rank of each project (rank 1 is first)."""

    scores: dict[int, float]
    ranks: dict[int, int]
    missing: dict[int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both sides' views and the distance between them.

    tau:          Kendall's tau-b between the two sides' scores (1: same order, -1: reversed);
                  None with fewer than two projects or no variation
    top_k:        k used for the overlap
    top_overlap:  share of each side's top k that is also in the other's
    drivers:      per project, the criteria whose weighted contributions differ most
                  between the sides (criterion, us minus partner), largest first
    """

    us: SideView
    partner: SideView
    tau: float | None
    top_k: int
    top_overlap: float
    drivers: dict[int, list[tuple[str, float]]]


def rescale(values: Mapping[int, float | None], crit: Criterion) -> dict[int, float]:
    """Raw values to [0, 1] across the projects (missing values count as the worst)."""
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values, 0.0)
    lo, hi = min(present), max(present)
    out = {}
    for pid, v in values.items():
        if v is None:
            out[pid] = 0.0
            continue
        x = 1.0 if hi == lo else (v - lo) / (hi - lo)
        out[pid] = 1.0 - x if crit.lower_is_better and hi != lo else x
    return out


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: (w / total if total > 0 else 0.0) for k, w in weights.items()}


def side_view(projects: Sequence[int], criteria: Sequence[Criterion],
              raw: Mapping[str, Mapping[int, float | None]],
              weights: Mapping[str, float]) -> tuple[SideView, dict[str, dict[int, float]]]:
    """A side's scores and ranks from its raw criterion values and weights."""
    w = _normalised({c.key: weights.get(c.key, 0.0) for c in criteria})
    scaled = {c.key: rescale({p: raw.get(c.key, {}).get(p) for p in projects}, c)
              for c in criteria}
    contrib = {c.key: {p: w[c.key] * scaled[c.key][p] for p in projects} for c in criteria}
    scores = {p: sum(contrib[c.key][p] for c in criteria) for p in projects}
    order = sorted(projects, key=lambda p: (-scores[p], p))
    ranks = {p: i + 1 for i, p in enumerate(order)}
    missing = {p: tuple(c.key for c in criteria
                        if w[c.key] > 0 and raw.get(c.key, {}).get(p) is None)
               for p in projects}
    return SideView(scores, ranks, missing), contrib


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Kendall's tau-b of two equally long sequences (None when undefined).

    Written here rather than taken from ``scipy.stats.kendalltau``: the domain layer
    imports only the standard library (``tests/test_import_graph.py``), and a ranking
    compares tens of projects, so the plain O(n^2) count costs nothing. Where scipy
    answers NaN (no variation) this answers None. ``tests/domain`` checks it against
    scipy's tau-b on random scores with ties.
    """
    n = len(xs)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx = (xs[i] > xs[j]) - (xs[i] < xs[j])
            dy = (ys[i] > ys[j]) - (ys[i] < ys[j])
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif dx == dy:
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return None if denom == 0 else (concordant - discordant) / denom


def compare(projects: Sequence[int], criteria: Sequence[Criterion],
            raw_us: Mapping[str, Mapping[int, float | None]],
            raw_partner: Mapping[str, Mapping[int, float | None]],
            weights_us: Mapping[str, float], weights_partner: Mapping[str, float],
            top_k: int = 5) -> Comparison:
    """Both sides' rankings and how far apart they are (see the module docstring)."""
    if top_k < 1:
        raise InvalidInput([Problem("top", top_k, "priorities.top_k", "k must be at least 1")])
    us, c_us = side_view(projects, criteria, raw_us, weights_us)
    partner, c_p = side_view(projects, criteria, raw_partner, weights_partner)
    tau = kendall_tau_b([us.scores[p] for p in projects], [partner.scores[p] for p in projects])
    k = min(top_k, len(projects))
    top_us = {p for p in projects if us.ranks[p] <= k}
    top_p = {p for p in projects if partner.ranks[p] <= k}
    overlap = len(top_us & top_p) / k if k else 0.0
    drivers = {}
    for p in projects:
        diffs = [(c.key, c_us[c.key][p] - c_p[c.key][p]) for c in criteria]
        diffs = [d for d in diffs if abs(d[1]) > 1e-12]
        drivers[p] = sorted(diffs, key=lambda d: (-abs(d[1]), d[0]))[:3]
    return Comparison(us, partner, tau, k, overlap, drivers)

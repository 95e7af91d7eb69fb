"""The greedy score/cost-ratio batch: a quick feasible start for the exact search, and
the whole of :func:`pledge.analytics.selection.greedy`."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from pledge.analytics.selection.model import Array, _Model


def _greedy_batch(model: _Model, weights: Array, *, seed: Sequence[int] = (),
                  key: Array | None = None) -> tuple[int, ...] | None:
    """Greedy by weight / cost: must-include first, then each sector's minimum, then the
    rest in ratio order while they fit. None when the result is not feasible.

    ``seed``: candidates taken first (after the must-include ones) while they fit;
    ``key``: an order to use instead of weight / cost (larger first).
    """
    inst = model.instance
    cands = inst.candidates
    chosen: list[int] = [i for i in range(model.n) if model.lb[i] > 0.5]
    taken = set(chosen)
    spent = sum((cands[i].cost for i in chosen), Decimal(0))
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    sponsors: dict[str, int] = defaultdict(int)
    for i in chosen:
        c = cands[i]
        counts[c.sector] += 1
        amounts[c.sector] += c.cost
        if c.sponsor:
            sponsors[c.sponsor] += 1

    if key is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            key = np.where(model.cost > 0, weights / np.where(model.cost > 0, model.cost, 1.0),
                           np.where(weights > 0, math.inf, 0.0))
    open_ = (model.ub > 0.5) & (model.lb < 0.5)
    order = [int(i) for i in np.argsort(-key, kind="stable") if open_[i]]

    def fits(i: int) -> bool:
        c = cands[i]
        if spent + c.cost > inst.budget:
            return False
        k = inst.sector_max_count.get(c.sector)
        if k is not None and counts[c.sector] + 1 > k:
            return False
        amt = inst.sector_max_amount.get(c.sector)
        if amt is not None and amounts[c.sector] + c.cost > amt:
            return False
        return not (inst.max_per_sponsor is not None and c.sponsor
                    and sponsors[c.sponsor] + 1 > inst.max_per_sponsor)

    def add(i: int) -> None:
        nonlocal spent
        c = cands[i]
        chosen.append(i)
        taken.add(i)
        spent += c.cost
        counts[c.sector] += 1
        amounts[c.sector] += c.cost
        if c.sponsor:
            sponsors[c.sponsor] += 1

    for i in seed:
        if i not in taken and model.ub[i] > 0.5 and fits(i):
            add(i)
    short = sorted(set(inst.sector_min_count) | set(inst.sector_min_amount))
    for sector in short:
        for i in order:
            if counts[sector] >= inst.sector_min_count.get(sector, 0) and \
                    amounts[sector] >= inst.sector_min_amount.get(sector, Decimal(0)):
                break
            if i not in taken and cands[i].sector == sector and fits(i):
                add(i)
    positive = (weights > 0).tolist()
    for i in order:
        if positive[i] and i not in taken and fits(i):
            add(i)
    batch = tuple(sorted(chosen))
    return None if model.problems(batch) else batch

"""Per-path cash flows of a simulation, period by period: what a fan chart draws.

:func:`flows` runs the same blocks as :func:`pledge.analytics.montecarlo.run` (the same
draws, cash flows and split rule) but keeps, for every path and period, the partner's
funding, the distributable cash and the partner's receipts, where the Monte Carlo keeps
only each path's totals. So path ``k`` here is path ``k`` of the simulation, and its
receipts sum to that path's ``partner_total``.

The arrays hold ``paths × horizon`` values each; the caller bounds that
(``pledge.domain.bounds.check_kept_cells``) before asking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pledge.analytics import cashflows as cf
from pledge.analytics.capital_paths import Structured
from pledge.analytics.engine import waterfall_batch
from pledge.analytics.montecarlo import SimSpec, structured_cash

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PathFlows:
    """Per-path flows, shape (paths, horizon), US dollars per period.

    funding:       the partner's funding of the SPV (its deemed allocation funding, with
                   what it funded of overruns and negative cash, and its loans' draws)
    distributable: the cash that goes to the split, after debt service and co-investors
                   (never negative: the capital structure's rule funds any shortfall)
    partner:       the partner's receipts: its split share (for a portfolio with one
                   waterfall per project, summed over its projects) and its loan receipts
    partner_loans: the partner's loan receipts alone

    The United States receive ``distributable - (partner - partner_loans)`` each period.
    """

    funding: Array
    distributable: Array
    partner: Array
    partner_loans: Array

    @property
    def us(self) -> Array:
        return np.maximum(self.distributable, 0.0) - (self.partner - self.partner_loans)

    @staticmethod
    def concat(parts: list[PathFlows]) -> PathFlows:
        return PathFlows(*(np.concatenate([getattr(p, name) for p in parts])
                           for name in PathFlows.__slots__))


def project_cash(spec: SimSpec, block: int, size: int) -> Iterator[tuple[int, Structured]]:
    """Each project's (start offset, structured cash) for one block: the draws, cash flows
    and capital structure ``montecarlo.run_block`` makes for it, project by project."""
    common = cf.common_factor(spec.seed, block, size, spec.macro) if spec.common else None
    for index, (stream, model, offset) in enumerate(spec.models):
        h = model.horizon(spec.n, stochastic=True)
        draws = cf.draw(model, spec.n, spec.seed, block, stream, size, h, common, spec.macro)
        yield offset, structured_cash(spec, index, draws, h)


def block_cash(spec: SimSpec, block: int, size: int) -> tuple[Array, Array]:
    """One block's funding and distributable cash over the whole horizon, summed over the
    projects (for one project, its own arrays): the waterfall's inputs."""
    funding = np.zeros((size, spec.horizon))
    dist = np.zeros((size, spec.horizon))
    for offset, s in project_cash(spec, block, size):
        funding[:, offset:offset + s.funding.shape[1]] += s.funding
        dist[:, offset:offset + s.funding.shape[1]] += s.distributable
    return funding, dist


def block_flows(spec: SimSpec, block: int, size: int) -> PathFlows:
    """One block's per-path flows: a waterfall per project (or one over the pooled cash),
    each project's flows placed at its start offset."""
    funding = np.zeros((size, spec.horizon))
    dist = np.zeros((size, spec.horizon))
    partner = np.zeros((size, spec.horizon))
    loans = np.zeros((size, spec.horizon))
    alloc = np.zeros((size, spec.horizon))
    for offset, s in project_cash(spec, block, size):
        f, d, h = s.funding, s.distributable, s.funding.shape[1]
        funding[:, offset:offset + h] += f
        alloc[:, offset:offset + h] += f
        dist[:, offset:offset + h] += d
        if s.loan_draws is not None and s.loan_receipts is not None:
            funding[:, offset:offset + h] += s.loan_draws
            loans[:, offset:offset + h] += s.loan_receipts
        if not spec.pooled:
            res = waterfall_batch(f, d, spec.period_rate, spec.pre_share, spec.post_share)
            assert res.partner is not None
            partner[:, offset:offset + h] += res.partner
    if spec.pooled:
        res = waterfall_batch(alloc, dist, spec.period_rate, spec.pre_share,
                              spec.post_share)
        assert res.partner is not None
        partner = res.partner
    return PathFlows(funding, dist, partner + loans, loans)


def flows(spec: SimSpec) -> PathFlows:
    """Every block of ``spec``, in path order, in this process."""
    return PathFlows.concat([block_flows(spec, block, size) for block, size in spec.blocks])

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
from pledge.analytics.engine import waterfall_batch
from pledge.analytics.montecarlo import SimSpec

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PathFlows:
    """Per-path flows, shape (paths, horizon), US dollars per period.

    funding:       the partner's funding of the SPV
    distributable: the SPV's distributable cash (negative cash distributes nothing)
    partner:       the partner's receipts under the split (for a portfolio with one
                   waterfall per project, summed over its projects)

    The United States receive ``max(distributable, 0) - partner`` each period (summed
    per project, which is the same for non-negative cash).
    """

    funding: Array
    distributable: Array
    partner: Array

    @property
    def us(self) -> Array:
        return np.maximum(self.distributable, 0.0) - self.partner

    @staticmethod
    def concat(parts: list[PathFlows]) -> PathFlows:
        return PathFlows(*(np.concatenate([getattr(p, name) for p in parts])
                           for name in PathFlows.__slots__))


def project_cash(spec: SimSpec, block: int, size: int) -> Iterator[tuple[int, Array, Array]]:
    """Each project's (start offset, funding, distributable cash) for one block: the draws
    and cash flows ``montecarlo.run_block`` makes for it, project by project."""
    common = cf.common_factor(spec.seed, block, size, spec.macro) if spec.common else None
    for stream, model, offset in spec.models:
        h = model.horizon(spec.n, stochastic=True)
        draws = cf.draw(model, spec.n, spec.seed, block, stream, size, h, common, spec.macro)
        f, d = cf.build(model, spec.n, draws, h)
        yield offset, f, d


def block_cash(spec: SimSpec, block: int, size: int) -> tuple[Array, Array]:
    """One block's funding and distributable cash over the whole horizon, summed over the
    projects (for one project, its own arrays): the waterfall's inputs."""
    funding = np.zeros((size, spec.horizon))
    dist = np.zeros((size, spec.horizon))
    for offset, f, d in project_cash(spec, block, size):
        funding[:, offset:offset + f.shape[1]] += f
        dist[:, offset:offset + d.shape[1]] += d
    return funding, dist


def block_flows(spec: SimSpec, block: int, size: int) -> PathFlows:
    """One block's per-path flows: a waterfall per project (or one over the pooled cash),
    each project's flows placed at its start offset."""
    funding = np.zeros((size, spec.horizon))
    dist = np.zeros((size, spec.horizon))
    partner = np.zeros((size, spec.horizon))
    for offset, f, d in project_cash(spec, block, size):
        h = f.shape[1]
        funding[:, offset:offset + h] += f
        dist[:, offset:offset + h] += d
        if not spec.pooled:
            res = waterfall_batch(f, d, spec.period_rate, spec.pre_share, spec.post_share)
            assert res.partner is not None
            partner[:, offset:offset + h] += res.partner
    if spec.pooled:
        res = waterfall_batch(funding, dist, spec.period_rate, spec.pre_share,
                              spec.post_share)
        assert res.partner is not None
        partner = res.partner
    return PathFlows(funding, dist, partner)


def flows(spec: SimSpec) -> PathFlows:
    """Every block of ``spec``, in path order, in this process."""
    return PathFlows.concat([block_flows(spec, block, size) for block, size in spec.blocks])

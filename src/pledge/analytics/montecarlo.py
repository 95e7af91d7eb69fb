"""Monte Carlo over projects' scenarios: per-path results and their summary.

Work is split into blocks of ``cashflows.BLOCK`` paths. A block's result depends
only on (seed, block), so running blocks in one process, in threads or on a
dask.distributed cluster gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pledge.analytics import cashflows as cf
from pledge.analytics import risk, stats
from pledge.analytics.engine import annualise, irr_batch, waterfall_batch, waterfall_irr_fused

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SimSpec:
    """What to simulate.

    models:      (stream id, model, start offset in periods) for each project
    n:           periods a year
    period_rate, pre_share, post_share: the split rule
    pooled:      one waterfall over the summed cash (Korea's umbrella SPV) instead of one
                 per project
    common:      correlate projects' revenue through a common factor
    macro:       the shared macro factors and each reference class's loadings on them
                 (``analytics.risk``); drawn only when ``common``
    discount_rate: annual effective rate for the present values in the results: a flow
                 in period t is weighted (1 + rate) ** (-t / n). 0 makes them undiscounted
                 sums; the services pass a stated rate (the deemed rate by default)
    """

    models: tuple[tuple[int, cf.EconomicModel, int], ...]
    n: int
    period_rate: float
    pre_share: float
    post_share: float
    seed: int
    paths: int
    pooled: bool = False
    common: bool = False
    discount_rate: float = 0.0
    macro: risk.MacroSpec = risk.ONE_FACTOR

    @property
    def horizon(self) -> int:
        return max(off + m.horizon(self.n, stochastic=True) for _, m, off in self.models)

    @property
    def blocks(self) -> list[tuple[int, int]]:
        """(block index, paths in it) covering ``paths``."""
        full, rest = divmod(self.paths, cf.BLOCK)
        out = [(b, cf.BLOCK) for b in range(full)]
        if rest:
            out.append((full, rest))
        return out


@dataclass(frozen=True, slots=True)
class PathResults:
    """Per-path outcomes (one entry per path, in path order).

    partner_total, us_total, funding_total: undiscounted sums over the horizon
    recouped:      whether the partner's deemed allocation balance is zero at the end
    recoup_period: the period in which it last fell to zero (-1 if never)
    irr:           the partner's annualised IRR (NaN where no rate solves it)
    partner_pv, funding_pv: present values at the spec's discount rate
    recouped_any:  whether at least one project's balance is zero at the end (a single
                   project or a pooled spec: the same as ``recouped``)
    recouped_pooled: whether one waterfall over the projects' summed cash would end with
                   a zero balance (a single project or a pooled spec: ``recouped``)
    """

    partner_total: Array
    us_total: Array
    funding_total: Array
    recouped: NDArray[np.bool_]
    recoup_period: NDArray[np.int64]
    irr: Array
    partner_pv: Array
    funding_pv: Array
    recouped_any: NDArray[np.bool_]
    recouped_pooled: NDArray[np.bool_]

    @staticmethod
    def concat(parts: Sequence[PathResults]) -> PathResults:
        return PathResults(*(np.concatenate([getattr(p, name) for p in parts])
                             for name in PathResults.__slots__))


def _one_waterfall(spec: SimSpec, f: Array, d: Array, discount: Array) -> PathResults:
    """The block's results from one waterfall over (f, d), which span the horizon: the
    fused engine, which never writes the per-path flows (it needs only their totals,
    recoup periods, IRRs and present values)."""
    res = waterfall_irr_fused(np.ascontiguousarray(f), np.ascontiguousarray(d),
                              spec.period_rate, spec.pre_share, spec.post_share,
                              discount=discount)
    assert res.partner_pv is not None
    recouped = res.final_balance <= 0
    recoup = np.where(recouped, res.recoup_period, -1)
    irr = annualise(res.irr, spec.n)
    return PathResults(res.partner_total, res.us_total, f.sum(axis=1), recouped, recoup,
                       np.asarray(irr, dtype=np.float64), res.partner_pv, f @ discount,
                       recouped, recouped)


def run_block(spec: SimSpec, block: int, size: int) -> PathResults:
    """Simulate one block of paths.

    One waterfall (pooled, or a single project from period 0) runs fused with the IRR
    (:func:`_one_waterfall`); several projects' waterfalls write their flows, which are
    summed into the partner's net flows before the IRR.
    """
    horizon = spec.horizon
    common = cf.common_factor(spec.seed, block, size, spec.macro) if spec.common else None
    discount = (1.0 + spec.discount_rate) ** (-np.arange(horizon) / spec.n)
    if not spec.pooled and len(spec.models) == 1 and spec.models[0][2] == 0:
        stream, model, _ = spec.models[0]
        h = model.horizon(spec.n, stochastic=True)
        draws = cf.draw(model, spec.n, spec.seed, block, stream, size, h, common, spec.macro)
        f, d = cf.build(model, spec.n, draws, h)
        return _one_waterfall(spec, f, d, discount)
    total_f = np.zeros((size, horizon))
    total_d = np.zeros((size, horizon))
    net = np.zeros((size, horizon))
    partner_total = np.zeros(size)
    us_total = np.zeros(size)
    balance_left = np.zeros(size)
    recoup = np.full(size, -1, dtype=np.int64)
    any_recouped = np.zeros(size, dtype=np.bool_)
    for stream, model, offset in spec.models:
        h = model.horizon(spec.n, stochastic=True)
        draws = cf.draw(model, spec.n, spec.seed, block, stream, size, h, common, spec.macro)
        f, d = cf.build(model, spec.n, draws, h)
        total_d[:, offset:offset + h] += d
        if spec.pooled:
            total_f[:, offset:offset + h] += f
            continue
        res = waterfall_batch(f, d, spec.period_rate, spec.pre_share, spec.post_share)
        assert res.partner is not None
        net[:, offset:offset + h] += res.partner - f
        total_f[:, offset:offset + h] += f
        partner_total += res.partner_total
        us_total += res.us_total
        balance_left += res.final_balance
        any_recouped |= res.final_balance <= 0
        shifted = np.where(res.recoup_period >= 0, res.recoup_period + offset, -1)
        recoup = np.maximum(recoup, shifted)
    if spec.pooled:
        return _one_waterfall(spec, total_f, total_d, discount)
    recouped = balance_left <= 0
    recoup = np.where(recouped, recoup, -1)
    irr = annualise(irr_batch(np.ascontiguousarray(net)), spec.n)
    pooled = waterfall_batch(total_f, total_d, spec.period_rate, spec.pre_share,
                             spec.post_share, keep_flows=False)
    return PathResults(partner_total, us_total, total_f.sum(axis=1), recouped, recoup,
                       np.asarray(irr, dtype=np.float64), (net + total_f) @ discount,
                       total_f @ discount, any_recouped, pooled.final_balance <= 0)


def run(spec: SimSpec, *, client: Any = None,
        progress: Callable[[int], None] | None = None) -> PathResults:
    """Every block of ``spec``, locally or on a dask.distributed ``client``, in path order."""
    blocks = spec.blocks
    if client is None:
        parts = []
        for block, size in blocks:
            parts.append(run_block(spec, block, size))
            if progress:
                progress(size)
        return PathResults.concat(parts)
    from distributed import as_completed

    futures = [client.submit(run_block, spec, block, size, pure=False)
               for block, size in blocks]
    index = {f.key: i for i, f in enumerate(futures)}
    done: dict[int, PathResults] = {}
    for fut in as_completed(futures):  # type: ignore[no-untyped-call]  # distributed is untyped
        done[index[fut.key]] = fut.result()
        if progress:
            progress(blocks[index[fut.key]][1])
    return PathResults.concat([done[i] for i in range(len(blocks))])


#: What "the partner recovers" means in ``Summary.prob_recover``, by kind of simulation.
RECOVERS_PROJECT = "project"
RECOVERS_EVERY = "every project"
RECOVERS_POOLED = "pooled cash"


@dataclass(frozen=True, slots=True)
class Summary:
    """What a user reads from a simulation (money in US dollars, rates annual).

    prob_recover: the share of paths where the partner recovers, in the sense
        ``recover_definition`` names: the project's balance ends at zero (one project);
        every project's does ("every project": a portfolio with a waterfall per project);
        or the one waterfall over the projects' summed cash does ("pooled cash").
    prob_recover_every / _any / _pooled: the portfolio read each way (every project,
        at least one, pooled cash); None where the simulation has no waterfall per
        project to read (a pooled framework: only the pooled reading exists).
    irr_p5/p50/p95: percentiles of the partner's annual IRR over the paths where one
        solves, plus the total losses (the partner receives nothing for its funding),
        which count as -100%; irr_total_loss_share is their share of all paths and
        irr_none_share the share where no IRR solves (total losses included).
    us_expected_take, partner_expected_take, expected_funding: undiscounted sums.
    partner_expected_pv, expected_funding_pv: present values at ``discount_rate``
        (annual effective; 0 means undiscounted).
    estimates: each probability and mean above (by its field's name) with its standard
        error and 95% interval (``stats.PROBABILITY_INTERVAL``, ``stats.MEAN_INTERVAL``).
    """

    paths: int
    seed: int
    prob_recover: float
    irr_p5: float | None
    irr_p50: float | None
    irr_p95: float | None
    irr_none_share: float
    expected_moic: float | None
    recoup_years_p5: float | None
    recoup_years_p50: float | None
    recoup_years_p95: float | None
    recoup_histogram: dict[int, float] = field(default_factory=dict)
    us_expected_take: float = 0.0
    partner_expected_take: float = 0.0
    expected_funding: float = 0.0
    partner_expected_pv: float = 0.0
    expected_funding_pv: float = 0.0
    discount_rate: float = 0.0
    irr_total_loss_share: float = 0.0
    recover_definition: str = RECOVERS_PROJECT
    prob_recover_every: float | None = None
    prob_recover_any: float | None = None
    prob_recover_pooled: float | None = None
    estimates: dict[str, stats.Estimate] = field(default_factory=dict)


def _pct(values: Array, q: float) -> float | None:
    return None if values.size == 0 else float(np.percentile(values, q))


def _recover_definition(spec: SimSpec) -> str:
    if spec.pooled:
        return RECOVERS_POOLED
    return RECOVERS_EVERY if len(spec.models) > 1 else RECOVERS_PROJECT


def summarise(res: PathResults, spec: SimSpec) -> Summary:
    """Probabilities, percentiles and expectations over the paths, each probability and
    mean with its sampling error (``Summary.estimates``)."""
    total_loss = (res.partner_total <= 0) & (res.funding_total > 0)
    irr_all = np.where(total_loss, -1.0, res.irr)
    irr = irr_all[np.isfinite(irr_all)]
    with np.errstate(divide="ignore", invalid="ignore"):
        moic = np.where(res.funding_total > 0, res.partner_total / res.funding_total, np.nan)
    moic = moic[np.isfinite(moic)]
    years = res.recoup_period[res.recouped & (res.recoup_period >= 0)] / spec.n
    hist: dict[int, float] = {}
    if years.size:
        counts = np.bincount(np.floor(years).astype(np.int64))
        hist = {int(y): float(c) / res.irr.size for y, c in enumerate(counts) if c}
    definition = _recover_definition(spec)
    per_project = definition != RECOVERS_POOLED
    est = {"prob_recover": stats.share(res.recouped),
           "irr_none_share": stats.share(~np.isfinite(res.irr)),
           "irr_total_loss_share": stats.share(total_loss),
           "expected_moic": stats.mean(moic),
           "us_expected_take": stats.mean(res.us_total),
           "partner_expected_take": stats.mean(res.partner_total),
           "expected_funding": stats.mean(res.funding_total),
           "partner_expected_pv": stats.mean(res.partner_pv),
           "expected_funding_pv": stats.mean(res.funding_pv),
           "prob_recover_pooled": stats.share(res.recouped_pooled)}
    if per_project:
        est["prob_recover_every"] = est["prob_recover"]
        est["prob_recover_any"] = stats.share(res.recouped_any)
    return Summary(
        paths=int(res.irr.size), seed=spec.seed, prob_recover=float(res.recouped.mean()),
        irr_p5=_pct(irr, 5), irr_p50=_pct(irr, 50), irr_p95=_pct(irr, 95),
        irr_none_share=est["irr_none_share"].value,
        expected_moic=None if moic.size == 0 else float(moic.mean()),
        recoup_years_p5=_pct(years, 5), recoup_years_p50=_pct(years, 50),
        recoup_years_p95=_pct(years, 95), recoup_histogram=hist,
        us_expected_take=float(res.us_total.mean()),
        partner_expected_take=float(res.partner_total.mean()),
        expected_funding=float(res.funding_total.mean()),
        partner_expected_pv=float(res.partner_pv.mean()),
        expected_funding_pv=float(res.funding_pv.mean()),
        discount_rate=spec.discount_rate,
        irr_total_loss_share=est["irr_total_loss_share"].value,
        recover_definition=definition,
        prob_recover_every=est["prob_recover"].value if per_project else None,
        prob_recover_any=est["prob_recover_any"].value if per_project else None,
        prob_recover_pooled=est["prob_recover_pooled"].value, estimates=est)


def to_frame(res: PathResults) -> Any:
    """The per-path results as a pandas DataFrame (one row per path)."""
    import pandas as pd

    return pd.DataFrame({"partner_total": res.partner_total, "us_total": res.us_total,
                         "funding_total": res.funding_total, "recouped": res.recouped,
                         "recoup_period": res.recoup_period, "partner_irr": res.irr})

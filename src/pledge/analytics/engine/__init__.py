"""The split rule and the partner's IRR over many paths, in float64 with numba.

This is the fast twin of :func:`pledge.domain.waterfall.run_waterfall` (the
Decimal reference, which defines the rule): the same order of operations, the
same branch conditions and the same rounding rule, applied to a batch of ``P``
paths of ``T`` periods at once. Arrays are ``(P, T)``: one row a path, one column
a period. Amounts are US dollars; rates are fractions per period. Inside, money is
counted in whole cents, and the results are the reference's, cent for cent
(:mod:`pledge.analytics.engine._waterfall`). The IRR of every path is the one pyxirr
returns, verified (:mod:`pledge.analytics.engine._irr`).

Functions
---------
waterfall_batch       the rule over a batch; per-period partner flows optional, output
                      buffers reusable (``out=``) for chunked runs
irr_batch             the periodic IRR of every row of a cash-flow array
waterfall_irr_fused   the rule and the IRR of (partner - funding) in one pass, without
                      materialising any (P, T) output: for Monte Carlo
irr_one               the periodic IRR of one sequence (None when there is none)
annualise             periodic rate to annual rate
warm                  compile (or load from the on-disk cache) every kernel signature
                      requests use, before any request needs one
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from numba import config as numba_config

from pledge.analytics.engine._irr import _irr_kernel
from pledge.analytics.engine._jit import F64, I64
from pledge.analytics.engine._simd import aligned_lead
from pledge.analytics.engine._waterfall import BLOCK, _fused_kernel, _waterfall_kernel
from pledge.domain.errors import InvalidInput, Problem

__all__ = [
    "BLOCK",
    "FUSED_BLOCK",
    "BatchResult",
    "FusedResult",
    "annualise",
    "irr_batch",
    "irr_one",
    "kernels",
    "warm",
    "warm_up",
    "waterfall_batch",
    "waterfall_irr_fused",
]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The rule applied to ``P`` paths of ``T`` periods (amounts in the input's unit).

    partner:        (P, T) the partner's receipts each period (None if not kept)
    partner_total:  (P,) the partner's receipts summed over the periods
    us_total:       (P,) the United States' receipts summed over the periods
    funding_total:  (P,) the partner's funding summed over the periods
    final_balance:  (P,) the deemed allocation balance left after the last period
    recoup_period:  (P,) int64, the period in which the balance last fell to zero; -1 if
                    it is still positive at the end or never fell to zero
    balance:        (P, T) the balance after each period (None unless asked for)

    The United States' receipts in a period are ``max(distributable, 0) - partner``.
    """

    partner: F64 | None
    partner_total: F64
    us_total: F64
    funding_total: F64
    final_balance: F64
    recoup_period: I64
    balance: F64 | None = None


@dataclass(frozen=True, slots=True)
class FusedResult:
    """Per-path totals of the rule and the partner's periodic IRR, shape (P,) each.

    irr is the periodic (not annual) IRR of ``partner - funding``, NaN where no rate
    solves it; partner_pv the partner's receipts weighted by the ``discount`` given
    (None without one); the rest as in :class:`BatchResult`.
    """

    partner_total: F64
    us_total: F64
    funding_total: F64
    final_balance: F64
    recoup_period: I64
    irr: F64
    partner_pv: F64 | None = None


def _paths(name: str, values: object) -> F64:
    """``values`` as a C-contiguous float64 (P, T) array (copied only when needed)."""
    arr = np.asarray(values)
    if arr.ndim != 2:
        raise InvalidInput.single(name, f"shape {arr.shape}", "engine.shape",
                                  "expected a 2-D array of paths × periods")
    try:
        return np.ascontiguousarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput.single(name, f"dtype {arr.dtype}", "engine.dtype",
                                  "expected numbers") from exc


def _rule_inputs(funding: object, distributable: object, period_rate: float,
                 pre_share: float, post_share: float) -> tuple[F64, F64, float, float, float]:
    """Validate the batch inputs; return (funding, distributable, i, s_pre, s_post)."""
    f = _paths("funding", funding)
    d = _paths("distributable", distributable)
    problems: list[Problem] = []
    if f.shape != d.shape:
        problems.append(Problem("distributable", f"shape {d.shape}", "waterfall.length",
                                f"funding has shape {f.shape}; both must be (paths, periods)"))
    rate, pre, post = float(period_rate), float(pre_share), float(post_share)
    if not (math.isfinite(rate) and rate > -1.0):
        problems.append(Problem("period_rate", rate, "waterfall.rate",
                                "the period rate must be finite and above -100%"))
    if not 0.0 < pre <= 1.0:
        problems.append(Problem("pre_share", pre, "waterfall.share",
                                "the pre-recovery share must be in (0, 1]"))
    if not 0.0 <= post <= 1.0:
        problems.append(Problem("post_share", post, "waterfall.share",
                                "the post-recovery share must be in [0, 1]"))
    if problems:
        raise InvalidInput(problems)
    return f, d, rate, pre, post


def _bad_cells(funding: F64, distributable: F64, limit: int = 10) -> InvalidInput:
    """The error naming the first ``limit`` bad cells (only called when there are some)."""
    problems: list[Problem] = []
    bad_f = ~(funding >= 0.0) | np.isinf(funding)
    for p, t in np.argwhere(bad_f)[:limit]:
        problems.append(Problem(f"funding[{p}, {t}]", float(funding[p, t]),
                                "waterfall.negative_funding",
                                "funding cannot be negative, NaN or infinite"))
    for p, t in np.argwhere(~np.isfinite(distributable))[:limit]:
        problems.append(Problem(f"distributable[{p}, {t}]", float(distributable[p, t]),
                                "waterfall.not_finite", "distributable cash must be finite"))
    return InvalidInput(problems[:limit])


def _out_array(out: BatchResult, name: str, shape: tuple[int, ...],
               dtype: type[np.generic]) -> npt.NDArray[Any]:
    """The array ``out.<name>`` if it can receive a result of ``shape`` and ``dtype``."""
    arr = getattr(out, name)
    if (not isinstance(arr, np.ndarray) or arr.shape != shape or arr.dtype != dtype
            or not arr.flags.c_contiguous or not arr.flags.writeable):
        got = "None" if arr is None else f"{getattr(arr, 'dtype', '?')} {np.shape(arr)}"
        raise InvalidInput.single(f"out.{name}", got, "engine.out",
                                  f"expected a writeable C-contiguous {np.dtype(dtype)} "
                                  f"array of shape {shape}")
    return arr


def _leads(*arrays: F64) -> I64:
    """Where the 64-byte boundaries of each (P, T) array's rows fall, for the kernels'
    tiles (0 for an empty array), four entries."""
    leads = [aligned_lead(a.ctypes.data, a.strides[0]) if a.size else 0 for a in arrays]
    return np.array(leads + [0] * (4 - len(leads)), dtype=np.int64)


def waterfall_batch(funding: F64, distributable: F64, period_rate: float, pre_share: float,
                    post_share: float, *, keep_flows: bool = True,
                    keep_balance: bool = False, out: BatchResult | None = None
                    ) -> BatchResult:
    """Apply the split rule to every path (row) of ``funding`` and ``distributable``.

    funding, distributable: (P, T) float64 arrays, amounts per period (funding >= 0;
        negative distributable cash distributes nothing). Other dtypes or layouts are
        converted to C-contiguous float64 (a copy).
    period_rate: the per-period deemed rate ``i`` (``SplitTerms.period_rate``), > -1.
    pre_share, post_share: the partner's share before (in (0, 1]) and after recovery
        (in [0, 1]).
    keep_flows: also return the (P, T) partner flows; keep_balance: and the balances.
    out: a result of the same shape whose arrays are overwritten instead of allocating
        new ones (for chunked runs); it is returned, rewrapped.

    Raises InvalidInput naming the field and value: arrays not 2-D or of different
    shapes, a rate or share out of range, an unusable ``out``, negative or
    non-finite funding or non-finite distributable cash (the first ten such cells).
    Cells past a bad one may have been overwritten in ``out``.
    """
    f, d, rate, pre, post = _rule_inputs(funding, distributable, period_rate, pre_share,
                                           post_share)
    shape = f.shape
    n_paths = shape[0]
    empty = np.empty((0, 0))
    if out is None:
        partner = np.empty(shape) if keep_flows else empty
        balance = np.empty(shape) if keep_balance else empty
        totals = [np.empty(n_paths) for _ in range(4)]
        recoup = np.empty(n_paths, dtype=np.int64)
    else:
        partner = _out_array(out, "partner", shape, np.float64) if keep_flows else empty
        balance = _out_array(out, "balance", shape, np.float64) if keep_balance else empty
        totals = [_out_array(out, name, (n_paths,), np.float64) for name in
                  ("partner_total", "us_total", "funding_total", "final_balance")]
        recoup = _out_array(out, "recoup_period", (n_paths,), np.int64)
    partner_total, us_total, funding_total, final_balance = totals
    nbad = _waterfall_kernel(f, d, rate, pre, post, BLOCK, partner, balance, keep_flows,
                             keep_balance, partner_total, us_total, funding_total,
                             final_balance, recoup, _leads(f, d, partner, balance))
    if nbad:
        raise _bad_cells(f, d)
    return BatchResult(partner if keep_flows else None, partner_total, us_total,
                       funding_total, final_balance, recoup,
                       balance if keep_balance else None)



def irr_batch(net: F64) -> F64:
    """The periodic IRR of each row of ``net`` ((P, T) cash flows, period 0 undiscounted).

    Returns a (P,) float64 array: the rate ``x > -1`` with ``sum_t net[p, t]/(1+x)^t = 0``
    (pyxirr's choice where several exist), NaN where none is found. Raises
    InvalidInput if ``net`` is not 2-D.
    """
    c = _paths("net", net)
    out = np.empty(c.shape[0])
    _irr_kernel(c, out)
    return out


FUSED_BLOCK = BLOCK
"""Paths a parallel task of :func:`waterfall_irr_fused` handles together."""


def waterfall_irr_fused(funding: F64, distributable: F64, period_rate: float,
                        pre_share: float, post_share: float, *,
                        discount: F64 | None = None) -> FusedResult:
    """The split rule and the partner's periodic IRR per path, in one pass per block.

    Same inputs and errors as :func:`waterfall_batch`; no (P, T) output is made (the
    partner's net flows of a path live in a per-task scratch row), so memory stays
    O(P + T) beyond the inputs. ``irr`` equals ``irr_batch(partner - funding)``, the
    totals and recoup periods those of ``waterfall_batch``. ``discount``: (T,) weights;
    ``partner_pv`` is then the partner's receipts weighted by them, path by path.
    """
    f, d, rate, pre, post = _rule_inputs(funding, distributable, period_rate, pre_share,
                                           post_share)
    n_paths, n_periods = f.shape
    weights = np.empty(0)
    if discount is not None:
        weights = np.ascontiguousarray(discount, dtype=np.float64)
        if weights.shape != (n_periods,):
            raise InvalidInput.single("discount", f"shape {weights.shape}", "engine.shape",
                                      f"expected one weight a period: ({n_periods},)")
    partner_total, us_total, funding_total, final_balance, irr, pv = (
        np.empty(n_paths) for _ in range(6))
    recoup = np.empty(n_paths, dtype=np.int64)
    nbad = _fused_kernel(f, d, rate, pre, post, FUSED_BLOCK, weights, partner_total,
                         us_total, funding_total, final_balance, recoup, irr, pv,
                         _leads(f, d))
    if nbad:
        raise _bad_cells(f, d)
    return FusedResult(partner_total, us_total, funding_total, final_balance, recoup, irr,
                       pv if discount is not None else None)


def irr_one(flows: Sequence[float] | F64) -> float | None:
    """The periodic IRR of one sequence of cash flows (period 0 first); None if none."""
    row = np.ascontiguousarray(np.asarray(flows, dtype=np.float64).reshape(1, -1))
    x = float(irr_batch(row)[0])
    return None if math.isnan(x) else x


@overload
def annualise(x: float, periods_per_year: int) -> float: ...


@overload
def annualise(x: F64, periods_per_year: int) -> F64: ...


def annualise(x: float | F64, periods_per_year: int) -> float | F64:
    """A periodic rate as an annual one: ``(1 + x)^n - 1`` (NaN stays NaN; arrays work)."""
    if isinstance(x, np.ndarray):
        return np.power(1.0 + x, periods_per_year) - 1.0
    return float((1.0 + x) ** periods_per_year - 1.0)


def kernels() -> dict[str, Any]:
    """The compiled kernels the functions above call, by name (each a numba dispatcher,
    whose ``signatures`` list what it has compiled)."""
    return {"_waterfall_kernel": _waterfall_kernel, "_irr_kernel": _irr_kernel,
            "_fused_kernel": _fused_kernel}


def warm() -> dict[str, int]:
    """Compile, or load from the on-disk cache, every kernel signature the application's
    requests use, so no request waits for numba; return each kernel's signature count.

    The arguments' types, not their sizes, choose a signature: every call above passes
    C-contiguous float64 arrays, int64 recoup periods and Python floats and bools, so
    one signature a kernel covers every request (flows kept or not, balances kept or
    not, a discount or none). With numba's JIT switched off (``NUMBA_DISABLE_JIT``, as
    under ``make coverage``) there is nothing to compile: the answer is empty.
    """
    if getattr(numba_config, "DISABLE_JIT", False):  # numba.config sets it on load
        return {}
    f = np.array([[1.0, 0.0, 0.0, 0.5], [2.0, 0.0, 1.0, 0.0]])
    d = np.array([[0.0, 1.0, 3.0, -1.0], [0.0, 5.0, 0.0, 9.0]])
    waterfall_batch(f, d, 0.01, 0.5, 0.1, keep_flows=True, keep_balance=True)
    waterfall_irr_fused(f, d, 0.01, 0.5, 0.1, discount=np.ones(4))
    irr_batch(np.array([[-1.0, 0.5, 0.7], [1.0, -3.0, 2.1], [-1.0, 2.5, -1.56]]))
    return {name: len(k.signatures) for name, k in kernels().items()}


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel: :func:`warm`, for the callers
    that knew it by this name."""
    warm()

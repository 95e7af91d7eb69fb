"""The split rule and the partner's IRR over many paths, in float64 with numba.

This is the fast twin of :func:`pledge.domain.waterfall.run_waterfall` (the
Decimal reference, which defines the rule): the same order of operations, the
same branch conditions and the same rounding rule, applied to a batch of ``P``
paths of ``T`` periods at once. Arrays are ``(P, T)``: one row a path, one column
a period. Amounts are US dollars; rates are fractions per period. Inside, money is
counted in whole cents (integers held in float64, exact up to 2^53 cents): funding
and cash are rounded half-even to the cent on the way in, each period's interest is
booked in whole cents, the partner's share is rounded once and the United States
gets the rest, so every period's shares add up exactly to the cash distributed and
the balance carried is the rounded one, as in the reference. Where the reference's
exact value lies on a half cent (a decimal share of whole cents, simple interest),
float64 lands within an ulp or two of it; such a value is taken as the tie it is, so the
engine rounds as the reference does, cent for cent. (Only a compound interest product
falling within a few ulps of a half cent without being one could round the other way:
about one period in 10^8 at US$1bn.)

Functions
---------
waterfall_batch       the rule over a batch; per-period partner flows optional, output
                      buffers reusable (``out=``) for chunked runs
irr_batch             the periodic IRR of every row of a cash-flow array
waterfall_irr_fused   the rule and the IRR of (partner - funding) in one pass, without
                      materialising any (P, T) output: for Monte Carlo
irr_one               the periodic IRR of one sequence (None when there is none)
annualise             periodic rate to annual rate
warm_up               compile every kernel now (otherwise the first call compiles)

IRR
---
The IRR of a row ``c`` is a rate ``x > -1`` with ``sum_t c[t] / (1 + x)**t = 0``
(period 0 undiscounted). Where several rates solve a row, the one returned is
the one ``pyxirr.irr`` (0.10.8) returns, found the way it finds it: leading and
trailing zeros dropped; two flows solved directly; three by the quadratic
formula (of two roots above -100%, the one whose computed NPV is smaller);
otherwise Newton's method from ``x = 0.1``, else Brent's method on
``[-0.999999999999999, 100]``, else the first of the brackets
``[-0.99999999999999, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 1, 1e6]`` holding a
root. (That order was established by comparison with the installed pyxirr on
tens of thousands of rows; its documentation does not state it.) When the root
is provably unique -- the running sums of the flows change sign once, read
forwards (then the root has ``x > 0``) or backwards (then ``-1 < x < 0``), and
not at all the other way (Norstrom's criterion) -- every method finds that root,
so a fast safeguarded Newton solve in ``v = 1/(1+x)`` (or ``w = 1+x``), both in
(0, 1), is used instead: about five polynomial evaluations of four interleaved
Horner chains. This covers conventional flows (outflows, then inflows) and
nearly all partner net flows.

Where pyxirr's search finds nothing (it can miss roots that exist, typically
close to -100%, where its first bracket end overflows) but the NPV changes sign
over ``x > 0`` or over ``-1 < x < 0``, a root in that bracket is returned.

Every returned rate is checked: ``|NPV|`` at it must be below ``1e-9`` of the sum
of the absolute discounted flows, so no returned number is wrong. NaN means no
rate was found: the row lacks a positive or a negative flow, holds a NaN or an
infinity, or no root above -100% was found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast, overload

import numba
import numpy as np
import numpy.typing as npt
from numba import prange

from pledge.domain.errors import InvalidInput, Problem

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _jit(*, parallel: bool = False, inline: bool = False) -> Callable[[_Fn], _Fn]:
    """numba's njit with this module's settings, typed for mypy (``inline``: merged into
    its callers, for the small per-period helpers a call would cost more than)."""
    return cast(Callable[[_Fn], _Fn],
                numba.njit(parallel=parallel, nogil=True, cache=True, fastmath=False,
                           error_model="numpy", inline="always" if inline else "never"))


# ---------------------------------------------------------------------------
# Waterfall kernels
# ---------------------------------------------------------------------------

_TIE_ULPS = 8.0  # a product within this many ulps of a half cent is a tie (see _round_money)
_EPS = 2.220446049250313e-16
_SPLITTER = 134217729.0  # 2^27 + 1: Dekker's split of a float64 into two 26-bit halves
# Adding and taking away 1.5 * 2^52 leaves a float rounded to a whole number by the
# hardware's own rounding, half to even, without a branch (for |x| < 2^51, far above the
# largest amount of money, ten trillion dollars in cents).
_RINT = 6755399441055744.0


@_jit(inline=True)
def _half_even(x: float) -> float:
    """``x`` rounded to a whole number, ties (exact halves) to even."""
    return (x + _RINT) - _RINT


@_jit(inline=True)
def _even_of_tie(x: float) -> float:
    """Of the two whole numbers around ``x`` (close to a half), the even one."""
    low = float(np.floor(x))
    return low if low * 0.5 == float(np.floor(low * 0.5)) else low + 1.0


@_jit(inline=True)
def _to_cents(x: float) -> float:
    """The float ``x`` (dollars) as whole cents, rounded half-even on its exact value.

    ``x * 100`` is itself rounded, so a value just below a half cent (0.015 is
    0.01499999...) could land on the half and be rounded up; the product's rounding
    error, recovered exactly (Dekker's two-product: 100 has few enough bits), says on
    which side of the half the exact value lies, as the Decimal reference sees it.
    """
    y = x * 100.0
    r = _half_even(y)
    if abs(y - r) != 0.5:
        # rounding is monotonic and halves are floats: a product not on a half is on
        # the same side of it as the exact value
        return r
    c = _SPLITTER * x
    hi = c - (c - x)
    lo = x - hi
    err = (hi * 100.0 - y) + lo * 100.0        # x * 100 == y + err exactly
    if err > 0.0:
        return float(np.floor(y)) + 1.0
    if err < 0.0:
        return float(np.floor(y))
    return r


@_jit(inline=True)
def _round_money(x: float) -> float:
    """A decimal share of whole cents (the partner's exact share), rounded half-even
    to a whole cent.

    The exact product of a decimal share and whole cents often lands exactly on a half
    cent (0.1 * 5 cents, 0.6 * 75 cents); in binary it is off by an ulp or so, which
    would decide the tie by accident. A value within a few ulps of a half is therefore
    taken as the tie the Decimal reference sees.
    """
    r = _half_even(x)
    if 0.5 - abs(x - r) <= _TIE_ULPS * _EPS * max(abs(x), 1.0):
        return _even_of_tie(x)
    return r


@_jit(inline=True)
def _add_interest(balance: float, interest: float) -> float:
    """``balance + interest`` rounded half-even to a whole cent, ``balance`` whole cents.

    The interest ``balance * i`` is rounded on its own (it is small, so its float is far
    more precise than the grown balance's), ties deciding on the parity of the sum; a
    value within a few ulps of a half is the tie an exact rate (simple, ``r / n``) makes.
    """
    r = _half_even(interest)
    if 0.5 - abs(interest - r) <= _TIE_ULPS * _EPS * max(abs(interest), 1.0):
        return _even_of_tie(balance + interest)
    return balance + r


@_jit(inline=True)
def _step(balance: float, f: float, dist: float, rate: float, s_pre: float,
          s_post: float) -> tuple[float, float, float, bool]:
    """One period of the rule in whole cents: (balance after, partner's share, cash
    distributed, fell to zero).

    ``balance``, ``f`` and ``dist`` are counts of cents (``f`` and ``dist`` already
    rounded). The order of operations, the branch conditions and the rounding rule are
    those of ``run_waterfall`` and ``split_distribution``: interest booked in whole
    cents, the partner's share rounded once, the United States gets the rest.
    """
    if balance != 0.0:
        balance = _add_interest(balance, balance * rate)
    balance += f
    d = dist if dist > 0.0 else 0.0
    if balance > 0.0:
        # times the reciprocal (hoisted out of the loop): at the boundary both branches give
        # the balance itself, so which side a last-ulp difference picks does not matter
        threshold = balance * (1.0 / s_pre)
        if d <= threshold:
            partner = _round_money(s_pre * d)
        else:
            partner = _round_money(balance + s_post * (d - threshold))
        after = balance - partner if partner < balance else 0.0
        return after, partner, d, after == 0.0
    return balance, _round_money(s_post * d), d, False


@_jit()
def _waterfall_row(f_row: F64, d_row: F64, rate: float, s_pre: float, s_post: float,
                   partner_row: F64, balance_row: F64, net_row: F64, write_partner: bool,
                   write_balance: bool, write_net: bool
                   ) -> tuple[float, float, float, float, int, bool]:
    """The rule over one path: (partner, US, funding totals, final balance, recoup, bad).

    ``rate`` is the period rate ``i``. The rows chosen by the ``write_*`` flags receive the
    partner's share, the balance and ``partner - funding`` of every period. ``bad``
    is True when some funding is negative or NaN or some amount is infinite or NaN
    (checked without branches: ``x * 0`` is 0 only for finite ``x``).
    """
    balance = 0.0
    recoup = -1
    partner_total = 0.0
    us_total = 0.0
    funded = 0.0
    finite = 0.0
    lowest = 0.0
    for t in range(f_row.shape[0]):
        f = f_row[t]
        dist = d_row[t]
        finite += f * 0.0 + dist * 0.0
        lowest = min(lowest, f)
        # Money moves in whole cents: amounts become counts of cents here and dollars again
        # on the way out; totals are summed in cents, so they are exact.
        f_c = _to_cents(f) if f != 0.0 else 0.0
        d_c = _to_cents(dist) if dist > 0.0 else 0.0
        balance, partner, d, hit = _step(balance, f_c, d_c, rate, s_pre, s_post)
        if hit:
            recoup = t
        partner_total += partner
        us_total += d - partner
        funded += f_c
        if write_partner:
            partner_row[t] = partner / 100.0
        if write_balance:
            balance_row[t] = balance / 100.0
        if write_net:
            net_row[t] = partner / 100.0 - f_c / 100.0
    if balance > 0.0:
        recoup = -1
    bad = finite != 0.0 or lowest < 0.0
    return (partner_total / 100.0, us_total / 100.0, funded / 100.0, balance / 100.0, recoup,
            bad)


@_jit(parallel=True)
def _waterfall_kernel(funding: F64, dist: F64, rate: float, s_pre: float, s_post: float,
                      partner: F64, balance: F64, write_partner: bool, write_balance: bool,
                      partner_total: F64, us_total: F64, funding_total: F64,
                      final_balance: F64, recoup: I64) -> int:
    """Fill the preallocated outputs path by path, in parallel; return the bad paths' count."""
    n_paths = funding.shape[0]
    nbad = 0
    empty = np.empty(0)
    for p in prange(n_paths):
        prow = partner[p] if write_partner else empty
        brow = balance[p] if write_balance else empty
        pt, ut, ft, bal, rec, bad = _waterfall_row(
            funding[p], dist[p], rate, s_pre, s_post, prow, brow, empty,
            write_partner, write_balance, False)
        partner_total[p] = pt
        us_total[p] = ut
        funding_total[p] = ft
        final_balance[p] = bal
        recoup[p] = rec
        nbad += 1 if bad else 0
    return nbad


# ---------------------------------------------------------------------------
# IRR
# ---------------------------------------------------------------------------

_VERIFY_RTOL = 1e-9       # |NPV| allowed, relative to the sum of |discounted flows|
_SIGN_RTOL = 1e-12        # running sums this close to 0 (relative) have no reliable sign
_PYX_FTOL = 1e-3          # pyxirr's acceptance test |NPV(x)| < 1e-3 (absolute)
_PYX_NEWTON_START = 0.1   # pyxirr's default guess
_PYX_BRACKET = (-0.999999999999999, 100.0)
_PYX_GRID = (-0.99999999999999, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1e6)


@_jit()
def _poly(c: F64, a: int, b: int, forward: bool, z: float, deriv: bool) -> tuple[float, float]:
    """``h(z) = sum_k coef_k z^k`` with ``coef_k = c[a+k]`` (forward) or ``c[b-k]`` (reverse).

    Returns ``(h(z), h'(z))`` when ``deriv``, else ``(h(z), sum_k |coef_k| z^k)`` (the
    scale the NPV is judged against). Horner's rule on four consecutive quarters of
    the coefficients at once, joined with ``z^q``: four independent dependency chains
    instead of one, about three times faster on a 160-term row. ``z`` must be > 0.
    """
    m = b - a
    base = a if forward else b
    step = 1 if forward else -1
    if m < 15:
        p = c[base + step * m]
        aux = abs(p) if not deriv else 0.0
        for k in range(m - 1, -1, -1):
            ck = c[base + step * k]
            aux = aux * z + (p if deriv else abs(ck))
            p = p * z + ck
        return p, aux
    q = (m + 1) // 4
    # Quarter 3 holds coefficients 3q .. m (its top m + 1 - 4q alone first).
    p3 = 0.0
    a3 = 0.0
    for k in range(m, 4 * q - 1, -1):
        ck = c[base + step * k]
        a3 = a3 * z + (p3 if deriv else abs(ck))
        p3 = p3 * z + ck
    p0 = p1 = p2 = 0.0
    a0 = a1 = a2 = 0.0
    for i in range(q - 1, -1, -1):
        c0 = c[base + step * i]
        c1 = c[base + step * (q + i)]
        c2 = c[base + step * (2 * q + i)]
        c3 = c[base + step * (3 * q + i)]
        if deriv:
            a0 = a0 * z + p0
            a1 = a1 * z + p1
            a2 = a2 * z + p2
            a3 = a3 * z + p3
        else:
            a0 = a0 * z + abs(c0)
            a1 = a1 * z + abs(c1)
            a2 = a2 * z + abs(c2)
            a3 = a3 * z + abs(c3)
        p0 = p0 * z + c0
        p1 = p1 * z + c1
        p2 = p2 * z + c2
        p3 = p3 * z + c3
    zq = z ** q
    z2q = zq * zq
    z3q = z2q * zq
    p = p0 + zq * p1 + z2q * p2 + z3q * p3
    if not deriv:
        return p, a0 + zq * a1 + z2q * a2 + z3q * a3
    dp = (a0 + zq * a1 + z2q * a2 + z3q * a3
          + q * (zq * p1 + 2.0 * z2q * p2 + 3.0 * z3q * p3) / z)
    return p, dp


@_jit()
def _is_root(c: F64, a: int, b: int, forward: bool, z: float) -> bool:
    """Whether ``|h(z)|`` is within ``_VERIFY_RTOL`` of the sum of its absolute terms."""
    p, scale = _poly(c, a, b, forward, z, False)
    return abs(p) <= _VERIFY_RTOL * scale


@_jit()
def _solve_unit(c: F64, a: int, b: int, forward: bool, z0: float) -> float:
    """A root in (0, 1) of ``h`` (forward) or its reverse, whose values at 0 and 1 differ
    in sign (where there are several, one of them).

    Safeguarded Newton (rtsafe): a Newton step from the current point unless it
    leaves the bracket or fails to halve the step before last, then a bisection.
    Stops once a step is below 1e-10 of ``z`` (Newton's next error is then far below
    the float spacing). NaN if it cannot converge.
    """
    lo = 0.0
    hi = 1.0
    f_lo = c[a] if forward else c[b]
    z = z0
    if not (lo < z < hi):
        z = 0.5
    dx_old = 1.0
    dx = 1.0
    for _ in range(200):
        p, dp = _poly(c, a, b, forward, z, True)
        if p == 0.0:
            return z
        if (p > 0.0) == (f_lo > 0.0):
            lo = z
        else:
            hi = z
        step = p / dp
        if abs(step) <= 1e-10 * z:
            return z - step
        z_new = z - step
        if lo < z_new < hi and abs(2.0 * step) <= abs(dx_old):
            dx_old = dx
            dx = step
        else:
            z_new = 0.5 * (lo + hi)
            dx_old = dx
            dx = z - z_new
        if hi - lo <= 4e-16 * hi:
            return z_new
        z = z_new
    return np.nan


@_jit()
def _unit_root(c: F64, a: int, b: int, forward: bool, z0: float) -> float:
    """The rate of a root bracketed by ``z`` in (0, 1), ``z = v = 1/(1+x)`` (forward) or
    ``z = w = 1+x``, verified; NaN if the solve fails or the point is no root."""
    z = _solve_unit(c, a, b, forward, z0)
    if not (z > 0.0) or not _is_root(c, a, b, forward, z):
        return np.nan
    return 1.0 / z - 1.0 if forward else z - 1.0


@_jit()
def _polish_verify(c: F64, a: int, b: int, x: float) -> float:
    """``x``, refined by Newton steps, if it zeroes the NPV; else NaN.

    The NPV is evaluated in ``v = 1/(1+x)`` for ``x >= 0`` and in ``w = 1+x`` for
    ``-1 < x < 0`` so no power overflows; it must be within ``_VERIFY_RTOL`` of the
    sum of the absolute discounted flows. Up to four Newton steps, each under 0.1% of
    ``v`` or ``w``, restore full precision to rates found with an absolute tolerance
    in ``x`` (pyxirr's 1e-9 is coarse close to -100%) without leaving the root's
    neighbourhood. Rates at or below -100% are refused.
    """
    if not (x > -1.0) or not math.isfinite(x):
        return np.nan
    forward = x >= 0.0
    z = 1.0 / (1.0 + x) if forward else 1.0 + x
    for _ in range(4):
        p, dp = _poly(c, a, b, forward, z, True)
        step = p / dp
        if p == 0.0 or not (abs(step) <= 1e-3 * z):
            break
        z -= step
    if not (z > 0.0) or not _is_root(c, a, b, forward, z):
        return np.nan
    return 1.0 / z - 1.0 if forward else z - 1.0


# The general path evaluates the NPV the way pyxirr does (powers of 1 + x by repeated
# multiplication, one division per flow, +inf at or below -100%), so that where
# several rates solve a row its iterations take the same path and stop at the same root.

@_jit()
def _pyx_npv(c: F64, a: int, b: int, x: float) -> float:
    """NPV of the trimmed row ``c[a..b]`` at ``x`` as pyxirr computes it."""
    if x <= -1.0:
        return np.inf
    s = 0.0
    if x == 0.0:
        for t in range(a, b + 1):
            s += c[t]
        return s
    base = 1.0 + x
    p = 1.0
    for t in range(a, b + 1):
        s += c[t] / p
        p *= base
    return s


@_jit()
def _pyx_npv_deriv(c: F64, a: int, b: int, x: float) -> tuple[float, float]:
    """NPV of ``c[a..b]`` at ``x`` and its derivative in ``x`` (both +inf at or below -1)."""
    if x <= -1.0:
        return np.inf, np.inf
    base = 1.0 + x
    inv = 1.0 / base
    s = c[a]
    d = 0.0
    p = base
    for i in range(1, b - a + 1):
        term = c[a + i] / p
        s += term
        d -= i * term * inv
        p *= base
    return s, d


@_jit()
def _sign(y: float) -> float:
    """Sign with zero counted as positive and NaN kept (as Rust's ``f64::signum``)."""
    if y != y:
        return y
    return 1.0 if y >= 0.0 else -1.0


@_jit()
def _pyx_brent(c: F64, a: int, b: int, xa: float, xb: float, maxiter: int) -> float:
    """A root of the NPV in ``x`` between ``xa`` and ``xb`` by Brent's method (NaN if none).

    The classic variant (inverse quadratic / secant steps, bisection when they
    are not short enough; tolerance 2e-14 + 4 eps |x|) with pyxirr's rule that a
    converged point whose |NPV| is not below 1e-3 is no root.
    """
    xtol = 2e-14
    rtol = 8.881784197001252e-16
    x_pre = xa
    x_cur = xb
    f_pre = _pyx_npv(c, a, b, x_pre)
    f_cur = _pyx_npv(c, a, b, x_cur)
    if _sign(f_pre) == _sign(f_cur):
        return np.nan
    if f_pre == 0.0:
        return x_pre
    if f_cur == 0.0:
        return x_cur
    x_blk = 0.0
    f_blk = 0.0
    s_pre = 0.0
    s_cur = 0.0
    for _ in range(maxiter):
        if f_pre != 0.0 and f_cur != 0.0 and _sign(f_pre) != _sign(f_cur):
            x_blk = x_pre
            f_blk = f_pre
            s_pre = x_cur - x_pre
            s_cur = s_pre
        if abs(f_blk) < abs(f_cur):
            x_pre, x_cur, x_blk = x_cur, x_blk, x_cur
            f_pre, f_cur, f_blk = f_cur, f_blk, f_cur
        delta = 0.5 * (xtol + rtol * abs(x_cur))
        s_bis = 0.5 * (x_blk - x_cur)
        if f_cur == 0.0 or abs(s_bis) < delta:
            return x_cur if abs(f_cur) < _PYX_FTOL else np.nan
        if abs(s_pre) > delta and abs(f_cur) < abs(f_pre):
            if x_pre == x_blk:
                s_try = -f_cur * (x_cur - x_pre) / (f_cur - f_pre)
            else:
                d_pre = (f_pre - f_cur) / (x_pre - x_cur)
                d_blk = (f_blk - f_cur) / (x_blk - x_cur)
                s_try = -f_cur * (f_blk * d_blk - f_pre * d_pre) / (
                    d_blk * d_pre * (f_blk - f_pre))
            if 2.0 * abs(s_try) < min(abs(s_pre), 3.0 * abs(s_bis) - delta):
                s_pre = s_cur
                s_cur = s_try
            else:
                s_pre = s_bis
                s_cur = s_bis
        else:
            s_pre = s_bis
            s_cur = s_bis
        x_pre = x_cur
        f_pre = f_cur
        if abs(s_cur) > delta:
            x_cur += s_cur
        elif s_bis > 0.0:
            x_cur += delta
        else:
            x_cur -= delta
        f_cur = _pyx_npv(c, a, b, x_cur)
    return np.nan


@_jit()
def _pyx_newton(c: F64, a: int, b: int, x0: float) -> float:
    """Newton's method on the NPV in ``x`` from ``x0`` as pyxirr runs it (NaN if it fails).

    Stops when |NPV| < 1e-9 or the step is below 1e-9; at most 50 steps.
    """
    x = x0
    for _ in range(50):
        y, dy = _pyx_npv_deriv(c, a, b, x)
        if abs(y) < 1e-9:
            return x
        step = y / dy
        if abs(step) < 1e-9:
            return x - step
        x -= step
        if x != x:
            return np.nan
    return np.nan


@_jit()
def _pyx_quadratic(c: F64, a: int) -> float:
    """pyxirr's closed form for three flows: a root of ``c0 X^2 + c1 X + c2``, ``X = 1 + x``.

    Where both roots exceed -100% the one with the smaller computed |NPV| is taken,
    as pyxirr takes it; the chosen root is then recomputed in the stable form.
    """
    qa: float = c[a]
    qb: float = c[a + 1]
    qc: float = c[a + 2]
    if qa == 0.0:
        return -qc / qb - 1.0
    disc = qb * qb - 4.0 * qa * qc
    if disc < 0.0:
        return np.nan
    if disc == 0.0:
        return -qb / (2.0 * qa) - 1.0
    root = math.sqrt(disc)
    r1 = (-qb + root) / (2.0 * qa) - 1.0
    r2 = (-qb - root) / (2.0 * qa) - 1.0
    # pyxirr's choice, made on its own (possibly cancelled) numbers ...
    if r1 > -1.0 and r2 > -1.0:
        first = abs(_pyx_npv(c, a, a + 2, r1)) < abs(_pyx_npv(c, a, a + 2, r2))
    elif r1 > -1.0 or r2 > -1.0:
        first = r1 > -1.0
    else:
        return np.nan
    # ... then that root without the cancellation: X1 X2 = qc / qa.
    big = (-qb - root if qb >= 0.0 else -qb + root) / (2.0 * qa)
    small = qc / (qa * big)
    big_is_first = qb < 0.0
    return (big if first == big_is_first else small) - 1.0


@_jit()
def _pyx_accept(c: F64, a: int, b: int, x: float) -> float:
    """``x`` polished and verified, if pyxirr's own test accepts it; else NaN."""
    if not math.isfinite(x) or not (abs(_pyx_npv(c, a, b, x)) < _PYX_FTOL):
        return np.nan
    return _polish_verify(c, a, b, x)


@_jit()
def _irr_general(c: F64, a: int, b: int) -> float:
    """The IRR of ``c[a..b]`` when several rates may solve it, chosen as pyxirr chooses.

    Newton from 0.1; else Brent on [-0.999999999999999, 100]; else the first bracket
    of [-0.99999999999999, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 1, 1e6] holding a root.
    Each candidate must pass pyxirr's test (|NPV| < 1e-3) and this module's.
    """
    x = _pyx_accept(c, a, b, _pyx_newton(c, a, b, _PYX_NEWTON_START))
    if x == x:
        return x
    x = _pyx_accept(c, a, b, _pyx_brent(c, a, b, _PYX_BRACKET[0], _PYX_BRACKET[1], 100))
    if x == x:
        return x
    for k in range(len(_PYX_GRID) - 1):
        x = _pyx_accept(c, a, b, _pyx_brent(c, a, b, _PYX_GRID[k], _PYX_GRID[k + 1], 100))
        if x == x:
            return x
    return np.nan


@_jit()
def _bracketed_root(c: F64, a: int, b: int, total: float) -> float:
    """A verified root where the NPV changes sign over ``x > 0`` or ``-1 < x < 0``; NaN.

    The last resort when pyxirr's search finds nothing: ``h(0) = c[a]`` against
    ``h(1) = total`` brackets a root in ``v``, ``c[b]`` against ``total`` one in ``w``.
    """
    if total == 0.0:
        return _polish_verify(c, a, b, 0.0)
    if (c[a] > 0.0) != (total > 0.0):
        return _unit_root(c, a, b, True, 0.5)
    if (c[b] > 0.0) != (total > 0.0):
        return _unit_root(c, a, b, False, 0.5)
    return np.nan


@_jit()
def _irr_general_or_bracketed(c: F64, a: int, b: int, total: float) -> float:
    """pyxirr's choice (:func:`_irr_general`), else any bracketed root."""
    x = _irr_general(c, a, b)
    if x == x:
        return x
    return _bracketed_root(c, a, b, total)


@_jit()
def _irr_row(c: F64) -> float:
    """The periodic IRR of one row of cash flows (NaN where none); see the module doc."""
    n = c.shape[0]
    a = -1
    b = -1
    cum = 0.0
    cum_sign = 0.0
    fwd_changes = 0
    pos = 0.0
    neg = 0.0
    t_pos = 0.0
    t_neg = 0.0
    near_zero = False   # a running sum within rounding of zero: its sign is not known
    for t in range(n):
        y = c[t]
        if y == 0.0:
            continue
        if not math.isfinite(y):
            return np.nan
        if a < 0:
            a = t
        b = t
        if y > 0.0:
            pos += y
            t_pos += t * y
        else:
            neg -= y
            t_neg -= t * y
        cum += y
        if abs(cum) <= _SIGN_RTOL * (pos + neg):
            near_zero = True
        else:
            s = 1.0 if cum > 0.0 else -1.0
            if cum_sign != 0.0 and s != cum_sign:
                fwd_changes += 1
            cum_sign = s
    if pos == 0.0 or neg == 0.0:
        return np.nan
    if b - a == 1:
        return _polish_verify(c, a, b, -c[b] / c[a] - 1.0)
    if b - a == 2:
        return _polish_verify(c, a, b, _pyx_quadratic(c, a))
    if not near_zero and fwd_changes <= 1:
        # Norstrom: roots with x > 0 are at most the sign changes of the running sums,
        # roots with -1 < x < 0 at most those of the running sums from the end.
        back = 0.0
        back_abs = 0.0
        back_sign = 0.0
        back_changes = 0
        for t in range(b, a - 1, -1):
            back += c[t]
            back_abs += abs(c[t])
            if abs(back) <= _SIGN_RTOL * back_abs:
                near_zero = True
            else:
                s = 1.0 if back > 0.0 else -1.0
                if back_sign != 0.0 and s != back_sign:
                    back_changes += 1
                back_sign = s
        if near_zero:
            return _irr_general_or_bracketed(c, a, b, cum)
        if fwd_changes + back_changes == 0:
            return np.nan
        if fwd_changes + back_changes == 1:
            # The only root: solve in v = 1/(1+x) or w = 1+x, both in (0, 1), starting
            # from two point masses P v^tP = N v^tN at the flows' mean times.
            span = t_pos / pos - t_neg / neg
            v0 = (neg / pos) ** (1.0 / span) if span != 0.0 else 0.5
            if fwd_changes == 1:
                return _unit_root(c, a, b, True, v0)
            return _unit_root(c, a, b, False, 1.0 / v0)
    return _irr_general_or_bracketed(c, a, b, cum)


@_jit(parallel=True)
def _irr_kernel(net: F64, out: F64) -> None:
    """``out[p]`` = the IRR of row ``p``, in parallel over rows."""
    for p in prange(net.shape[0]):
        out[p] = _irr_row(net[p])


@_jit(parallel=True)
def _fused_kernel(funding: F64, dist: F64, rate: float, s_pre: float, s_post: float,
                  block: int, partner_total: F64, us_total: F64, funding_total: F64,
                  final_balance: F64, recoup: I64, irr: F64) -> int:
    """Waterfall and IRR path by path, one scratch row per block of paths."""
    n_paths, n_periods = funding.shape
    n_blocks = (n_paths + block - 1) // block
    nbad = 0
    for k in prange(n_blocks):
        net = np.empty(n_periods)
        empty = np.empty(0)
        bad_here = 0
        for p in range(k * block, min(n_paths, (k + 1) * block)):
            pt, ut, ft, bal, rec, bad = _waterfall_row(
                funding[p], dist[p], rate, s_pre, s_post, empty, empty, net,
                False, False, True)
            partner_total[p] = pt
            us_total[p] = ut
            funding_total[p] = ft
            final_balance[p] = bal
            recoup[p] = rec
            bad_here += 1 if bad else 0
            irr[p] = _irr_row(net)
        nbad += bad_here
    return nbad


# ---------------------------------------------------------------------------
# Python API
# ---------------------------------------------------------------------------

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
    solves it; the rest as in :class:`BatchResult`.
    """

    partner_total: F64
    us_total: F64
    funding_total: F64
    final_balance: F64
    recoup_period: I64
    irr: F64


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
    nbad = _waterfall_kernel(f, d, rate, pre, post, partner, balance, keep_flows,
                             keep_balance, partner_total, us_total, funding_total,
                             final_balance, recoup)
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


FUSED_BLOCK = 256
"""Paths a parallel task of :func:`waterfall_irr_fused` handles with one scratch row."""


def waterfall_irr_fused(funding: F64, distributable: F64, period_rate: float,
                        pre_share: float, post_share: float) -> FusedResult:
    """The split rule and the partner's periodic IRR per path, in one pass per path.

    Same inputs and errors as :func:`waterfall_batch`; no (P, T) output is made (the
    partner's net flows of a path live in a per-task scratch row), so memory stays
    O(P + T) beyond the inputs. ``irr`` equals ``irr_batch(partner - funding)``.
    """
    f, d, rate, pre, post = _rule_inputs(funding, distributable, period_rate, pre_share,
                                           post_share)
    n_paths = f.shape[0]
    partner_total, us_total, funding_total, final_balance, irr = (
        np.empty(n_paths) for _ in range(5))
    recoup = np.empty(n_paths, dtype=np.int64)
    nbad = _fused_kernel(f, d, rate, pre, post, FUSED_BLOCK, partner_total, us_total,
                         funding_total, final_balance, recoup, irr)
    if nbad:
        raise _bad_cells(f, d)
    return FusedResult(partner_total, us_total, funding_total, final_balance, recoup, irr)


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


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel on tiny arrays."""
    f = np.array([[1.0, 0.0, 0.0, 0.5], [2.0, 0.0, 1.0, 0.0]])
    d = np.array([[0.0, 1.0, 3.0, -1.0], [0.0, 5.0, 0.0, 9.0]])
    waterfall_batch(f, d, 0.01, 0.5, 0.1, keep_flows=True, keep_balance=True)
    waterfall_irr_fused(f, d, 0.01, 0.5, 0.1)
    irr_batch(np.array([[-1.0, 0.5, 0.7], [1.0, -3.0, 2.1], [-1.0, 2.5, -1.56]]))

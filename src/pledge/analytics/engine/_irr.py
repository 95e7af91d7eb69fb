"""The periodic IRR of many rows of cash flows, compiled with numba (the engine's IRR half).

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
(0, 1), is used instead: about five polynomial evaluations, each eight coefficients a
step in one vector register. This covers conventional flows (outflows, then inflows) and
nearly all partner net flows. Those are recognised first by one cheap pass (the
signs of the non-zero flows change once: Descartes' rule of signs gives the same
uniqueness), which spares them the running-sum passes.

Where pyxirr's search finds nothing (it can miss roots that exist, typically
close to -100%, where its first bracket end overflows) but the NPV changes sign
over ``x > 0`` or over ``-1 < x < 0``, a root in that bracket is returned.

Every returned rate is checked: ``|NPV|`` at it must be below ``1e-9`` of the sum
of the absolute discounted flows, so no returned number is wrong. NaN means no
rate was found: the row lacks a positive or a negative flow, holds a NaN or an
infinity, or no root above -100% was found.

One algorithm: the rate of a row is found by one cascade (the one-root fast path, then
pyxirr's order of methods, then the brackets), whose steps share their helpers and must
agree to the last bit with the same code inlined in the fused kernel; split across
modules, numba's on-disk cache (keyed per file) could run one step old and one new.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from pledge.analytics.engine._jit import F64, _horner8, _jit, _mul_add, _prefetch

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
    instead of one, about three times faster on a 160-term row; each step one fused
    multiply-add (half the latency of a product and a sum, and more accurate). ``z``
    must be > 0.
    """
    m = b - a
    base = a if forward else b
    step = 1 if forward else -1
    if m < 15:
        p = c[base + step * m]
        aux = abs(p) if not deriv else 0.0
        for k in range(m - 1, -1, -1):
            ck = c[base + step * k]
            aux = _mul_add(aux, z, (p if deriv else abs(ck)))
            p = _mul_add(p, z, ck)
        return p, aux
    q = (m + 1) // 4
    # Quarter 3 holds coefficients 3q .. m (its top m + 1 - 4q alone first).
    p3 = 0.0
    a3 = 0.0
    for k in range(m, 4 * q - 1, -1):
        ck = c[base + step * k]
        a3 = _mul_add(a3, z, (p3 if deriv else abs(ck)))
        p3 = _mul_add(p3, z, ck)
    p0 = p1 = p2 = 0.0
    a0 = a1 = a2 = 0.0
    for i in range(q - 1, -1, -1):
        c0 = c[base + step * i]
        c1 = c[base + step * (q + i)]
        c2 = c[base + step * (2 * q + i)]
        c3 = c[base + step * (3 * q + i)]
        if deriv:
            a0 = _mul_add(a0, z, p0)
            a1 = _mul_add(a1, z, p1)
            a2 = _mul_add(a2, z, p2)
            a3 = _mul_add(a3, z, p3)
        else:
            a0 = _mul_add(a0, z, abs(c0))
            a1 = _mul_add(a1, z, abs(c1))
            a2 = _mul_add(a2, z, abs(c2))
            a3 = _mul_add(a3, z, abs(c3))
        p0 = _mul_add(p0, z, c0)
        p1 = _mul_add(p1, z, c1)
        p2 = _mul_add(p2, z, c2)
        p3 = _mul_add(p3, z, c3)
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
def _solve_unit(u: F64, start: int, nvec: int, z0: float) -> float:
    """A root in (0, 1) of ``h(z) = sum_k u[start + k] z^k`` (``8 nvec`` coefficients,
    see :func:`_horner8`), whose values at 0 and 1 differ in sign (where there are several,
    one of them).

    Safeguarded Newton (rtsafe): a Newton step from the current point unless it
    leaves the bracket or fails to halve the step before last, then a bisection.
    Stops once a step is below 1e-10 of ``z`` (Newton's next error is then far below
    the float spacing). NaN if it cannot converge.
    """
    lo = 0.0
    hi = 1.0
    f_lo = u[start]
    z = z0
    if not (lo < z < hi):
        z = 0.5
    dx_old = 1.0
    dx = 1.0
    for _ in range(200):
        p, dp = _horner8(u, start, nvec, z, True)
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
def _unit_root(c: F64, a: int, b: int, forward: bool, z0: float, u: F64) -> float:
    """The rate of a root bracketed by ``z`` in (0, 1), ``z = v = 1/(1+x)`` (forward) or
    ``z = w = 1+x``, verified; NaN if the solve fails or the point is no root. ``u`` is
    scratch (:func:`_irr_scratch`).

    The coefficients are first laid out in order of degree (reversed for ``w``) and
    padded with zeros to a multiple of 32, so that every evaluation runs eight of
    them a step in one vector register (:func:`_horner8`); a forward row with room for
    the padding is read where it is."""
    m = b - a
    nvec = 4 * (m // 32 + 1)
    src = u
    start = 0
    if forward and a + 8 * nvec <= c.shape[0]:
        src = c         # past its last non-zero flow the row is zeros: already padded
        start = a
    else:
        for k in range(m + 1, 8 * nvec):
            u[k] = 0.0
        if forward:
            for k in range(m + 1):
                u[k] = c[a + k]
        else:
            for k in range(m + 1):
                u[k] = c[b - k]
    z = _solve_unit(src, start, nvec, z0)
    if not (z > 0.0):
        return np.nan
    p, scale = _horner8(src, start, nvec, z, False)
    if not (abs(p) <= _VERIFY_RTOL * scale):
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
def _bracketed_root(c: F64, a: int, b: int, total: float, u: F64) -> float:
    """A verified root where the NPV changes sign over ``x > 0`` or ``-1 < x < 0``; NaN.

    The last resort when pyxirr's search finds nothing: ``h(0) = c[a]`` against
    ``h(1) = total`` brackets a root in ``v``, ``c[b]`` against ``total`` one in ``w``.
    """
    if total == 0.0:
        return _polish_verify(c, a, b, 0.0)
    if (c[a] > 0.0) != (total > 0.0):
        return _unit_root(c, a, b, True, 0.5, u)
    if (c[b] > 0.0) != (total > 0.0):
        return _unit_root(c, a, b, False, 0.5, u)
    return np.nan


@_jit()
def _irr_general_or_bracketed(c: F64, a: int, b: int, total: float, u: F64) -> float:
    """pyxirr's choice (:func:`_irr_general`), else any bracketed root."""
    x = _irr_general(c, a, b)
    if x == x:
        return x
    return _bracketed_root(c, a, b, total, u)


@_jit(reassoc=True)
def _first_pass(c: F64) -> tuple[int, int, int, int, bool, float, float, float, float]:
    """One pass over the flows of ``c``, without branches (the loop vectorises): the
    first and last periods of a positive flow and of a negative one (``n`` and -1 where
    there is none), whether every flow is finite, and the sums of the positive and the
    negative flows (each as a positive number) and of each flow times its period.

    The indices are integer minima and maxima, exact in any order; the sums only make
    the first guess and the choice of ``v`` or ``w``, so they are added in any order
    (``reassoc``): the root found does not depend on them, only how fast it is found,
    and a total within rounding of zero is left to the general path.
    """
    n = c.shape[0]
    first_pos = first_neg = n
    last_pos = last_neg = -1
    finite = 0
    pos = neg = t_pos = t_neg = 0.0
    for t in range(n):
        y = c[t]
        first_pos = min(first_pos, t if y > 0.0 else n)
        last_pos = max(last_pos, t if y > 0.0 else -1)
        first_neg = min(first_neg, t if y < 0.0 else n)
        last_neg = max(last_neg, t if y < 0.0 else -1)
        finite |= 0 if abs(y) <= 1.7976931348623157e308 else 1
        yp = y if y > 0.0 else 0.0
        yn = y if y < 0.0 else 0.0
        pos += yp
        neg -= yn
        t_pos += t * yp
        t_neg -= t * yn
    return (first_pos, last_pos, first_neg, last_neg, finite == 0, pos, neg, t_pos,
            t_neg)


@_jit()
def _irr_row(c: F64, u: F64) -> float:
    """The periodic IRR of one row of cash flows (NaN where none); see the module doc.
    ``u`` is scratch (:func:`_irr_scratch`).

    First one cheap pass looks for the common case: every flow finite, at least four
    periods from the first non-zero flow to the last, and the signs of the non-zero
    flows changing exactly once (outflows then inflows, or a loan's inflow then
    repayments: every flow of one sign before every flow of the other). By Descartes'
    rule of signs such a row has exactly one root with ``v = 1/(1+x) > 0``, so every
    method finds it; it lies in ``v < 1`` (``x > 0``) when the flows' sum has the sign of
    the last flow, in ``w = 1 + x < 1`` when it has the sign of the first, and is 0 when
    the sum is within rounding of zero (left to the general path below, as is every
    other row).
    """
    first_pos, last_pos, first_neg, last_neg, finite, pos, neg, t_pos, t_neg = (
        _first_pass(c))
    once = last_pos < first_neg or last_neg < first_pos
    a = min(first_pos, first_neg)
    b = max(last_pos, last_neg)
    if finite and last_pos >= 0 and last_neg >= 0 and once and b - a >= 3:
        last_sign = 1.0 if last_pos > last_neg else -1.0
        total = pos - neg
        if abs(total) > _SIGN_RTOL * (pos + neg):
            span = t_pos / pos - t_neg / neg
            v0 = (neg / pos) ** (1.0 / span) if span != 0.0 else 0.5
            if (total > 0.0) == (last_sign > 0.0):
                return _unit_root(c, a, b, True, v0, u)
            return _unit_root(c, a, b, False, 1.0 / v0, u)
    return _irr_row_general(c, u)


@_jit()
def _irr_row_general(c: F64, u: F64) -> float:
    """:func:`_irr_row` for the rows its first pass leaves: Norstrom's criterion, then
    pyxirr's search."""
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
            return _irr_general_or_bracketed(c, a, b, cum, u)
        if fwd_changes + back_changes == 0:
            return np.nan
        if fwd_changes + back_changes == 1:
            # The only root: solve in v = 1/(1+x) or w = 1+x, both in (0, 1), starting
            # from two point masses P v^tP = N v^tN at the flows' mean times.
            span = t_pos / pos - t_neg / neg
            v0 = (neg / pos) ** (1.0 / span) if span != 0.0 else 0.5
            if fwd_changes == 1:
                return _unit_root(c, a, b, True, v0, u)
            return _unit_root(c, a, b, False, 1.0 / v0, u)
    return _irr_general_or_bracketed(c, a, b, cum, u)


_ROWS = 64
"""Rows a parallel task of :func:`_irr_kernel` solves one after the other, with one
scratch array."""


@_jit()
def _irr_scratch(n_periods: int) -> F64:
    """Scratch for :func:`_irr_row` on rows of ``n_periods`` flows (one a thread): the
    coefficients padded to a multiple of 32."""
    return np.empty(32 * (n_periods // 32 + 1))


@_jit(parallel=True)
def _irr_kernel(net: F64, out: F64) -> None:
    """``out[p]`` = the IRR of row ``p``, in parallel over tasks of ``_ROWS`` rows."""
    n = net.shape[0]
    for k in prange((n + _ROWS - 1) // _ROWS):
        u = _irr_scratch(net.shape[1])
        for p in range(k * _ROWS, min(n, (k + 1) * _ROWS)):
            if p + 2 < n:
                _prefetch_row(net[p + 2])
            out[p] = _irr_row(net[p], u)


@_jit(inline=True)
def _prefetch_row(row: F64) -> None:
    """Start reading ``row`` (two rows ahead) into the cache while the current row is
    solved: a row takes a few hundred nanoseconds, and the processor's own prefetching,
    which follows a stream only a few lines ahead, leaves the next row's first pass
    waiting on memory."""
    address = row.ctypes.data
    for offset in range(0, row.shape[0] * 8, 64):
        _prefetch(address + offset)


"""The split rule over many paths, in whole cents, compiled with numba (the engine's
waterfall half).

Money is counted in whole cents (integers held in float64, exact up to 2^53 cents):
funding and cash are rounded half-even to the cent on the way in, each period's
interest is booked in whole cents, the partner's share is rounded once and the United
States gets the rest, so every period's shares add up exactly to the cash distributed
and the balance carried is the rounded one, as in the Decimal reference. Where the
reference's exact value lies on a half cent (a decimal share of whole cents, simple
interest), float64 lands within an ulp or two of it; such a value is taken as the tie
it is, so the engine rounds as the reference does, cent for cent. (Only a compound
interest product falling within a few ulps of a half cent without being one could
round the other way: about one period in 10^8 at US$1bn.)

Layout: the kernels are path-blocked. A parallel task takes ``TASK_BLOCKS`` blocks of
``BLOCK`` paths, one after the other, with one set of buffers. For each block it moves
the rows into (period, path) buffers that stay in the core's cache, eight paths by
eight periods at a time through vector registers (:mod:`._simd`: eight loads, 24
shuffles, eight stores; the tiles start where the rows' cache lines do); runs the rule
period by period across the block's paths (an inner loop without branches, which the
compiler vectorises eight paths to an instruction: the paths of a block are
independent, so the period-to-period dependency of one path no longer stalls the
pipeline), converting to cents and back to dollars as it goes, while prefetching the
next block's rows into the second-level cache so that they are there when its turn
comes; and moves the block's results back into rows the same way. Cents become
dollars as ``c / 100`` correctly rounded, by a multiply and two fused multiply-adds
instead of a division.

Exactness is paid for once a block, not once a cell: a block runs first with funding,
cash and interest rounded by ``rint`` alone, noting whether any of them fell on (or,
for the interest, within a few ulps of) a half cent, the only places where the exact
roundings differ from ``rint``; a block where one did (rare for amounts that are not
whole cents already, never for those that are, except through the interest) runs
again with the exact roundings. The results are the exact run's either way.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from pledge.analytics.engine._irr import _irr_row, _irr_scratch
from pledge.analytics.engine._jit import F64, I64, _fma, _jit
from pledge.analytics.engine._simd import (
    AHEAD,
    TILE,
    _ahead,
    _fetch_ahead,
    _transpose8,
    _wide_vectors,
)

_TIE_ULPS = 8.0  # a product within this many ulps of a half cent is a tie (see _round_money)
_EPS = 2.220446049250313e-16
_TIE = _TIE_ULPS * _EPS

BLOCK = 32
"""Paths a parallel task runs together: 3 buffers of 8 * BLOCK bytes per period stay in
the core's cache for the 160 quarters of a 40-year path."""

_PAD = 8
"""Spare columns in a block's (period, path) buffers: a row of ``BLOCK + _PAD`` floats
is an odd number of cache lines, so a path's periods, written or read down a column,
do not all fall into the same cache set (and the processor does not mistake their
addresses for each other's); a multiple of 8 floats, so every row starts on a cache
line and a tile's eight values are one aligned vector."""

TASK_BLOCKS = 16
"""Blocks a parallel task runs one after the other with one set of buffers, allocated
once a task instead of once a block."""


@_jit(inline=True)
def _near_half(x: float, r: float) -> bool:
    """Whether ``x`` (rounded to the whole number ``r``) lies within ``_TIE_ULPS`` ulps
    of a half: its distance from ``r`` plus that margin reaches 0.5 (one fused
    multiply-add; a value that is not finite is no tie)."""
    return _fma(_TIE, abs(x), abs(x - r)) >= 0.5


@_jit(inline=True)
def _even_of_tie(x: float) -> float:
    """Of the two whole numbers around ``x`` (close to a half), the even one: twice the
    whole number nearest ``x / 2`` (which is close to a quarter, far from a tie)."""
    return 2.0 * float(np.rint(x * 0.5))


@_jit(inline=True)
def _to_cents(x: float) -> float:
    """The float ``x`` (dollars) as whole cents, rounded half-even on its exact value.

    ``x * 100`` is itself rounded, so a value just below a half cent (0.015 is
    0.01499999...) could land on the half and be rounded up; the product's rounding
    error, recovered exactly by a fused multiply-add, says on which side of the half the
    exact value lies, as the Decimal reference sees it. (A product not on a half is on
    the same side of it as the exact value: rounding is monotonic and halves are floats.)
    Written without branches, so that a loop over paths vectorises.
    """
    y = x * 100.0
    r = float(np.rint(y))
    err = _fma(x, 100.0, -y)        # x * 100 == y + err exactly
    low = float(np.floor(y))
    on_half = low + 1.0 if err > 0.0 else (low if err < 0.0 else r)
    return on_half if abs(y - r) == 0.5 else r


@_jit(inline=True)
def _dollars(c: float) -> float:
    """Whole cents ``c`` (|c| < 2^53) as dollars: ``c / 100`` correctly rounded.

    ``q = c * 0.01`` is within an ulp; the remainder ``c - 100 q`` is exact in one fused
    multiply-add, and ``q + remainder * 0.01`` rounds to the nearest float of ``c / 100``
    (which is never within 1/200 of an ulp of a midpoint, far more than the correction's
    own error).
    """
    q = c * 0.01
    return _fma(_fma(-q, 100.0, c), 0.01, q)


@_jit(inline=True)
def _round_money(x: float) -> float:
    """A decimal share of whole cents (the partner's exact share), rounded half-even
    to a whole cent.

    The exact product of a decimal share and whole cents often lands exactly on a half
    cent (0.1 * 5 cents, 0.6 * 75 cents); in binary it is off by an ulp or so, which
    would decide the tie by accident. A value within a few ulps of a half is therefore
    taken as the tie the Decimal reference sees.
    """
    r = float(np.rint(x))
    tie = _near_half(x, r)
    return _even_of_tie(x) if tie else r


@_jit(inline=True)
def _split(b: float, d: float, inv_pre: float, s_pre: float, s_post: float
           ) -> tuple[float, float]:
    """One period's split of cash ``d`` against the balance ``b`` (both whole cents): the
    partner's share rounded to the cent, and the balance left. The rule of both block
    kernels (the fast one and the exact one), written once.

    The threshold is taken times the reciprocal: at the boundary both branches give the
    balance itself, so which side a last-ulp difference picks does not matter.
    """
    threshold = b * inv_pre
    exact = s_pre * d if d <= threshold else b + s_post * (d - threshold)
    partner = _round_money(exact)
    left = b - partner
    return partner, (left if left > 0.0 else 0.0)


@_jit(inline=True)
def _grow(balance: float, rate: float) -> float:
    """``balance * (1 + rate)`` booked in whole cents, ``balance`` whole cents.

    The interest ``balance * rate`` is rounded on its own (it is small, so its float is
    far more precise than the grown balance's), ties deciding on the parity of the sum;
    a value within a few ulps of a half is the tie an exact rate (simple, ``r / n``)
    makes. A zero balance stays zero.
    """
    interest = balance * rate
    r = float(np.rint(interest))
    tie = _near_half(interest, r)
    return _even_of_tie(balance + interest) if tie else balance + r


@_jit()
def _buffer(n_periods: int, width: int) -> F64:
    """An uninitialised (period, path) buffer whose rows start on 64-byte boundaries."""
    raw = np.empty(n_periods * width + TILE)
    skip = ((64 - raw.ctypes.data % 64) % 64) // 8
    return raw[skip:skip + n_periods * width].reshape((n_periods, width))


@_jit(inline=True)
def _tile(rows: F64, buf: F64, p: int, t: int, g: int, into_buf: bool) -> None:
    """One 8 x 8 tile between rows (from path ``p``, period ``t``) and ``buf`` (from
    period ``t``, path ``g``), the way ``into_buf`` says."""
    if into_buf:
        _transpose8(rows, p, t, buf, t, g)
    else:
        _transpose8(buf, t, g, rows, p, t)


@_jit()
def _tiles(rows: F64, p0: int, m: int, buf: F64, lead: int, into_buf: bool) -> None:
    """Rows ``p0 .. p0+m`` of ``rows`` transposed into ``buf`` (period, path) when
    ``into_buf``, else ``buf`` transposed back into those rows.

    Eight paths by eight periods at a time in registers (:func:`_transpose8`), the
    tiles starting ``lead`` periods in, where the rows' 64-byte boundaries are; the
    periods before and after them by one more tile at each end (overlapping its
    neighbour, which copies a few values twice: the same values); the paths past the
    last eight, and every path when there are fewer than eight periods, one by one."""
    n_t = rows.shape[1]
    full = m - m % TILE
    lead = min(lead, n_t)
    end = lead + (n_t - lead) // TILE * TILE
    if n_t < TILE:
        full = 0
    for g in range(0, full, TILE):
        if lead > 0:
            _tile(rows, buf, p0 + g, 0, g, into_buf)
        for t in range(lead, end, TILE):
            _tile(rows, buf, p0 + g, t, g, into_buf)
        if end < n_t:
            _tile(rows, buf, p0 + g, n_t - TILE, g, into_buf)
    for j in range(full, m):
        row = rows[p0 + j]
        for t in range(n_t):
            if into_buf:
                buf[t, j] = row[t]
            else:
                row[t] = buf[t, j]


@_jit()
def _rule_block(fr: F64, dr: F64, m: int, rate: float, s_pre: float, s_post: float,
                pc: F64, bc: F64, keep_balance: bool, balance: F64, recoup: I64,
                partner_total: F64, us_total: F64, funded: F64, finite: F64,
                lowest: F64) -> None:
    """The rule period by period over the ``m`` paths of a block, in whole cents.

    Reads ``fr``, ``dr`` (period, path; dollars as given); writes the partner's share in
    dollars to ``pc`` and, when ``keep_balance``, the balance after each period to ``bc``
    (a condition the compiler takes out of the loop: two loops, each vectorised).
    One entry a path carries its state: ``balance``, ``recoup`` and the three totals (in
    cents; starting at 0, -1, 0), ``finite`` (0 while every amount is finite) and
    ``lowest`` (the lowest funding, from 0). The order of operations, the branch
    conditions and the rounding rule are those of ``run_waterfall`` and
    ``split_distribution``: funding and cash rounded to the cent, interest booked in
    whole cents, the partner's share rounded once, the United States gets the rest. The
    recoup period is the last period whose split took a positive balance to zero.

    With a zero balance the pre-recovery expressions give the post-recovery share
    exactly (the threshold is 0, so ``0 + s_post * (d - 0)``), and the balance stays 0,
    so one formula without branches serves every period and the loop over the block's
    paths vectorises.
    """
    _wide_vectors()
    inv_pre = 1.0 / s_pre
    for t in range(fr.shape[0]):
        for j in range(m):
            fx = fr[t, j]
            dx = dr[t, j]
            finite[j] += fx * 0.0 + dx * 0.0       # NaN once an amount is not finite
            lowest[j] = min(lowest[j], fx)
            f = _to_cents(fx)
            d = _to_cents(dx) if dx > 0.0 else 0.0
            b = _grow(balance[j], rate) + f
            partner, after = _split(b, d, inv_pre, s_pre, s_post)
            if b > 0.0 and after == 0.0:
                recoup[j] = t
            balance[j] = after
            partner_total[j] += partner
            us_total[j] += d
            funded[j] += f
            pc[t, j] = _dollars(partner)
            if keep_balance:
                bc[t, j] = _dollars(after)


@_jit()
def _rule_block_fast(fr: F64, dr: F64, m: int, rate: float, s_pre: float, s_post: float,
                     pc: F64, bc: F64, keep_balance: bool, balance: F64, recoup: I64,
                     partner_total: F64, us_total: F64, funded: F64, ahead: I64) -> int:
    """:func:`_rule_block` with funding and cash rounded to the cent by ``rint`` alone,
    which is :func:`_to_cents` wherever ``x * 100`` does not land exactly on a half
    cent, and the interest by ``rint`` alone, which is :func:`_grow` wherever it is not
    within a few ulps of a half cent. Returns how many cells did either, or held an
    amount that is not finite or negative funding: when any did, the caller runs the
    block again with :func:`_rule_block`. Meanwhile the next block's lines are
    prefetched (:func:`_fetch_ahead`). For a rate of at least 0 only (the caller's
    rule), where a positive balance never grows to zero: the recoup period is then the
    last period with a positive balance before the split (the caller keeps it only for
    a path whose balance ends at zero, and there that period's split cleared it).

    Every other step is the same as :func:`_rule_block`; the flags are counted in one
    number instead of a path's entry, so the loop keeps fewer values in memory.
    """
    _wide_vectors()
    inv_pre = 1.0 / s_pre
    n_t = fr.shape[0]
    odd_cells = 0
    for t in range(n_t):
        _fetch_ahead(ahead, t, n_t)
        for j in range(m):
            fx = fr[t, j]
            yf = fx * 100.0
            yd = dr[t, j] * 100.0
            f = float(np.rint(yf))
            rd = float(np.rint(yd))
            d = rd if rd > 0.0 else 0.0             # cash below half a cent distributes 0
            bj = balance[j]
            interest = bj * rate
            ri = float(np.rint(interest))
            tie = _near_half(interest, ri)
            # on a half cent, or not finite (then the difference is NaN), or funding
            # negative: the exact run decides
            odd = (not abs(yf - f) < 0.5) | (not abs(yd - rd) < 0.5) | tie | (not fx >= 0.0)
            odd_cells += 1 if odd else 0
            b = bj + ri + f
            partner, after = _split(b, d, inv_pre, s_pre, s_post)
            if b > 0.0:
                recoup[j] = t
            balance[j] = after
            partner_total[j] += partner
            us_total[j] += d
            funded[j] += f
            pc[t, j] = _dollars(partner)
        if keep_balance:        # a loop of its own: the rule's loop stores no mask
            for j in range(m):
                bc[t, j] = _dollars(balance[j])
    return odd_cells


@_jit()
def _run_block(fr: F64, dr: F64, m: int, rate: float, s_pre: float, s_post: float,
               pc: F64, bc: F64, keep_balance: bool,
               state: tuple[F64, I64, F64, F64, F64, F64, F64], ahead: I64) -> None:
    """The rule over a block (:func:`_rule_block_fast`, then :func:`_rule_block` if an
    amount lies on a half cent; the exact rule alone for a negative rate), into
    ``state`` (:func:`_block_state`, reset here)."""
    bal, rec, pt, ut, ft, finite, lowest = state
    _reset(state)
    if rate >= 0.0 and _rule_block_fast(fr, dr, m, rate, s_pre, s_post, pc, bc,
                                        keep_balance, bal, rec, pt, ut, ft, ahead) == 0:
        return
    _reset(state)
    _rule_block(fr, dr, m, rate, s_pre, s_post, pc, bc, keep_balance, bal, rec, pt, ut, ft,
                finite, lowest)


@_jit()
def _block_state(block: int) -> tuple[F64, I64, F64, F64, F64, F64, F64]:
    """A block's per-path state: balance, recoup, three totals, finite, lowest."""
    return (np.zeros(block), np.full(block, -1, dtype=np.int64), np.zeros(block),
            np.zeros(block), np.zeros(block), np.zeros(block), np.zeros(block))


@_jit()
def _reset(state: tuple[F64, I64, F64, F64, F64, F64, F64]) -> None:
    """The state of :func:`_block_state` back to its start."""
    bal, rec, pt, ut, ft, finite, lowest = state
    bal[:] = 0.0
    rec[:] = -1
    pt[:] = 0.0
    ut[:] = 0.0
    ft[:] = 0.0
    finite[:] = 0.0
    lowest[:] = 0.0


@_jit()
def _task_buffers(n_periods: int, block: int) -> tuple[F64, F64, F64, F64]:
    """A task's (period, path) buffers: funding and cash in, partner and balance out."""
    width = block + _PAD
    return (_buffer(n_periods, width), _buffer(n_periods, width),
            _buffer(n_periods, width), _buffer(n_periods, width))


@_jit(parallel=True)
def _waterfall_kernel(funding: F64, dist: F64, rate: float, s_pre: float, s_post: float,
                      block: int, partner: F64, balance: F64, write_partner: bool,
                      write_balance: bool, partner_total: F64, us_total: F64,
                      funding_total: F64, final_balance: F64, recoup: I64,
                      leads: I64) -> int:
    """Fill the preallocated outputs block by block, in parallel (tasks of
    ``TASK_BLOCKS`` blocks); return the bad paths' count. ``leads``: where the 64-byte
    boundaries of funding's, cash's, the partner flows' and the balances' rows fall
    (:func:`pledge.analytics.engine._simd.aligned_lead`)."""
    n_paths, n_periods = funding.shape
    n_blocks = (n_paths + block - 1) // block
    n_tasks = (n_blocks + TASK_BLOCKS - 1) // TASK_BLOCKS
    nbad = 0
    for k in prange(n_tasks):
        fr, dr, pc, bc = _task_buffers(n_periods, block)
        state = _block_state(block)
        ahead = np.zeros(AHEAD, dtype=np.int64)
        bal, rec, pt, ut, ft, finite, lowest = state
        bad = 0
        for b in range(k * TASK_BLOCKS, min(n_blocks, (k + 1) * TASK_BLOCKS)):
            p0 = b * block
            m = min(block, n_paths - p0)
            _tiles(funding, p0, m, fr, leads[0], True)
            _tiles(dist, p0, m, dr, leads[1], True)
            _ahead(ahead, funding, dist, partner, write_partner, p0 + block,
                   min(block, n_paths - p0 - block))
            _run_block(fr, dr, m, rate, s_pre, s_post, pc, bc, write_balance, state, ahead)
            if write_partner:
                _tiles(partner, p0, m, pc, leads[2], False)
            if write_balance:
                _tiles(balance, p0, m, bc, leads[3], False)
            for j in range(m):
                p = p0 + j
                partner_total[p] = _dollars(pt[j])
                us_total[p] = _dollars(ut[j] - pt[j])
                funding_total[p] = _dollars(ft[j])
                final_balance[p] = _dollars(bal[j])
                recoup[p] = rec[j] if bal[j] <= 0.0 else -1
                bad += 1 if finite[j] != 0.0 or lowest[j] < 0.0 else 0
        nbad += bad
    return nbad


@_jit(parallel=True)
def _fused_kernel(funding: F64, dist: F64, rate: float, s_pre: float, s_post: float,
                  block: int, discount: F64, partner_total: F64, us_total: F64,
                  funding_total: F64, final_balance: F64, recoup: I64, irr: F64,
                  partner_pv: F64, leads: I64) -> int:
    """The rule and the IRR of ``partner - funding`` block by block; no (P, T) output.

    Each path's net flows (the partner's share in dollars less the funding as given)
    live in a scratch row of the task. (numba's on-disk cache keys this kernel on this
    file alone, though it compiles ``_irr_row`` into it: a change to ``_irr.py`` must
    change this file too, or a warm cache keeps the old IRR here.) ``partner_pv``
    receives the partner's receipts weighted by ``discount`` (one weight a period) when
    ``discount`` is not empty. ``leads`` as for :func:`_waterfall_kernel` (the first
    two used).
    """
    n_paths, n_periods = funding.shape
    n_blocks = (n_paths + block - 1) // block
    n_tasks = (n_blocks + TASK_BLOCKS - 1) // TASK_BLOCKS
    with_pv = discount.shape[0] > 0
    nbad = 0
    for k in prange(n_tasks):
        fr, dr, pc, bc = _task_buffers(n_periods, block)
        state = _block_state(block)
        ahead = np.zeros(AHEAD, dtype=np.int64)
        bal, rec, pt, ut, ft, finite, lowest = state
        net = np.empty(n_periods)
        u = _irr_scratch(n_periods)
        bad = 0
        for b in range(k * TASK_BLOCKS, min(n_blocks, (k + 1) * TASK_BLOCKS)):
            p0 = b * block
            m = min(block, n_paths - p0)
            _tiles(funding, p0, m, fr, leads[0], True)
            _tiles(dist, p0, m, dr, leads[1], True)
            _ahead(ahead, funding, dist, funding, False, p0 + block,
                   min(block, n_paths - p0 - block))
            _run_block(fr, dr, m, rate, s_pre, s_post, pc, bc, False, state, ahead)
            for j in range(m):
                p = p0 + j
                f_row = funding[p]
                pv = 0.0
                for t in range(n_periods):
                    net[t] = pc[t, j] - f_row[t]
                    if with_pv:
                        pv += (net[t] + f_row[t]) * discount[t]
                irr[p] = _irr_row(net, u)
                partner_pv[p] = pv
                partner_total[p] = _dollars(pt[j])
                us_total[p] = _dollars(ut[j] - pt[j])
                funding_total[p] = _dollars(ft[j])
                final_balance[p] = _dollars(bal[j])
                recoup[p] = rec[j] if bal[j] <= 0.0 else -1
                bad += 1 if finite[j] != 0.0 or lowest[j] < 0.0 else 0
        nbad += bad
    return nbad

"""The engine's tiles: every shape and every alignment of the arrays gives the Decimal
rule's numbers, cent for cent.

The kernels move eight paths by eight periods at a time through registers, starting
the tiles where the rows' 64-byte boundaries fall, with one overlapping tile at each
end of a row and single values for the paths past the last eight. Each of those
branches is reached here: periods fewer than, equal to and not a multiple of eight;
paths fewer than eight, a block and a bit, several blocks; rows starting at each of
the eight float offsets from a cache line, for the inputs and the outputs alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest

from pledge.analytics import engine
from pledge.analytics.engine._simd import (
    TILE,
    _transpose8_plain,
    aligned_lead,
    butterfly_columns,
)
from pledge.domain.waterfall import SplitTerms, run_waterfall

TERMS = SplitTerms(Decimal("0.045"), 4)
RATE, PRE, POST = float(TERMS.period_rate), float(TERMS.pre_share), float(TERMS.post_share)


def at_offset(values: np.ndarray, offset: int) -> np.ndarray:
    """``values`` copied into a C-contiguous array whose first element sits ``offset``
    floats past a 64-byte boundary."""
    raw = np.empty(values.size + 2 * TILE)
    skip = (-(raw.ctypes.data % 64) // 8) % TILE
    out = raw[skip + offset:skip + offset + values.size].reshape(values.shape)
    assert out.flags.c_contiguous and out.ctypes.data % 64 == offset * 8
    out[...] = values
    return out


def paths(rng: np.random.Generator, n: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Funding early and now and then later; cash with losses, zeros and half cents."""
    funding = np.zeros((n, t))
    funding[:, : max(1, t // 4)] = rng.uniform(0, 500, (n, max(1, t // 4)))
    late = rng.random((n, t)) < 0.1
    funding[late] = rng.uniform(0, 300, int(late.sum()))
    dist = rng.normal(60, 80, (n, t))
    dist[rng.random((n, t)) < 0.1] = 0.0
    funding, dist = np.round(funding, 2), np.round(dist, 2)
    halves = rng.random((n, t)) < 0.05          # x.xx5: the exact rounding's case
    dist[halves] = np.round(np.abs(dist[halves]), 2) + 0.005
    return funding, dist


def reference_rows(f: np.ndarray, d: np.ndarray) -> list[tuple[list[float], float, int]]:
    """Per path: the partner's flows, the partner's total and the recoup period, from the
    Decimal rule on the floats' exact values."""
    rows = []
    for p in range(f.shape[0]):
        ref = run_waterfall([Decimal(float(x)) for x in f[p]],
                            [Decimal(float(x)) for x in d[p]], TERMS)
        rows.append(([float(r.partner) for r in ref.periods], float(ref.partner_total),
                     -1 if ref.recoup_period is None else ref.recoup_period))
    return rows


def test_the_shuffle_plan_transposes() -> None:
    rows = [[(r, c) for c in range(TILE)] for r in range(TILE)]
    assert butterfly_columns(rows) == [[(r, c) for r in range(TILE)] for c in range(TILE)]


def test_the_plain_transpose_is_a_transpose() -> None:
    src = np.arange(20.0 * 17).reshape(20, 17)
    dst = np.zeros((12, 30))
    _transpose8_plain(src, 3, 5, dst, 2, 9)
    np.testing.assert_array_equal(dst[2:10, 9:17], src[3:11, 5:13].T)
    assert dst.sum() == src[3:11, 5:13].sum()


@pytest.mark.parametrize(("address", "row_bytes", "lead"), [
    (0, 1280, 0), (16, 1280, 6), (56, 1280, 1), (8, 64, 7),
    (16, 104, 0),           # rows not a whole number of lines: no common boundary
    (4, 1280, 0),           # not even float-aligned
])
def test_aligned_lead(address: int, row_bytes: int, lead: int) -> None:
    assert aligned_lead(address, row_bytes) == lead


@pytest.mark.parametrize("n_periods", [1, 5, 8, 13, 24, 40])
@pytest.mark.parametrize("n_paths", [3, 8, 37, 70])
def test_every_shape_gives_the_decimal_rule(n_paths: int, n_periods: int) -> None:
    rng = np.random.default_rng(n_paths * 100 + n_periods)
    f, d = paths(rng, n_paths, n_periods)
    want = reference_rows(f, d)
    for offset in range(TILE):
        fo, do = at_offset(f, offset), at_offset(d, (offset * 3) % TILE)
        out = engine.BatchResult(at_offset(np.zeros_like(f), (offset + 5) % TILE),
                                 np.empty(n_paths), np.empty(n_paths), np.empty(n_paths),
                                 np.empty(n_paths), np.empty(n_paths, dtype=np.int64),
                                 at_offset(np.zeros_like(f), (offset + 1) % TILE))
        res = engine.waterfall_batch(fo, do, RATE, PRE, POST, keep_balance=True, out=out)
        assert res.partner is not None and res.balance is not None
        fused = engine.waterfall_irr_fused(fo, do, RATE, PRE, POST)
        for p, (flows, total, recoup) in enumerate(want):
            assert res.partner[p].tolist() == flows, (offset, p)
            assert res.partner_total[p] == total and fused.partner_total[p] == total
            assert res.recoup_period[p] == recoup == fused.recoup_period[p], (offset, p)
        # the balances carried are the rule's too: cash less the partner's share, grown
        np.testing.assert_array_equal(res.final_balance, res.balance[:, -1])
        np.testing.assert_array_equal(fused.irr, engine.irr_batch(res.partner - f))


def test_many_blocks_in_parallel_tasks_give_the_same_numbers_as_one_path_at_a_time() -> None:
    """Thousands of paths (several tasks of several blocks, with prefetches of the next
    block running ahead) against each path run alone."""
    rng = np.random.default_rng(8)
    f, d = paths(rng, 2_601, 48)
    res = engine.waterfall_batch(at_offset(f, 3), at_offset(d, 3), RATE, PRE, POST)
    assert res.partner is not None
    for p in range(0, f.shape[0], 97):
        one = engine.waterfall_batch(f[p:p + 1], d[p:p + 1], RATE, PRE, POST)
        assert one.partner is not None
        assert res.partner[p].tolist() == one.partner[0].tolist()
        assert res.us_total[p] == one.us_total[0]
        assert res.recoup_period[p] == one.recoup_period[0]
    # cash is conserved in whole cents on every path (each period's cash rounded to the
    # cent half-even on its exact value, as the rule does)
    for p in range(0, f.shape[0], 13):
        cents = sum(Decimal(float(x)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
                    for x in d[p] if x > 0)
        assert Decimal(repr(float(res.partner_total[p]))) + Decimal(
            repr(float(res.us_total[p]))) == cents

"""Sampling error of Monte Carlo estimates: the binomial and sample-mean formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pledge.analytics import stats


def test_a_share_has_the_binomial_standard_error() -> None:
    e = stats.proportion(940, 2000)  # 47.00% from 2,000 paths
    assert e.value == 0.47
    assert e.se == pytest.approx(math.sqrt(0.47 * 0.53 / 2000), rel=1e-15)
    assert e.se == pytest.approx(0.01116, abs=5e-6)  # "about 1.1 points"
    flags = np.zeros(2000, dtype=np.bool_)
    flags[:940] = True
    assert stats.share(flags) == e


def test_the_interval_of_a_share_is_wilsons() -> None:
    n, k, z = 2000, 940, 1.959963984540054
    p = k / n
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(n) / (n + z * z) * math.sqrt(p * (1 - p) + z * z / (4 * n))
    e = stats.proportion(k, n)
    assert (e.low, e.high) == pytest.approx((centre - half, centre + half), rel=1e-12)
    assert (e.low, e.high) == pytest.approx((0.4482, 0.4919), abs=1e-4)
    # no successes: the standard error is 0 but the interval is not a point
    none = stats.proportion(0, 10)
    assert (none.value, none.se, none.low) == (0.0, 0.0, 0.0)
    assert none.high == pytest.approx(z * z / (10 + z * z), rel=1e-12)
    every = stats.proportion(10, 10)
    assert every.high == 1.0 and every.low == pytest.approx(10 / (10 + z * z), rel=1e-12)


def test_a_mean_has_the_sample_sd_over_root_n() -> None:
    values = np.array([1.0, 2.0, 4.0, 9.0])
    e = stats.mean(values)
    sd = math.sqrt(sum((v - 4.0) ** 2 for v in values) / 3)  # mean 4, n - 1 = 3
    assert e.value == 4.0 and e.se == pytest.approx(sd / 2, rel=1e-15)
    assert (e.low, e.high) == pytest.approx((4.0 - 1.959964 * sd / 2, 4.0 + 1.959964 * sd / 2))
    assert math.isnan(stats.mean(np.array([3.0])).se)
    assert math.isnan(stats.mean(np.empty(0)).value)
    assert math.isnan(stats.proportion(0, 0).value)

"""The hand-written Kendall's tau-b (``domain.priorities``) against scipy's, on random
score vectors with many ties, in both sequences and across them."""

from __future__ import annotations

import math
import random

import pytest
from scipy.stats import kendalltau

from pledge.domain.priorities import kendall_tau_b


@pytest.mark.parametrize("seed", range(40))
def test_kendall_tau_b_matches_scipy_with_ties(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 40)
    levels = rng.randint(1, 6)  # few distinct values: ties in each sequence
    xs = [float(rng.randint(0, levels)) for _ in range(n)]
    ys = [float(rng.randint(0, levels)) if rng.random() < 0.7 else xs[i] * 0.5
          for i in range(n)]
    expected = kendalltau(xs, ys, variant="b").statistic
    ours = kendall_tau_b(xs, ys)
    if math.isnan(expected):
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-12)


def test_kendall_tau_b_on_continuous_scores_matches_scipy() -> None:
    rng = random.Random(7)
    xs = [rng.random() for _ in range(30)]
    ys = [x + rng.gauss(0, 0.3) for x in xs]
    assert kendall_tau_b(xs, ys) == pytest.approx(kendalltau(xs, ys).statistic, abs=1e-12)


def test_undefined_where_scipy_is_nan() -> None:
    assert kendall_tau_b([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert math.isnan(kendalltau([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]).statistic)

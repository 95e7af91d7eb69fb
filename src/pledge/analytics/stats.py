"""Sampling error of Monte Carlo estimates: standard errors and 95% confidence intervals.

A probability p estimated as the share of n independent paths has the binomial standard
error sqrt(p(1-p)/n); its interval is Wilson's score interval, which stays inside [0, 1]
and is sensible at p = 0 or 1 (where the normal interval collapses to a point). A mean
has the standard error s/sqrt(n) with s the sample standard deviation (n - 1 in the
denominator); its interval is the normal one, mean ± 1.96 standard errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: The two-sided 95% quantile of the standard normal distribution.
Z95 = 1.959963984540054

PROBABILITY_INTERVAL = "Wilson score interval, 95%"
MEAN_INTERVAL = "normal interval, mean ± 1.96 standard errors (sample SD / sqrt(n)), 95%"


@dataclass(frozen=True, slots=True)
class Estimate:
    """A Monte Carlo estimate with its standard error and 95% interval [low, high]."""

    value: float
    se: float
    low: float
    high: float


def proportion(successes: int, n: int) -> Estimate:
    """The share ``successes / n`` with its binomial standard error and Wilson interval."""
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    p = successes / n
    se = math.sqrt(p * (1.0 - p) / n)
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return Estimate(p, se, low, high)


def share(flags: NDArray[np.bool_]) -> Estimate:
    """The share of paths where ``flags`` is true, as :func:`proportion`."""
    return proportion(int(np.count_nonzero(flags)), int(flags.size))


def mean(values: NDArray[np.float64]) -> Estimate:
    """The sample mean with its standard error (sample SD / sqrt(n)) and normal interval;
    the standard error is NaN with fewer than two values."""
    n = int(values.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    m = float(values.mean())
    se = float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    return Estimate(m, se, m - Z95 * se, m + Z95 * se)

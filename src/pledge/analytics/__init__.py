"""Numeric engines on numpy: the waterfall over many paths, IRR, cash-flow models, Monte Carlo.

float64 inside, vectorised or compiled with numba; results are rounded at the
boundary. Every engine here implements a rule defined once in ``pledge.domain``
and is tested against that definition.
"""

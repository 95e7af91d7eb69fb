"""A simulation's summary as a document: the keys ``pledge simulate --json``, the API and
stored jobs give, money in whole cents, each estimate with its sampling error (moved out
of ``services.simulation``, which re-exports these names)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pledge.analytics import montecarlo as mc
from pledge.analytics import stats
from pledge.domain.waterfall import cents_of_any_size

#: "The partner recovers" in words, by ``Summary.recover_definition``.
RECOVERS_WORDS = {mc.RECOVERS_PROJECT: "partner recovers its deemed allocation",
                  mc.RECOVERS_EVERY: "partner recovers on every project",
                  mc.RECOVERS_POOLED: "partner recovers on the pooled cash"}


def _money(value: float) -> Decimal | None:
    """A simulated expectation in US dollars as an amount in whole cents (None if undefined)."""
    if not math.isfinite(value):
        return None
    return cents_of_any_size(Decimal(repr(float(value))))


#: The summary's money keys (Decimal amounts in whole cents in the document).
MONEY_KEYS = frozenset({"us_expected_take", "partner_expected_take", "expected_funding",
                        "partner_expected_pv", "expected_funding_pv"})
#: The money keys that are plain sums over the horizon, not present values.
UNDISCOUNTED_KEYS = ("us_expected_take", "partner_expected_take", "expected_funding")


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _errors(summary: mc.Summary) -> dict[str, Any]:
    """Each estimate's standard error and 95% interval, by the key it qualifies."""
    def amount(key: str, value: float) -> Decimal | float | None:
        return _money(value) if key in MONEY_KEYS else _number(value)

    return {
        "standard_errors": {k: amount(k, e.se) for k, e in summary.estimates.items()},
        "ci95": {k: [amount(k, e.low), amount(k, e.high)]
                 for k, e in summary.estimates.items()},
        "ci_method": {"probabilities": stats.PROBABILITY_INTERVAL,
                      "means": stats.MEAN_INTERVAL},
    }


def summary_document(summary: mc.Summary, extra: Mapping[str, Any]) -> dict[str, Any]:
    """A simulation's summary with the keys ``pledge simulate --json`` prints.

    Rates, probabilities and years stay numbers; the expected takes and funding are
    money and come as Decimal amounts in whole cents (text once made JSON-ready). Keys
    are only ever added: ``irr_total_loss_share``, what "recovers" means
    (``recover_definition``, ``portfolio_recovery``), present values at a stated rate
    (``discount_rate``, ``partner_expected_pv``, ``expected_funding_pv``), which money is
    ``undiscounted``, and each estimate's ``standard_errors`` and ``ci95`` [low, high].
    """
    return {
        **extra, "paths": summary.paths, "seed": summary.seed,
        "prob_recover": summary.prob_recover,
        "partner_irr": {"p5": summary.irr_p5, "p50": summary.irr_p50, "p95": summary.irr_p95},
        "irr_none_share": summary.irr_none_share, "expected_moic": summary.expected_moic,
        "recoup_years": {"p5": summary.recoup_years_p5, "p50": summary.recoup_years_p50,
                         "p95": summary.recoup_years_p95,
                         "never_share": 1.0 - summary.prob_recover,
                         "by_year": {str(k): v for k, v in summary.recoup_histogram.items()}},
        "us_expected_take": _money(summary.us_expected_take),
        "partner_expected_take": _money(summary.partner_expected_take),
        "expected_funding": _money(summary.expected_funding),
        "irr_total_loss_share": summary.irr_total_loss_share,
        "recover_definition": summary.recover_definition,
        "portfolio_recovery": {"every": summary.prob_recover_every,
                               "any": summary.prob_recover_any,
                               "pooled": summary.prob_recover_pooled},
        "discount_rate": summary.discount_rate,
        "partner_expected_pv": _money(summary.partner_expected_pv),
        "expected_funding_pv": _money(summary.expected_funding_pv),
        "undiscounted": list(UNDISCOUNTED_KEYS),
        **_errors(summary),
        "capital": {k: (v if k == "abandoned" else _money(v))
                    for k, v in summary.capital.items()},
    }

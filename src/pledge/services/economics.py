"""Use cases on the economics: the exact waterfall of one case, split terms from a framework."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput
from pledge.domain.framework import FrameworkTerms
from pledge.domain.waterfall import (
    Compounding,
    SplitTerms,
    WaterfallResult,
    check_discount_rate,
    parse_waterfall_csv,
    run_waterfall,
)
from pledge.services.frameworks import get_framework


def _fraction(value: str | float | Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        text = str(value).strip()
        result = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise InvalidInput.single(field, value, "input.bad_number",
                                  "expected a number such as 0.06 or 6%") from None
    if not result.is_finite():
        raise InvalidInput.single(field, value, "input.bad_number", "expected a finite number")
    return result


def discount_rate_for(terms: SplitTerms, discount_rate: str | float | None = None
                      ) -> tuple[float, str]:
    """The annual rate a simulation's present values use, and where it comes from: the
    rate given, else the deemed rate of the split terms (the framework's, or the one
    given in its place), read as an annual effective rate."""
    rate = _fraction(discount_rate, "discount_rate")
    if rate is None:
        return float(terms.deemed_rate), "deemed rate"
    return float(check_discount_rate(rate)), "given"


def split_terms_for(terms: FrameworkTerms, *, deemed_rate: str | float | None = None,
                    periods_per_year: int | None = None, pre_split: str | float | None = None,
                    post_split: str | float | None = None) -> SplitTerms:
    """The split rule's numbers: the framework's settings, each overridable.

    Raises InvalidInput when the framework has no split or no deemed rate and none
    is given.
    """
    rate = _fraction(deemed_rate, "deemed_rate")
    if rate is None and terms.deemed_rate is not None:
        rate = terms.deemed_rate.annual_rate
    if rate is None:
        raise InvalidInput.single("deemed_rate", None, "waterfall.no_rate",
                                  "this framework sets no deemed rate (benchmark plus spread); "
                                  "give --deemed-rate")
    split = terms.split
    pre = _fraction(pre_split, "pre_split")
    post = _fraction(post_split, "post_split")
    if split is None and (pre is None or post is None):
        raise InvalidInput.single("framework", "no split", "waterfall.no_split",
                                  "this framework has no cash-flow split; give --pre-split and "
                                  "--post-split")
    compounding = Compounding(terms.deemed_rate.compounding) if terms.deemed_rate else (
        Compounding.COMPOUND)
    return SplitTerms(
        deemed_rate=rate,
        periods_per_year=periods_per_year if periods_per_year is not None else (
            split.periods_per_year if split else 4),
        pre_share=pre if pre is not None else split.pre_partner_share,  # type: ignore[union-attr]  # split is None only when both are given
        post_share=post if post is not None else split.post_partner_share,  # type: ignore[union-attr]  # split is None only when both are given
        compounding=compounding)


@dataclass(frozen=True, slots=True)
class WaterfallReport:
    """The exact waterfall with the partner's returns.

    partner_irr: annualised IRR of (partner receipts - funding), None when no root exists
    partner_moic: total received over total funded, None when nothing was funded
    """

    terms: SplitTerms
    result: WaterfallResult
    partner_irr: float | None
    partner_moic: float | None


def waterfall_report(terms: SplitTerms, funding: list[Decimal],
                     distributable: list[Decimal]) -> WaterfallReport:
    from pledge.analytics.engine import annualise, irr_one

    result = run_waterfall(funding, distributable, terms)
    x = irr_one([float(v) for v in result.partner_net_flows])
    irr = None if x is None else float(annualise(x, terms.periods_per_year))
    moic = result.partner_moic
    return WaterfallReport(terms, result, irr, None if moic is None else float(moic))


def waterfall_from_csv(engine: Engine | None, csv_text: str, *, framework: str = "japan",
                       deemed_rate: str | float | None = None,
                       periods_per_year: int | None = None, pre_split: str | float | None = None,
                       post_split: str | float | None = None) -> WaterfallReport:
    """The exact waterfall of a CSV case (period,funding,distributable) under a framework."""
    funding, dist = parse_waterfall_csv(csv_text)
    if engine is not None:
        fw_terms = get_framework(engine, framework).current
    else:
        from pledge.services.frameworks import shipped_frameworks
        found = [f for f in shipped_frameworks() if f.key == framework.strip().lower()]
        if not found:
            raise InvalidInput.single("framework", framework, "framework.unknown",
                                      "no such framework")
        fw_terms = found[0].current
    terms = split_terms_for(fw_terms, deemed_rate=deemed_rate, periods_per_year=periods_per_year,
                            pre_split=pre_split, post_split=post_split)
    return waterfall_report(terms, funding, dist)

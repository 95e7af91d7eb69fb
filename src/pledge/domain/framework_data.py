"""Frameworks as data: the flat settings form used by data files, storage and amendments.

A version of a framework's terms is written as a flat mapping of dotted setting
names to plain values (``"funding_window.unit": "business"``), each with its
sources. The same form is what the data files in ``pledge/data/frameworks``
hold, what storage keeps per version, and what an amendment changes, so one
parser validates all three. Parsing reports every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pledge.domain.calendars import CalendarName, DayUnit
from pledge.domain.errors import InvalidInput, PledgeError, Problem
from pledge.domain.framework import (
    DAY_COUNTS,
    Assumption,
    Component,
    ConsultationGate,
    DeemedRate,
    EarlierClaim,
    Framework,
    FrameworkTerms,
    FundingWindow,
    Instrument,
    Mechanism,
    SplitRule,
    StartEvent,
    WindowMeaning,
    check_window_rules,
)
from pledge.domain.money import parse_amount

Settings = dict[str, Any]

_PLAIN_NUMBER = re.compile(r"^\s*\d+(\.\d+)?\s*$")

# Every setting a version of the terms may hold, with a one-line meaning.
SETTINGS: dict[str, str] = {
    "commitment": "headline US dollars pledged",
    "components": "parts of the commitment: key, label, amount, mechanism, annual_cap",
    "period_start": "first day of the investment period",
    "period_end": "last day on which a project may be selected",
    "funding_deadline": "last day on which any funding may happen (empty: none)",
    "sectors": "eligible sectors (canonical keys)",
    "sectors_open": "true when the sector list is 'including but not limited to'",
    "funding_window.length": "days in the funding window",
    "funding_window.unit": "business | calendar",
    "funding_window.meaning": "deadline | earliest",
    "funding_window.calendar": "us | jp | joint",
    "funding_window.start": "selection | notice",
    "cap_counting.equity": "fraction of equity face value counted toward the cap",
    "cap_counting.loan": "fraction of loan face value counted toward the cap",
    "cap_counting.guarantee": "fraction of guarantee face value counted toward the cap",
    "deemed_rate.benchmark": "benchmark name (SOFR_6M, UST_20Y, custom)",
    "deemed_rate.benchmark_rate": "assumed benchmark annual rate as a fraction",
    "deemed_rate.spread_bps": "spread over the benchmark in basis points",
    "deemed_rate.rate_type": "fixed | floating",
    "deemed_rate.compounding": "compound | simple",
    "deemed_rate.day_count": "act/365 | act/360 | 30/360 (unset: act/365 assumed)",
    "split.pre_partner_share": "partner's share until it recovers its DAA",
    "split.post_partner_share": "partner's share afterwards",
    "split.periods_per_year": "distribution periods a year in the waterfall",
    "accounting_scope": "per_project | pooled",
    "tariff.agreed": "agreed all-in tariff rate (fraction)",
    "tariff.previous": "tariff rate before the deal (fraction)",
    "tariff.on_decline": "tariff rate assumed if the partner declines a selected project",
    "consultation_gate": "hard | advisory",
    "funding_currency": "the currency fundings must be made in",
    "shortfall_review_years": "years within which, if the partner is clearly not going to "
                              "recover its DAA, the split may be adjusted (a recorded term)",
    "nonpayment.us_keeps_payouts": "true when, if the partner does not pay a selected project, "
                                   "the US keeps the partner's interest and distributions "
                                   "until the unpaid amount is made up (a recorded term)",
    "tariff.autos_previous": "tariff rate on cars and parts before the deal (fraction; "
                             "a recorded term)",
    "tariff.autos_agreed": "agreed tariff rate on cars and parts (fraction; a recorded term)",
    "lender_facility": "a partner lender's facility for the programme: lender, name, opens and "
                       "closes (YYYY-MM, as precise as the source; a recorded term)",
}

# Settings kept as terms for people: shown with their sources, computed with by no rule.
RECORDED = ("shortfall_review_years", "nonpayment.us_keeps_payouts", "tariff.autos_previous",
            "tariff.autos_agreed", "lender_facility")

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class _Collector:
    """Gathers problems while reading settings, so all are reported together."""

    def __init__(self, where: str):
        self.where = where
        self.problems: list[Problem] = []

    def add(self, name: str, value: object, rule: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}{name}", value, rule, message))

    def read(self, settings: Settings, name: str, conv: Callable[[Any], Any],
             default: Any = None) -> Any:
        if name not in settings or settings[name] is None or settings[name] == "":
            return default
        raw = settings[name]
        try:
            return conv(raw)
        except PledgeError as exc:
            for p in exc.problems:
                self.add(name, raw, p.rule, p.message)
        except (ValueError, TypeError, InvalidOperation) as exc:
            self.add(name, raw, "framework.bad_setting", str(exc) or "not a valid value")
        return default


def _usd(raw: Any) -> Decimal:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    text = str(raw)
    if _PLAIN_NUMBER.match(text):
        return Decimal(text.strip())
    rng = parse_amount(text)
    if rng.currency != "USD" or not rng.is_single or rng.low is None:
        raise ValueError("must be a single amount in US dollars")
    return rng.low


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, float):
        raw = repr(raw)
    return Decimal(str(raw))


def _date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw))


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError("must be true or false")


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("must be a whole number")
    return int(str(raw))


def _choice(enum: type[Any]) -> Callable[[Any], Any]:
    def conv(raw: Any) -> Any:
        try:
            return enum(str(raw).strip().lower())
        except ValueError:
            names = ", ".join(m.value for m in enum)
            raise ValueError(f"must be one of: {names}") from None
    return conv


def _text_choice(*allowed: str) -> Callable[[Any], str]:
    def conv(raw: Any) -> str:
        text = str(raw).strip().lower()
        if text not in allowed:
            raise ValueError(f"must be one of: {', '.join(allowed)}")
        return text
    return conv


def _month(raw: Any) -> str:
    text = str(raw).strip()
    if not _MONTH.match(text):
        raise ValueError("must be a month YYYY-MM")
    return text


def _facility(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ValueError("must be a table with lender, name, opens and closes")
    out = {k: str(raw.get(k, "")).strip() for k in ("lender", "name", "opens", "closes")}
    missing = [k for k, v in out.items() if not v]
    if missing:
        raise ValueError(f"needs {', '.join(missing)}")
    extra = sorted(set(raw) - set(out))
    if extra:
        raise ValueError(f"unknown keys: {', '.join(extra)}")
    out["opens"], out["closes"] = _month(out["opens"]), _month(out["closes"])
    if out["opens"] > out["closes"]:
        raise ValueError("the facility closes before it opens")
    return out


_RECORDED_CONV: dict[str, Callable[[Any], Any]] = {
    "shortfall_review_years": _int,
    "nonpayment.us_keeps_payouts": _bool,
    "tariff.autos_previous": _decimal,
    "tariff.autos_agreed": _decimal,
    "lender_facility": _facility,
}


def _sectors(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [s for s in raw.split(",") if s.strip()]
    return tuple(str(s).strip() for s in raw)


def _components(raw: Any, col: _Collector) -> tuple[Component, ...]:
    out: list[Component] = []
    if not isinstance(raw, list):
        col.add("components", raw, "framework.bad_setting", "must be a list of tables")
        return ()
    for i, item in enumerate(raw):
        sub = _Collector(f"{col.where}components[{i}].")
        if not isinstance(item, Mapping):
            col.add(f"components[{i}]", item, "framework.bad_setting", "must be a table")
            continue
        key = str(item.get("key", "")).strip()
        if not key:
            sub.add("key", item.get("key"), "framework.missing", "a component needs a key")
        amount = sub.read(dict(item), "amount", _usd)
        if amount is None:
            sub.add("amount", item.get("amount"), "framework.missing",
                    "a component needs an amount in US dollars")
        mechanism = sub.read(dict(item), "mechanism", _choice(Mechanism), Mechanism.FUND)
        annual_cap = sub.read(dict(item), "annual_cap", _usd)
        col.problems.extend(sub.problems)
        if key and amount is not None:
            out.append(Component(key=key, label=str(item.get("label", key)), amount=amount,
                                 mechanism=mechanism, annual_cap=annual_cap))
    return tuple(out)


def settings_to_terms(effective_from: date, settings: Settings,
                      sources: Mapping[str, tuple[str, ...]] | None = None,
                      note: str = "", where: str = "", *,
                      assumptions: Mapping[str, Assumption] | None = None,
                      earlier_claims: tuple[EarlierClaim, ...] = ()) -> FrameworkTerms:
    """Build one version of the terms from flat settings; raises InvalidInput with all problems."""
    col = _Collector(where)
    for name in settings:
        if name not in SETTINGS:
            col.add(name, settings[name], "framework.unknown_setting",
                    f"unknown setting (known: {', '.join(sorted(SETTINGS))})")
    commitment = col.read(settings, "commitment", _usd)
    if commitment is None:
        col.add("commitment", settings.get("commitment"), "framework.missing",
                "every framework needs a commitment in US dollars")
        commitment = Decimal(0)
    components: tuple[Component, ...] = ()
    if settings.get("components"):
        components = _components(settings["components"], col)
    elif commitment:
        components = (Component("total", "Total commitment", commitment, Mechanism.PLEDGE),)

    window: FundingWindow | None = None
    if "funding_window.length" in settings:
        length = col.read(settings, "funding_window.length", _int, 45)
        unit = col.read(settings, "funding_window.unit", _choice(DayUnit), DayUnit.BUSINESS)
        meaning = col.read(settings, "funding_window.meaning", _choice(WindowMeaning),
                           WindowMeaning.DEADLINE)
        cal = col.read(settings, "funding_window.calendar", _choice(CalendarName),
                       CalendarName.US)
        start = col.read(settings, "funding_window.start", _choice(StartEvent),
                         StartEvent.NOTICE)
        window = FundingWindow(length, unit, meaning, cal, start)

    cap_counting = {inst: col.read(settings, f"cap_counting.{inst.value}", _decimal, Decimal(1))
                    for inst in Instrument}

    deemed: DeemedRate | None = None
    if "deemed_rate.benchmark" in settings:
        deemed = DeemedRate(
            benchmark=str(settings["deemed_rate.benchmark"]),
            benchmark_rate=col.read(settings, "deemed_rate.benchmark_rate", _decimal),
            spread_bps=col.read(settings, "deemed_rate.spread_bps", _decimal),
            rate_type=col.read(settings, "deemed_rate.rate_type",
                               _text_choice("fixed", "floating"), "fixed"),
            compounding=col.read(settings, "deemed_rate.compounding",
                                 _text_choice("compound", "simple"), "compound"),
            day_count=col.read(settings, "deemed_rate.day_count", _text_choice(*DAY_COUNTS)),
        )
    split: SplitRule | None = None
    if "split.pre_partner_share" in settings:
        split = SplitRule(col.read(settings, "split.pre_partner_share", _decimal, Decimal("0.5")),
                          col.read(settings, "split.post_partner_share", _decimal,
                                   Decimal("0.1")),
                          col.read(settings, "split.periods_per_year", _int, 4))

    terms = FrameworkTerms(
        effective_from=effective_from,
        commitment=commitment,
        components=components,
        period_start=col.read(settings, "period_start", _date),
        period_end=col.read(settings, "period_end", _date),
        funding_deadline=col.read(settings, "funding_deadline", _date),
        sectors=col.read(settings, "sectors", _sectors, ()),
        sectors_open=col.read(settings, "sectors_open", _bool, True),
        window=window,
        cap_counting=cap_counting,
        deemed_rate=deemed,
        split=split,
        accounting_scope=col.read(settings, "accounting_scope",
                                  _text_choice("per_project", "pooled")),
        tariff_agreed=col.read(settings, "tariff.agreed", _decimal),
        tariff_previous=col.read(settings, "tariff.previous", _decimal),
        tariff_on_decline=col.read(settings, "tariff.on_decline", _decimal),
        consultation_gate=col.read(settings, "consultation_gate", _choice(ConsultationGate),
                                   ConsultationGate.HARD),
        funding_currency=str(settings.get("funding_currency") or "USD").upper(),
        recorded={name: value for name in RECORDED
                  if (value := col.read(settings, name, _RECORDED_CONV[name])) is not None},
        sources=dict(sources or {}),
        assumptions=dict(assumptions or {}),
        earlier_claims=tuple(earlier_claims),
        note=note,
    )
    if not col.problems:
        for p in check_window_rules(terms):
            col.add(p.field, p.value, p.rule, p.message)
    if col.problems:
        raise InvalidInput(col.problems)
    return terms


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def terms_to_settings(terms: FrameworkTerms) -> Settings:
    """The flat settings form of a version of the terms (JSON-compatible values)."""
    out: Settings = {
        "commitment": _plain(terms.commitment),
        "components": [
            {"key": c.key, "label": c.label, "amount": _plain(c.amount),
             "mechanism": c.mechanism.value,
             **({"annual_cap": _plain(c.annual_cap)} if c.annual_cap is not None else {})}
            for c in terms.components
        ],
        "sectors": list(terms.sectors),
        "sectors_open": terms.sectors_open,
        "consultation_gate": terms.consultation_gate.value,
        "funding_currency": terms.funding_currency,
    }
    for name, d in (("period_start", terms.period_start), ("period_end", terms.period_end),
                    ("funding_deadline", terms.funding_deadline)):
        if d is not None:
            out[name] = d.isoformat()
    if terms.window is not None:
        w = terms.window
        out.update({"funding_window.length": w.length, "funding_window.unit": w.unit.value,
                    "funding_window.meaning": w.meaning.value,
                    "funding_window.calendar": w.calendar.value,
                    "funding_window.start": w.start.value})
    for inst, factor in terms.cap_counting.items():
        out[f"cap_counting.{inst.value}"] = _plain(factor)
    if terms.deemed_rate is not None:
        r = terms.deemed_rate
        out["deemed_rate.benchmark"] = r.benchmark
        if r.benchmark_rate is not None:
            out["deemed_rate.benchmark_rate"] = _plain(r.benchmark_rate)
        if r.spread_bps is not None:
            out["deemed_rate.spread_bps"] = _plain(r.spread_bps)
        out["deemed_rate.rate_type"] = r.rate_type
        out["deemed_rate.compounding"] = r.compounding
        if r.day_count is not None:
            out["deemed_rate.day_count"] = r.day_count
    if terms.split is not None:
        out["split.pre_partner_share"] = _plain(terms.split.pre_partner_share)
        out["split.post_partner_share"] = _plain(terms.split.post_partner_share)
        out["split.periods_per_year"] = terms.split.periods_per_year
    for name, value in (("accounting_scope", terms.accounting_scope),
                        ("tariff.agreed", _plain(terms.tariff_agreed)),
                        ("tariff.previous", _plain(terms.tariff_previous)),
                        ("tariff.on_decline", _plain(terms.tariff_on_decline))):
        if value is not None:
            out[name] = value
    for name, term in terms.recorded.items():
        out[name] = _plain(term) if isinstance(term, Decimal) else (
            dict(term) if isinstance(term, Mapping) else term)
    return out


def apply_changes(terms: FrameworkTerms, changes: Mapping[str, object]) -> FrameworkTerms:
    """The terms with ``changes`` (dotted setting names to raw values) applied and validated."""
    settings = terms_to_settings(terms)
    for name, value in changes.items():
        if name not in SETTINGS:
            raise InvalidInput.single(name, value, "framework.unknown_setting",
                                      f"unknown setting (known: {', '.join(sorted(SETTINGS))})")
        settings[name] = value
    if "commitment" in changes and "components" not in changes and len(terms.components) == 1:
        only = settings["components"][0]
        only["amount"] = changes["commitment"]
    return settings_to_terms(terms.effective_from, settings, terms.sources, terms.note,
                             assumptions={k: a for k, a in terms.assumptions.items()
                                          if k not in changes})


def framework_from_document(doc: Mapping[str, Any], origin: str = "") -> Framework:
    """Build a framework from a data-file document (see ``framework_document``)."""
    from pledge.domain.framework_document import read_framework_document

    return read_framework_document(doc, origin)

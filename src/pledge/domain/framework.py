"""Frameworks and their versioned terms.

A *framework* is one government-to-government pledge (Japan's US$550bn, Korea's
US$350bn, ...). Its *terms* are versioned: an amendment takes effect from a date
and the older versions stay in the history, so any past decision can be checked
against the terms in force on its date.

Every term the sources disagree on (see the fact sheet's open questions) is a
setting here, never a constant in code: the funding window's length, unit,
meaning, calendar and start event; what counts toward the cap; the deemed-rate
benchmark and spread; the split shares; the accounting scope.

Money in the terms is in US dollars (the currency every framework is denominated
in); amounts are ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pledge.domain.calendars import BusinessCalendar, CalendarName, DayUnit, window_date
from pledge.domain.errors import InvalidInput, NotFound, Problem


class Mechanism(StrEnum):
    """How a framework (or one of its components) is delivered.

    FUND: the full machinery (committees, selection, notice, funding, SPV, split).
    PLEDGE: a headline commitment with none of that machinery (the EU's
    intended private investment, Taiwan's company investment).
    """

    FUND = "fund"
    PLEDGE = "pledge"


class WindowMeaning(StrEnum):
    """What the date computed from the funding window means.

    DEADLINE: funding must arrive on or before it ("within 45 days").
    EARLIEST: funding may not arrive before it ("at least 45 days after").
    """

    DEADLINE = "deadline"
    EARLIEST = "earliest"


class StartEvent(StrEnum):
    """Which event starts the funding clock."""

    SELECTION = "selection"
    NOTICE = "notice"


class Instrument(StrEnum):
    """How the partner's money reaches a project."""

    EQUITY = "equity"
    LOAN = "loan"
    GUARANTEE = "guarantee"


class ConsultationGate(StrEnum):
    """Whether a recorded consultation-committee consultation is required to recommend."""

    HARD = "hard"
    ADVISORY = "advisory"


@dataclass(frozen=True, slots=True)
class FundingWindow:
    """The funding window after a selection (or its notice).

    length:   number of days (45 for Japan and Korea)
    unit:     business or calendar days
    meaning:  a deadline, or the earliest permitted funding date
    calendar: whose business days count (us, jp, joint)
    start:    the event that starts the clock (selection or notice)
    """

    length: int
    unit: DayUnit
    meaning: WindowMeaning
    calendar: CalendarName
    start: StartEvent

    def date_from(self, start: date, calendar: BusinessCalendar) -> date:
        """The window's date for a clock started on ``start`` (see ``window_date``)."""
        return window_date(start, self.length, self.unit, calendar)


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a framework's headline commitment.

    key:        short identifier ("strategic", "shipbuilding")
    label:      for people
    amount:     US dollars committed to this component
    mechanism:  fund (full machinery) or pledge (headline only)
    annual_cap: US dollars that may be funded per year, or None
    """

    key: str
    label: str
    amount: Decimal
    mechanism: Mechanism
    annual_cap: Decimal | None = None


DAY_COUNTS = ("act/365", "act/360", "30/360")
DEFAULT_DAY_COUNT = "act/365"


@dataclass(frozen=True, slots=True)
class DeemedRate:
    """The deemed interest rate that grows the deemed allocation amount.

    benchmark:  name of the benchmark ("SOFR_6M", "UST_20Y", "custom")
    benchmark_rate: the benchmark's assumed annual rate as a fraction, or None if unset
    spread_bps: spread over the benchmark in basis points, or None if negotiated per project
    rate_type:  "fixed" or "floating"
    compounding: "compound" or "simple"
    day_count:  how days become years for dated interest ("act/365", "act/360", "30/360"),
                or None when the terms do not say (then ``DEFAULT_DAY_COUNT`` is assumed)
    """

    benchmark: str
    benchmark_rate: Decimal | None
    spread_bps: Decimal | None
    rate_type: str = "fixed"
    compounding: str = "compound"
    day_count: str | None = None

    @property
    def day_basis(self) -> str:
        """The day count in use: the setting, or the assumed default when it is unset."""
        return self.day_count or DEFAULT_DAY_COUNT

    @property
    def annual_rate(self) -> Decimal | None:
        """Benchmark plus spread as an annual fraction, or None when either is unset."""
        if self.benchmark_rate is None or self.spread_bps is None:
            return None
        return self.benchmark_rate + self.spread_bps / Decimal(10000)


@dataclass(frozen=True, slots=True)
class SplitRule:
    """The cash-flow split: the partner's share before and after it recovers its DAA.

    periods_per_year: how many distribution periods a year the waterfall runs on
    """

    pre_partner_share: Decimal
    post_partner_share: Decimal
    periods_per_year: int = 4


@dataclass(frozen=True, slots=True)
class Reading:
    """Another reading of an assumed setting.

    value:   the setting's value under this reading (as a data file writes it), or None
             when the reading gives no single value ("negotiated per project")
    reading: what the reading says, for people
    sources: where this reading is found (may be empty when no source states it)
    """

    value: object | None
    reading: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assumption:
    """Why a setting's value is an assumption rather than a term a source states.

    basis:        why this value was chosen, for people
    alternatives: the other readings, each with its sources
    """

    basis: str
    alternatives: tuple[Reading, ...] = ()


@dataclass(frozen=True, slots=True)
class EarlierClaim:
    """A claim about the terms made before a version, which that version does not adopt.

    made:     when the claim was made, as precisely as its source gives it ("2025-07")
    by:       who made it
    claim:    what it said, for people
    settings: the settings as the claim would have them (setting name -> value)
    sources:  where the claim is found
    disputed_by: who disputed it and how, for people ("" when nobody did)
    dispute_sources: where the dispute is found
    """

    made: str
    by: str
    claim: str
    settings: Mapping[str, object]
    sources: tuple[str, ...]
    disputed_by: str = ""
    dispute_sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FrameworkTerms:
    """One version of a framework's terms, in force from ``effective_from``.

    commitment:   headline US dollars pledged (sum of the components)
    components:   the parts of the commitment; fundings count against a FUND component
    period_start / period_end: the investment period; selections must fall inside it
    funding_deadline: last date on which funding may happen at all, or None
    sectors:      eligible sectors (canonical keys); ``sectors_open`` when the list is
                  "including but not limited to"
    window:       the funding window (None for pledges without the machinery)
    cap_counting: per instrument, the fraction of face value that counts toward the cap
    deemed_rate, split, accounting_scope: economics (None where unknown)
    tariff_agreed / tariff_previous / tariff_on_decline: ad-valorem rates as fractions
    consultation_gate: whether recommending needs a recorded CC consultation
    funding_currency: the only currency fundings may be made in
    recorded:     terms kept for people that no rule computes with (setting name -> value,
                  as converted): the non-payment rule, the shortfall review, car tariffs,
                  a lender's facility window
    sources:      setting name -> the sources it was read from
    assumptions:  setting name -> why its value is assumed, with the other readings; a
                  setting not named here is stated by its sources
    earlier_claims: claims about the terms made before this version that it does not adopt
    note:         what this version changed, for people
    """

    effective_from: date
    commitment: Decimal
    components: tuple[Component, ...]
    period_start: date | None = None
    period_end: date | None = None
    funding_deadline: date | None = None
    sectors: tuple[str, ...] = ()
    sectors_open: bool = True
    window: FundingWindow | None = None
    cap_counting: Mapping[Instrument, Decimal] = field(default_factory=dict)
    deemed_rate: DeemedRate | None = None
    split: SplitRule | None = None
    accounting_scope: str | None = None
    tariff_agreed: Decimal | None = None
    tariff_previous: Decimal | None = None
    tariff_on_decline: Decimal | None = None
    consultation_gate: ConsultationGate = ConsultationGate.HARD
    funding_currency: str = "USD"
    recorded: Mapping[str, object] = field(default_factory=dict)
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    assumptions: Mapping[str, Assumption] = field(default_factory=dict)
    earlier_claims: tuple[EarlierClaim, ...] = ()
    note: str = ""

    def component(self, key: str | None = None) -> Component:
        """The named component, or the first FUND component when ``key`` is None."""
        if key is None:
            for c in self.components:
                if c.mechanism is Mechanism.FUND:
                    return c
            raise NotFound.single(
                "component", None, "framework.no_fund_component",
                "this framework has no fund component: nothing can be funded through it",
            )
        for c in self.components:
            if c.key == key:
                return c
        keys = ", ".join(c.key for c in self.components)
        raise NotFound.single("component", key, "framework.unknown_component",
                              f"no such component (known: {keys})")

    def counted(self, amount: Decimal, instrument: Instrument) -> Decimal:
        """The part of ``amount`` given through ``instrument`` that counts toward the cap."""
        return amount * self.cap_counting.get(instrument, Decimal(1))

    @property
    def has_machinery(self) -> bool:
        return any(c.mechanism is Mechanism.FUND for c in self.components)


@dataclass(frozen=True, slots=True)
class Framework:
    """A framework with the full history of its terms (oldest first).

    key:      stable identifier ("japan", "korea", "eu", "taiwan")
    name:     for people
    partner:  the pledging country
    partner_currency: ISO code of the partner's currency
    versions: every version of the terms, ordered by effective date
    """

    key: str
    name: str
    partner: str
    partner_currency: str
    versions: tuple[FrameworkTerms, ...]

    def __post_init__(self) -> None:
        if not self.versions:
            raise InvalidInput.single("versions", self.key, "framework.no_terms",
                                      "a framework needs at least one version of its terms")
        dates = [v.effective_from for v in self.versions]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise InvalidInput.single("effective_from", dates, "framework.version_order",
                                      "term versions must have distinct, increasing dates")

    @property
    def current(self) -> FrameworkTerms:
        return self.versions[-1]

    def terms_on(self, on: date) -> FrameworkTerms:
        """The terms in force on ``on``: the latest version effective on or before it.

        Before the first version the first version applies (a framework's terms are
        what it was agreed with; nothing earlier is known).
        """
        chosen = self.versions[0]
        for v in self.versions:
            if v.effective_from <= on:
                chosen = v
        return chosen

    def amend(self, effective_from: date, changes: Mapping[str, object],
              sources: Mapping[str, tuple[str, ...]], note: str) -> Framework:
        """A new framework whose latest version applies ``changes`` from ``effective_from``.

        ``changes`` maps dotted setting names (as in the data files) to raw values;
        they are validated exactly as the data files are. Raises InvalidInput when the
        date is not after the latest version or a change is invalid.
        """
        from pledge.domain.framework_data import apply_changes

        latest = self.current
        if effective_from <= latest.effective_from:
            raise InvalidInput.single(
                "effective_from", effective_from.isoformat(), "framework.amend_order",
                f"an amendment must take effect after the latest version "
                f"({latest.effective_from.isoformat()})")
        new_terms = apply_changes(latest, changes)
        merged_sources = dict(latest.sources)
        merged_sources.update(sources)
        # A changed setting is now stated by the amendment's sources: no longer assumed.
        assumed = {k: a for k, a in latest.assumptions.items() if k not in changes}
        new_terms = replace(new_terms, effective_from=effective_from, sources=merged_sources,
                            assumptions=assumed, earlier_claims=(), note=note)
        return replace(self, versions=(*self.versions, new_terms))


def check_window_rules(terms: FrameworkTerms) -> list[Problem]:
    """Consistency problems in a set of terms (all of them, not just the first)."""
    problems: list[Problem] = []
    total = sum((c.amount for c in terms.components), Decimal(0))
    if terms.components and total != terms.commitment:
        problems.append(Problem("components", str(total), "framework.components_total",
                                f"components add up to {total}, not the commitment "
                                f"{terms.commitment}"))
    if terms.window is not None and terms.window.length <= 0:
        problems.append(Problem("funding_window.length", terms.window.length,
                                "framework.window_length", "the window length must be positive"))
    if (terms.period_start and terms.period_end and terms.period_start > terms.period_end):
        problems.append(Problem("period_end", terms.period_end.isoformat(),
                                "framework.period_order", "the period ends before it starts"))
    if terms.split is not None:
        for name, share in (("split.pre_partner_share", terms.split.pre_partner_share),
                            ("split.post_partner_share", terms.split.post_partner_share)):
            if not Decimal(0) <= share <= Decimal(1):
                problems.append(Problem(name, str(share), "framework.share_range",
                                        "a share must be between 0 and 1"))
    for instrument, factor in terms.cap_counting.items():
        if not Decimal(0) <= factor <= Decimal(1):
            problems.append(Problem(f"cap_counting.{instrument}", str(factor),
                                    "framework.cap_factor", "a factor must be between 0 and 1"))
    return problems

"""The public shape of a framework (the list, a framework with every version of its terms),
its commitments against the cap, the ledger's balances and the funding deadlines.

The command line's ``--json`` prints the bare rows of a list; the API wraps them in
:class:`pledge.models.Rows` (``{data, count}``; the ledger adds ``ledger_balanced``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field

from pledge.domain.framework import Framework
from pledge.models import MoneyText, Rows, Shape
from pledge.services import deadlines as deadlines_svc
from pledge.services import frameworks as fw_svc
from pledge.services import funding as funding_svc
from pledge.services.base import jsonable


class FrameworkSummary(Shape):
    """A framework with its headline commitment (``commitment_usd``)."""

    key: str
    name: str
    partner: str
    commitment_usd: MoneyText
    mechanism: str
    period_end: dt.date | None
    versions: int

    @classmethod
    def of(cls, r: fw_svc.FrameworkSummary) -> FrameworkSummary:
        return cls(key=r.key, name=r.name, partner=r.partner, commitment_usd=r.commitment,
                   mechanism=r.mechanism, period_end=r.period_end, versions=r.versions)


class Reading(Shape):
    """Another reading of an assumed setting: its value (None: no single value), what it
    rests on, and its sources."""

    value: Any
    reading: str
    sources: list[str]


class Assumption(Shape):
    basis: str
    alternatives: list[Reading]


class EarlierClaim(Shape):
    """A claim about the terms made before a version, which that version does not adopt."""

    made: str
    by: str
    claim: str
    settings: dict[str, Any]
    sources: list[str]
    disputed_by: str
    dispute_sources: list[str]


class TermsVersion(Shape):
    """One version of the terms: each setting, its sources, the settings that are
    assumptions, the earlier claims not adopted, the terms recorded for people only
    (``recorded_terms``), the software's defaults (``defaults``) and each sourced
    setting's confidence (``confidence``: official, corroborated or reported)."""

    effective_from: dt.date
    note: str
    settings: dict[str, Any]
    sources: dict[str, list[str]]
    assumptions: dict[str, Assumption]
    earlier_claims: list[EarlierClaim]
    recorded_terms: list[str]
    defaults: list[str]
    confidence: dict[str, str] = Field(default_factory=dict)


class FrameworkDocument(Shape):
    """A framework with every version of its terms."""

    key: str
    name: str
    partner: str
    partner_currency: str
    versions: list[TermsVersion]

    @classmethod
    def of(cls, fw: Framework) -> FrameworkDocument:
        # settings hold numbers, text and money alike: written in their JSON-safe form
        return cls.model_validate(jsonable(fw_svc.framework_document(fw)))


def framework_document(fw: Framework) -> dict[str, Any]:
    return FrameworkDocument.of(fw).document()


class ComponentCommitment(Shape):
    """A component of the commitment: its cap and use, its annual cap and this year's use,
    and whether its cap can be reached by the period's end (None: a pledge)."""

    key: str
    label: str
    mechanism: str
    cap: MoneyText
    allocated: MoneyText
    disbursed: MoneyText
    remaining: MoneyText
    annual_cap: MoneyText | None
    used_this_year: MoneyText
    guaranteed: MoneyText
    reachable: bool | None
    max_reachable: MoneyText | None


class Commitments(Shape):
    """Cap, allocated, disbursed (cash), guaranteed (outstanding), remaining and the pace
    needed, as of a date; by instrument, provider and project (ids as text keys)."""

    framework: str
    as_of: dt.date
    cap: MoneyText
    allocated: MoneyText
    disbursed: MoneyText
    remaining: MoneyText
    period_end: dt.date | None
    required_per_month: MoneyText | None
    components: list[ComponentCommitment]
    by_instrument: dict[str, MoneyText]
    by_provider: dict[str, MoneyText]
    by_project: dict[str, MoneyText]
    ledger_balanced: bool
    guaranteed: MoneyText
    reachable: bool
    max_reachable: MoneyText
    required_per_month_to_cap: MoneyText | None

    @classmethod
    def of(cls, c: funding_svc.Commitments) -> Commitments:
        return cls(
            framework=c.framework, as_of=c.as_of, cap=c.cap, allocated=c.allocated,
            disbursed=c.disbursed, remaining=c.remaining, period_end=c.period_end,
            required_per_month=c.required_per_month,
            components=[ComponentCommitment(
                key=x.key, label=x.label, mechanism=x.mechanism, cap=x.utilisation.cap,
                allocated=x.utilisation.allocated, disbursed=x.utilisation.disbursed,
                remaining=x.utilisation.remaining, annual_cap=x.annual_cap,
                used_this_year=x.used_this_year, guaranteed=x.utilisation.guaranteed,
                reachable=None if x.reach is None else x.reach.reachable,
                max_reachable=None if x.reach is None else x.reach.max_reachable)
                for x in c.components],
            by_instrument={str(k): v for k, v in c.by_instrument.items()},
            by_provider={str(k): v for k, v in c.by_provider.items()},
            by_project={str(k): v for k, v in c.by_project.items()},
            ledger_balanced=c.ledger_balanced, guaranteed=c.guaranteed,
            reachable=c.reachable, max_reachable=c.max_reachable,
            required_per_month_to_cap=c.required_per_month_to_cap)


class Balance(Shape):
    """A ledger balance: the account, and the group when grouped by something else than
    the account (only that one of ``party``, ``project``, ``instrument``, ``provider`` is
    written)."""

    account: str
    party: str | None = None
    project: str | None = None
    instrument: str | None = None
    provider: str | None = None
    balance: MoneyText

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


def balances(rows: Mapping[tuple[str, str], Decimal], by: str) -> list[Balance]:
    """The ledger's balances grouped ``by`` (``account`` or a group) as rows."""
    return [Balance.model_validate({"account": a, "balance": v} if by == "account" else
                                   {"account": a, by: k, "balance": v})
            for (a, k), v in rows.items()]


class Ledger(Rows[Balance]):
    """The ledger's balances and whether every entry balances."""

    ledger_balanced: bool


class ProjectDeadline(Shape):
    """A selected or notified project's funding date (``date``; ``meaning``: a deadline or
    the earliest date), its clock's start, business days left, and whether it is
    ``provisional`` (no notice yet)."""

    id: int
    name: str
    framework: str
    status: str
    clock_start: dt.date
    date: dt.date
    meaning: str
    calendar: str
    business_days_left: int
    provisional: bool
    extension_until: dt.date | None

    @classmethod
    def of(cls, r: deadlines_svc.ProjectDeadline) -> ProjectDeadline:
        return cls.model_validate({
            "id": r.project_id, "name": r.name, "framework": r.framework, "status": r.status,
            "clock_start": r.clock_start, "date": r.due, "meaning": r.meaning,
            "calendar": r.calendar, "business_days_left": r.business_days_left,
            "provisional": r.provisional, "extension_until": r.extension_until})


class Deadline(Shape):
    """A funding date computed from a notice under a window."""

    notice: dt.date
    date: dt.date
    meaning: str
    days: int
    unit: str
    calendar: str

    @classmethod
    def of(cls, d: deadlines_svc.Deadline) -> Deadline:
        return cls.model_validate({"notice": d.notice, "date": d.due, "meaning": d.meaning,
                                   "days": d.days, "unit": d.unit, "calendar": d.calendar})

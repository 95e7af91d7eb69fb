"""The public shape of a project's books: the partner's capital account statement and a
distribution split by the rule (``services.capital``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pledge.models import MoneyText, Shape
from pledge.services import capital as capital_svc


class Contribution(Shape):
    on: date
    instrument: str | None
    provider: str | None
    amount: MoneyText


class GuaranteeHeld(Shape):
    """A guarantee on the project: contingent exposure, outside the account."""

    on: date
    provider: str | None
    amount: MoneyText


class DistributionLine(Shape):
    on: date
    amount: MoneyText
    partner: MoneyText | None
    us: MoneyText | None
    balance_before: MoneyText
    balance_after: MoneyText
    phase: str | None


class Convention(Shape):
    """How the account is kept: the deemed rate, compounding, day count (``assumed`` when
    the terms do not set it), the shares before and after recovery, and rounding."""

    deemed_rate: MoneyText
    compounding: str
    day_count: str
    day_count_assumed: bool
    pre_share: MoneyText
    post_share: MoneyText
    rounding: str
    text: str


class StatementLine(Shape):
    """One movement of the account and the balance owed after it."""

    on: date
    kind: str
    amount: MoneyText
    partner: MoneyText | None
    us: MoneyText | None
    balance: MoneyText


class Statement(Shape):
    """The partner's capital account in a project on ``as_of``: contributions, deemed
    interest, distributions to each side, the balance owed, when it was recouped,
    realised IRR and MOIC (numbers), and the convention used."""

    project: int
    name: str
    framework: str
    partner: str
    as_of: date
    contributed: MoneyText
    contributions_by_instrument: dict[str, MoneyText]
    contributions: list[Contribution]
    guarantees_not_cash: list[GuaranteeHeld]
    deemed_interest: MoneyText
    partner_distributions: MoneyText
    us_distributions: MoneyText
    distributions: list[DistributionLine]
    balance: MoneyText
    recouped_on: date | None
    partner_irr: float | None
    partner_moic: float | None
    convention: Convention
    lines: list[StatementLine]

    @classmethod
    def of(cls, st: capital_svc.Statement) -> Statement:
        return cls.model_validate(st.document())


class Distribution(Shape):
    """A distribution recorded and how the rule split it (``phase``: before or after the
    partner's balance was recovered)."""

    project: int
    on: date
    amount: MoneyText
    partner: MoneyText
    us: MoneyText
    balance_before: MoneyText
    balance_after: MoneyText
    phase: str

    @classmethod
    def of(cls, r: capital_svc.DistributionResult) -> Distribution:
        return cls.model_validate(r.document())


def distribution_document(r: capital_svc.DistributionResult) -> dict[str, Any]:
    return Distribution.of(r).document()

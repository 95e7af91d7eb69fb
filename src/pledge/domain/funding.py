"""The rules of funding a selected project.

A funding is money from a provider (JBIC, NEXI, a bank) into a project's SPV
through one instrument. It is accepted only when:

* the project has been notified (or is already funded, for a further tranche);
* the role is the partner's funder;
* the amount is positive and in the framework's funding currency;
* it respects the funding window: not after a deadline unless an extension
  recorded for the project covers the date, not before an earliest date, and not
  after the framework's last funding day;
* what it counts toward the cap fits in the project's allocation plus the
  component's unallocated capacity, and within the component's annual cap.

``plan_funding`` checks all of these at once and returns the ledger entry to
post, or raises ``RuleViolation`` listing every broken rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pledge.domain.errors import Problem, RuleViolation
from pledge.domain.framework import Component, FrameworkTerms, Instrument, WindowMeaning
from pledge.domain.ledger import Entry, cents, disbursement_entry
from pledge.domain.lifecycle import Role, Stage
from pledge.domain.money import Money, format_amount

FUNDABLE = frozenset({Stage.NOTIFIED, Stage.FUNDED})


@dataclass(frozen=True, slots=True)
class FundingRequest:
    """A proposed funding and the state it is judged against.

    amount, instrument, provider, on, role: the funding itself
    stage:              the project's stage now
    terms, component:   the terms in force on ``on`` and the component funded against
    funding_date, window_meaning: the project's computed window date and its meaning
    extension_until:    the latest date a recorded extension allows, if any
    window_opens:       the date the funding clock started (the notice), if known
    unallocated:        the component's unallocated capacity now
    project_allocated:  the project's outstanding allocation now
    used_in_year:       what fundings already counted toward the cap in ``on``'s year
    """

    project_id: int
    amount: Money
    instrument: Instrument
    provider: str
    on: date
    role: Role
    stage: Stage
    terms: FrameworkTerms
    component: Component
    funding_date: date | None
    window_meaning: WindowMeaning | None
    extension_until: date | None
    unallocated: Decimal
    project_allocated: Decimal
    used_in_year: Decimal
    window_opens: date | None = None


@dataclass(frozen=True, slots=True)
class FundingPlan:
    """An accepted funding: what it counts toward the cap and the entry to post."""

    counted: Decimal
    from_allocation: Decimal
    fresh: Decimal
    entry: Entry
    first: bool


def plan_funding(req: FundingRequest) -> FundingPlan:
    """Judge ``req`` against every funding rule (see the module docstring)."""
    problems: list[Problem] = []
    amt = req.amount
    if req.stage not in FUNDABLE:
        problems.append(Problem("project", req.stage.value, "funding.not_notified",
                                f"the project is '{req.stage.value}'; only a notified (or "
                                f"already funded) project can be funded"))
    if req.role is not Role.FUNDER:
        problems.append(Problem("role", req.role.value, "funding.role_not_allowed",
                                "only the partner's funder may fund"))
    if amt.currency != req.terms.funding_currency:
        problems.append(Problem("amount", f"{format(amt.amount, 'f')} {amt.currency}",
                                "funding.currency",
                                f"fundings are made in {req.terms.funding_currency} only"))
    if amt.amount <= 0:
        problems.append(Problem("amount", format(amt.amount, "f"), "funding.not_positive",
                                "a funding must be a positive amount"))
    if not req.provider.strip():
        problems.append(Problem("provider", req.provider, "funding.no_provider",
                                "name the provider (JBIC, NEXI, a bank)"))

    if req.funding_date is not None and req.window_meaning is WindowMeaning.DEADLINE:
        limit = max(req.funding_date, req.extension_until or req.funding_date)
        if req.on > limit:
            how = ("the extension ends " + limit.isoformat()) if req.extension_until else (
                "no extension is recorded")
            problems.append(Problem("on", req.on.isoformat(), "funding.window_late",
                                    f"the funding deadline was {req.funding_date.isoformat()} "
                                    f"and {how}"))
    if (req.funding_date is not None and req.window_meaning is WindowMeaning.EARLIEST
            and req.on < req.funding_date):
        problems.append(Problem("on", req.on.isoformat(), "funding.window_early",
                                f"funding may not happen before "
                                f"{req.funding_date.isoformat()} under this framework"))
    if req.window_opens is not None and req.on < req.window_opens:
        problems.append(Problem("on", req.on.isoformat(), "funding.before_notice",
                                f"the project was notified on {req.window_opens.isoformat()}; "
                                f"it cannot be funded before that"))
    if req.terms.period_start is not None and req.on < req.terms.period_start:
        problems.append(Problem("on", req.on.isoformat(), "funding.before_period",
                                f"the investment period starts "
                                f"{req.terms.period_start.isoformat()}"))
    if req.terms.funding_deadline is not None and req.on > req.terms.funding_deadline:
        problems.append(Problem("on", req.on.isoformat(), "funding.after_framework_deadline",
                                f"the framework allows no funding after "
                                f"{req.terms.funding_deadline.isoformat()}"))

    counted = cents(req.terms.counted(amt.amount, req.instrument))
    from_allocation = min(counted, max(req.project_allocated, Decimal(0)))
    fresh = counted - from_allocation
    # The cap is checked only for an amount that could be funded at all.
    fundable = amt.amount > 0 and amt.currency == req.terms.funding_currency
    if fundable and fresh > req.unallocated:
        problems.append(Problem(
            "amount", format(amt.amount, "f"), "cap.exceeded",
            f"this funding needs {format_amount(fresh, 'USD')} of unallocated capacity but only "
            f"{format_amount(req.unallocated, 'USD')} remains under the "
            f"{format_amount(req.component.amount, 'USD')} cap"))
    cap = req.component.annual_cap
    if fundable and cap is not None and req.used_in_year + counted > cap:
        problems.append(Problem(
            "amount", format(amt.amount, "f"), "cap.annual_exceeded",
            f"{req.on.year} fundings would reach "
            f"{format_amount(req.used_in_year + counted, 'USD')}, over the annual cap of "
            f"{format_amount(cap, 'USD')}"))
    if problems:
        raise RuleViolation(problems)
    entry = disbursement_entry(
        req.component.key, req.project_id, amount=amt.amount, counted=counted,
        from_allocation=from_allocation, instrument=req.instrument.value,
        provider=req.provider.strip(), on=req.on,
        memo=f"{req.instrument.value} from {req.provider.strip()}")
    return FundingPlan(counted, from_allocation, fresh, entry, first=req.stage is Stage.NOTIFIED)


def check_allocation(amount: Decimal, unallocated: Decimal, stage: Stage, role: Role) -> None:
    """Raise RuleViolation unless ``role`` may allocate ``amount`` to a project at ``stage``."""
    problems: list[Problem] = []
    if role not in (Role.IC, Role.ADMIN):
        problems.append(Problem("role", role.value, "allocation.role_not_allowed",
                                "only the investment committee allocates capacity"))
    if stage not in (Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED, Stage.FUNDED):
        problems.append(Problem("project", stage.value, "allocation.stage",
                                "capacity is allocated to recommended, selected, notified or "
                                "funded projects only"))
    if amount <= 0:
        problems.append(Problem("amount", format(amount, "f"), "allocation.not_positive",
                                "an allocation must be positive"))
    elif amount > unallocated:
        problems.append(Problem("amount", format(amount, "f"), "cap.exceeded",
                                f"only {format_amount(unallocated, 'USD')} is unallocated"))
    if problems:
        raise RuleViolation(problems)


def check_cap_amendment(component: str, new_amount: Decimal, allocated: Decimal) -> None:
    """Raise RuleViolation if an amended cap would fall below what is already allocated."""
    if new_amount < allocated:
        raise RuleViolation.single(
            "commitment", format(new_amount, "f"), "cap.below_allocated",
            f"the {component} component already has {format_amount(allocated, 'USD')} "
            f"allocated or funded; its cap cannot be amended below that")

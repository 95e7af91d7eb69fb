"""The rules of funding a selected project, and of its allocation under the cap.

A project selected by the President is allocated its approved amount under the cap,
at once (``plan_allocation`` with no role: part of the selection). The investment
committee may later change the allocation up or down, with a reason, never below
what fundings have drawn from it.

A funding is money from a provider (JBIC, NEXI, a bank) into a project's SPV
through one instrument: equity and loans are cash; a guarantee is contingent
exposure (no cash reaches the SPV) until it is called (``plan_guarantee_call``),
when the called part becomes cash paid in by the guarantor. A funding is accepted
only when:

* the project has been notified (or is already funded, for a further tranche);
* the role is the partner's funder;
* the amount is positive and in the framework's funding currency;
* it respects the funding window: not after a deadline unless an extension
  recorded for the project covers the date, not before an earliest date, and not
  after the framework's last funding day;
* what it counts toward the cap (the framework's cap-counting factor for its
  instrument) fits in what is left of the project's allocation: a funding never
  draws on the framework's unallocated capacity; and within the component's
  annual cap.

``plan_funding`` checks all of these at once and returns the ledger entry to
post, or raises ``RuleViolation`` listing every broken rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pledge.domain.errors import Problem, RuleViolation
from pledge.domain.framework import Component, FrameworkTerms, Instrument, WindowMeaning
from pledge.domain.ledger import (
    Entry,
    allocation_entry,
    cents,
    disbursement_entry,
    guarantee_call_entry,
    guarantee_entry,
    release_entry,
)
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
    project_allocated:  what is left of the project's allocation now (not yet drawn)
    project_used:       what the project's fundings already drew from its allocation
    used_in_year:       what fundings already counted toward the cap in ``on``'s year
    project_name:       for messages
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
    project_allocated: Decimal
    used_in_year: Decimal
    window_opens: date | None = None
    project_used: Decimal = Decimal(0)
    project_name: str = ""


@dataclass(frozen=True, slots=True)
class FundingPlan:
    """An accepted funding: what it counts toward the cap (all of it drawn from the
    project's allocation) and the entry to post."""

    counted: Decimal
    entry: Entry
    first: bool


def project_label(project_id: int, name: str) -> str:
    return f"project {project_id}" + (f" ({name})" if name else "")


def over_allocation(project_id: int, name: str, field: str, value: str, allocation: Decimal,
                    used: Decimal, counted: Decimal) -> Problem:
    """The refusal of a funding that would take a project past its allocation."""
    shortfall = used + counted - allocation
    return Problem(field, value, "funding.over_allocation",
                   f"{project_label(project_id, name)} has an allocation of "
                   f"{format_amount(allocation, 'USD')} ({format_amount(used, 'USD')} drawn); "
                   f"this would count {format_amount(counted, 'USD')} toward the cap: "
                   f"{format_amount(shortfall, 'USD')} short (`pledge allocate` changes an "
                   f"allocation)")


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
    # The caps are checked only for an amount that could be funded at all.
    fundable = amt.amount > 0 and amt.currency == req.terms.funding_currency
    available = max(req.project_allocated, Decimal(0))
    if fundable and counted > available:
        problems.append(over_allocation(
            req.project_id, req.project_name, "amount", format(amt.amount, "f"),
            available + req.project_used, req.project_used, counted))
    cap = req.component.annual_cap
    if fundable and cap is not None and req.used_in_year + counted > cap:
        problems.append(Problem(
            "amount", format(amt.amount, "f"), "cap.annual_exceeded",
            f"{req.on.year} fundings would reach "
            f"{format_amount(req.used_in_year + counted, 'USD')}, over the annual cap of "
            f"{format_amount(cap, 'USD')}"))
    if problems:
        raise RuleViolation(problems)
    provider = req.provider.strip()
    memo = f"{req.instrument.value} from {provider}"
    if req.instrument is Instrument.GUARANTEE:
        entry = guarantee_entry(req.component.key, req.project_id, amount=amt.amount,
                                counted=counted, provider=provider, on=req.on, memo=memo)
    else:
        entry = disbursement_entry(
            req.component.key, req.project_id, amount=amt.amount, counted=counted,
            from_allocation=counted, instrument=req.instrument.value, provider=provider,
            on=req.on, memo=memo)
    return FundingPlan(counted, entry, first=req.stage is Stage.NOTIFIED)


@dataclass(frozen=True, slots=True)
class GuaranteeCall:
    """A call on a project's guarantees and the state it is judged against.

    amount, on, role:   the call (US dollars), its date, who records it
    provider:           whose guarantee is called
    outstanding:        that provider's guarantee exposure on the project now
    project_allocated, project_used, used_in_year: as for a funding
    """

    project_id: int
    amount: Money
    on: date
    role: Role
    provider: str
    outstanding: Decimal
    terms: FrameworkTerms
    component: Component
    project_allocated: Decimal
    project_used: Decimal
    used_in_year: Decimal
    project_name: str = ""


def plan_guarantee_call(req: GuaranteeCall) -> Entry:
    """The entry turning the called part of a guarantee into cash paid into the SPV.

    Refused (all problems at once) unless the role is the partner's funder, the amount
    is positive, in the funding currency and at most the exposure outstanding. What the
    cap counts of cash beyond what it counted of the guarantee (nothing when both count
    at face value) is drawn from the project's allocation and the year's annual cap.
    """
    problems: list[Problem] = []
    amt = req.amount
    label = project_label(req.project_id, req.project_name)
    if req.role is not Role.FUNDER:
        problems.append(Problem("role", req.role.value, "funding.role_not_allowed",
                                "only the partner's funder records a guarantee call"))
    if amt.currency != req.terms.funding_currency:
        problems.append(Problem("amount", f"{format(amt.amount, 'f')} {amt.currency}",
                                "funding.currency",
                                f"guarantees are called in {req.terms.funding_currency}"))
    if amt.amount <= 0:
        problems.append(Problem("amount", format(amt.amount, "f"), "funding.not_positive",
                                "a guarantee call must be a positive amount"))
    elif amt.amount > req.outstanding:
        problems.append(Problem(
            "amount", format(amt.amount, "f"), "guarantee.over_outstanding",
            f"{label} has {format_amount(req.outstanding, 'USD')} of guarantees from "
            f"{req.provider} outstanding; no more can be called"))
    more = cents(req.terms.counted(amt.amount, Instrument.EQUITY)
                 - req.terms.counted(amt.amount, Instrument.GUARANTEE))
    more = max(more, Decimal(0))
    if not problems and more:
        available = max(req.project_allocated, Decimal(0))
        if more > available:
            problems.append(over_allocation(req.project_id, req.project_name, "amount",
                                            format(amt.amount, "f"),
                                            available + req.project_used, req.project_used,
                                            more))
        cap = req.component.annual_cap
        if cap is not None and req.used_in_year + more > cap:
            problems.append(Problem(
                "amount", format(amt.amount, "f"), "cap.annual_exceeded",
                f"{req.on.year} fundings would reach "
                f"{format_amount(req.used_in_year + more, 'USD')}, over the annual cap of "
                f"{format_amount(cap, 'USD')}"))
    if problems:
        raise RuleViolation(problems)
    return guarantee_call_entry(req.component.key, req.project_id, amount=amt.amount,
                                more_counted=more, provider=req.provider, on=req.on,
                                memo=f"guarantee from {req.provider} called")


#: Stages at which a project holds an allocation the investment committee may change.
ALLOCATING = frozenset({Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED, Stage.FUNDED,
                        Stage.OPERATING})


def may_change_allocation(role: Role, stage: Stage) -> bool:
    """Whether ``role`` may change the allocation of a project at ``stage`` (the rule
    :func:`plan_allocation` applies: the investment committee, at an ``ALLOCATING`` stage)."""
    return role is Role.IC and stage in ALLOCATING


@dataclass(frozen=True, slots=True)
class AllocationChange:
    """Setting a project's allocation to ``amount`` (US dollars).

    outstanding: what is left of its allocation now (not yet drawn by fundings)
    used:        what its fundings drew (what the allocation may not fall below)
    unallocated: the component's unallocated capacity now
    role:        who changes it; None when the allocation is part of a selection
    reason:      why (required of the investment committee)
    """

    project_id: int
    component: str
    amount: Decimal
    outstanding: Decimal
    used: Decimal
    unallocated: Decimal
    stage: Stage
    on: date
    role: Role | None
    reason: str
    project_name: str = ""

    @property
    def current(self) -> Decimal:
        """The project's allocation now: outstanding plus drawn."""
        return self.outstanding + self.used


def plan_allocation(req: AllocationChange) -> Entry | None:
    """The entry moving a project's allocation to ``req.amount``, or RuleViolation
    (None: a selection at the amount already allocated has nothing to post).

    Up: the difference is taken from unallocated capacity (``cap.exceeded`` beyond it).
    Down: the difference goes back to it, never below what fundings drew
    (``allocation.below_funded``). The investment committee alone changes an
    allocation, with a reason, at a stage that holds one (``ALLOCATING``).
    """
    problems: list[Problem] = []
    label = project_label(req.project_id, req.project_name)
    value = format(req.amount, "f")
    if req.role is not None:
        if req.role is not Role.IC:
            problems.append(Problem("role", req.role.value, "allocation.role_not_allowed",
                                    "only the investment committee changes an allocation"))
        if not req.reason.strip():
            problems.append(Problem("reason", req.reason, "allocation.no_reason",
                                    "say why the allocation changes"))
        if req.stage not in ALLOCATING:
            problems.append(Problem("project", req.stage.value, "allocation.stage",
                                    "capacity is allocated to recommended, selected, notified, "
                                    "funded or operating projects only"))
    change = req.amount - req.current
    if req.amount < 0 or (req.amount == 0 and req.role is None):
        problems.append(Problem("amount", value, "allocation.not_positive",
                                "an allocation must be positive"))
    elif req.amount < req.used:
        problems.append(Problem("amount", value, "allocation.below_funded",
                                f"{label} has drawn {format_amount(req.used, 'USD')} of its "
                                f"allocation; it cannot fall below that"))
    elif change == 0 and req.role is not None:
        problems.append(Problem("amount", value, "allocation.unchanged",
                                f"{label} is already allocated "
                                f"{format_amount(req.current, 'USD')}"))
    elif change > req.unallocated:
        problems.append(Problem("amount", value, "cap.exceeded",
                                f"{label} would need {format_amount(change, 'USD')} more but "
                                f"only {format_amount(req.unallocated, 'USD')} is unallocated"))
    if problems:
        raise RuleViolation(problems)
    memo = req.reason.strip() or "allocation"
    if change == 0:
        return None
    if change > 0:
        return allocation_entry(req.component, req.project_id, change, req.on, memo)
    return release_entry(req.component, req.project_id, -change, req.on, memo)


def check_cap_amendment(component: str, new_amount: Decimal, allocated: Decimal) -> None:
    """Raise RuleViolation if an amended cap would fall below what is already allocated."""
    if new_amount < allocated:
        raise RuleViolation.single(
            "commitment", format(new_amount, "f"), "cap.below_allocated",
            f"the {component} component already has {format_amount(allocated, 'USD')} "
            f"allocated or funded; its cap cannot be amended below that")

"""Use cases on money against the cap: fund, allocate, guarantee calls, in-kind,
distributions, commitments."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, select, type_coerce

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import Instrument, Mechanism, WindowMeaning
from pledge.domain.funding import (
    AllocationChange,
    FundingRequest,
    GuaranteeCall,
    plan_allocation,
    plan_funding,
    plan_guarantee_call,
)
from pledge.domain.ledger import (
    ALLOCATED,
    GUARANTEED,
    UNALLOCATED,
    USED,
    InKind,
    Reach,
    Utilisation,
    acct,
    balances,
    cents,
    in_kind_entry,
    reach,
    required_pace,
    utilisation,
)
from pledge.domain.lifecycle import Stage
from pledge.domain.money import Money, parse_amount
from pledge.domain.text import clean_name, clean_text
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    load_framework,
    load_postings,
    now,
    permit,
    post_entries,
    project_row,
    sum_postings,
    unbalanced_entries,
)
from pledge.store import tables as t
from pledge.store.db import reading, transaction


def parse_usd(text: str, field: str = "amount") -> Money:
    """A single amount in whole cents from text ("US$1bn", "250000000"; bare numbers are USD)."""
    stripped = text.strip()
    if stripped and stripped.replace(".", "", 1).replace(",", "").isdigit():
        stripped = f"US${stripped}"
    rng = parse_amount(stripped)
    if not rng.is_single or rng.low is None:
        raise InvalidInput.single(field, text, "money.range_not_allowed",
                                  "give one amount, not a range")
    if cents(rng.low) != rng.low:
        raise InvalidInput.single(field, text, "money.sub_cent",
                                  "amounts are recorded in whole cents")
    return Money(cents(rng.low), rng.currency)


def parse_instrument(text: str) -> Instrument:
    try:
        return Instrument(text.strip().lower())
    except ValueError:
        raise InvalidInput.single("instrument", text, "funding.unknown_instrument",
                                  "instrument is equity, loan or guarantee") from None


def _locked_project(s: Connection, project_id: int | str) -> tuple[Any, Any]:
    """The project and its framework row, the framework row locked for the transaction."""
    row = project_row(s, project_id)
    fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                       .with_for_update()).one()
    # Re-read the project under the lock: a concurrent transaction may have moved it.
    return project_row(s, row.id), fw_row


def _notified_on(s: Connection, project_id: int) -> date | None:
    value = s.execute(select(func.max(t.transitions.c.on)).where(
        t.transitions.c.project_id == project_id,
        t.transitions.c.to_stage == Stage.NOTIFIED.value)).scalar()
    return value if isinstance(value, date) else None


@dataclass(frozen=True, slots=True)
class FundingResult:
    project_id: int
    status: str
    amount: Decimal
    counted: Decimal
    instrument: str
    provider: str
    on: date
    remaining: Decimal


def fund(engine: Engine, project_id: int | str, amount: str, on: date, instrument: str,
         provider: str, actor: Actor) -> FundingResult:
    """Fund a notified project; all of the funding rules are checked in ``domain.funding``."""
    permit(actor, Action.FUND)
    check_dates(on=on)
    provider = clean_name("provider", provider, 120, required=False)
    money = parse_usd(amount)
    inst = parse_instrument(instrument)
    with transaction(engine) as s:
        row, fw_row = _locked_project(s, project_id)
        terms = load_framework(s, fw_row).terms_on(on)
        if not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge: nothing is funded through it")
        component = terms.component(row.component)
        plan = plan_funding(FundingRequest(
            project_id=row.id, amount=money, instrument=inst, provider=provider, on=on,
            role=actor.role, stage=Stage(row.status), terms=terms, component=component,
            funding_date=row.funding_date,
            window_meaning=None if row.window_meaning is None else
            WindowMeaning(row.window_meaning),
            extension_until=row.extension_until,
            project_allocated=sum_postings(s, fw_row.id, acct(component.key, ALLOCATED),
                                           project_id=row.id),
            used_in_year=sum_postings(s, fw_row.id, acct(component.key, USED), year=on.year),
            window_opens=_notified_on(s, row.id),
            project_used=sum_postings(s, fw_row.id, acct(component.key, USED),
                                      project_id=row.id),
            project_name=row.name))
        post_entries(s, fw_row.id, [plan.entry], actor)
        if plan.first:
            s.execute(t.projects.update().where(t.projects.c.id == row.id)
                      .values(status=Stage.FUNDED.value))
            s.execute(t.transitions.insert().values(
                project_id=row.id, from_stage=row.status, to_stage=Stage.FUNDED.value,
                actor=actor.name, role=actor.role.value, on=on,
                reason=f"first funding: {inst.value} from {provider}", sources=[],
                recorded_at=now()))
        audit(s, actor, "project.fund", "project", row.id,
              before={"status": row.status},
              after={"status": Stage.FUNDED.value, "amount": money.amount,
                     "instrument": inst.value, "provider": provider, "on": on,
                     "counted": plan.counted}, project_id=row.id)
        remaining = sum_postings(s, fw_row.id, acct(component.key, UNALLOCATED))
        return FundingResult(row.id, Stage.FUNDED.value, money.amount, plan.counted, inst.value,
                             provider, on, remaining)


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """A project's allocation after a change.

    allocation: the allocation now (what fundings may draw, in total)
    previous:   the allocation before
    funded:     what fundings drew from it so far
    unallocated: the component's capacity left unallocated
    basis:      where the amount came from (for an allocation at selection)
    """

    project_id: int
    on: date
    allocation: Decimal
    previous: Decimal
    funded: Decimal
    unallocated: Decimal
    reason: str
    basis: str = ""

    def document(self) -> dict[str, object]:
        """The change as the CLI's ``--json`` and the API answer it."""
        return {"project": self.project_id, "on": self.on, "amount": self.allocation,
                "previous": self.previous, "funded": self.funded,
                "unallocated": self.unallocated, "reason": self.reason}


def apply_allocation(s: Connection, row: Any, fw_id: int, amount: Decimal, on: date, actor: Actor,
                     reason: str, *, by_committee: bool, basis: str = "") -> AllocationResult:
    """Set a project's allocation to ``amount`` inside the caller's transaction (the
    framework row already locked): the rules are ``domain.funding.plan_allocation``'s.
    ``by_committee`` False: the allocation is part of the President's selection."""
    component = str(row.component)
    outstanding = sum_postings(s, fw_id, acct(component, ALLOCATED), project_id=row.id)
    used = sum_postings(s, fw_id, acct(component, USED), project_id=row.id)
    unallocated = sum_postings(s, fw_id, acct(component, UNALLOCATED))
    entry = plan_allocation(AllocationChange(
        project_id=row.id, component=component, amount=amount, outstanding=outstanding,
        used=used, unallocated=unallocated, stage=Stage(row.status), on=on,
        role=actor.role if by_committee else None, reason=reason, project_name=row.name))
    previous = outstanding + used
    if entry is not None:
        post_entries(s, fw_id, [entry], actor)
        audit(s, actor, "project.allocate", "project", row.id,
              before={"allocation": previous},
              after={"allocation": amount, "on": on, "reason": reason, "basis": basis},
              project_id=row.id)
    return AllocationResult(row.id, on, cents(amount), cents(previous), cents(used),
                            cents(unallocated - (amount - previous)), reason, basis)


def allocate(engine: Engine, project_id: int | str, amount: str, on: date, actor: Actor,
             reason: str = "") -> AllocationResult:
    """Change a project's allocation to ``amount`` (up or down, never below what was
    funded): the investment committee, with a reason; audited."""
    permit(actor, Action.LEDGER_EDIT)
    check_dates(on=on)
    reason = clean_text("reason", reason)
    money = parse_usd(amount)
    with transaction(engine) as s:
        row, fw_row = _locked_project(s, project_id)
        if not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge: nothing is allocated")
        if money.currency != "USD":
            raise InvalidInput.single("amount", amount, "funding.currency",
                                      "allocations are in US dollars")
        return apply_allocation(s, row, fw_row.id, money.amount, on, actor, reason,
                                by_committee=True)


@dataclass(frozen=True, slots=True)
class GuaranteeCallResult:
    project_id: int
    on: date
    amount: Decimal
    provider: str
    outstanding: Decimal  # the provider's guarantee exposure on the project left

    def document(self) -> dict[str, object]:
        """The call as the CLI's ``--json`` and the API answer it."""
        return {"project": self.project_id, "on": self.on, "amount": self.amount,
                "provider": self.provider, "guaranteed": self.outstanding}


def _outstanding_guarantees(s: Connection, fw_id: int, component: str, pid: int
                            ) -> dict[str, Decimal]:
    q = t.postings
    rows = s.execute(select(q.c.provider, type_coerce(func.sum(q.c.amount), t.Cents))
                     .where(q.c.framework_id == fw_id, q.c.project_id == pid,
                            q.c.account == acct(component, GUARANTEED))
                     .group_by(q.c.provider))
    return {str(p): a for p, a in rows if a}


def call_guarantee(engine: Engine, project_id: int | str, amount: str, on: date, actor: Actor,
                   provider: str | None = None) -> GuaranteeCallResult:
    """Record a call on a project's guarantee: the called part becomes cash the guarantor
    pays into the SPV (``domain.funding.plan_guarantee_call``). ``provider`` may be left
    out when one provider's guarantees are outstanding."""
    permit(actor, Action.FUND)
    check_dates(on=on)
    money = parse_usd(amount)
    with transaction(engine) as s:
        row, fw_row = _locked_project(s, project_id)
        if not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge: nothing is guaranteed")
        outstanding = _outstanding_guarantees(s, fw_row.id, row.component, row.id)
        if provider is None or not provider.strip():
            if len(outstanding) > 1:
                raise InvalidInput.single(
                    "provider", "", "guarantee.provider_needed",
                    f"guarantees from {', '.join(sorted(outstanding))} are outstanding; "
                    f"name the provider whose guarantee is called")
            provider = next(iter(outstanding), "")
        provider = clean_name("provider", provider, 120, required=False)
        terms = load_framework(s, fw_row).terms_on(on)
        component = terms.component(row.component)
        entry = plan_guarantee_call(GuaranteeCall(
            project_id=row.id, amount=money, on=on, role=actor.role,
            provider=provider or "no provider", outstanding=outstanding.get(provider, Decimal(0)),
            terms=terms, component=component,
            project_allocated=sum_postings(s, fw_row.id, acct(component.key, ALLOCATED),
                                           project_id=row.id),
            project_used=sum_postings(s, fw_row.id, acct(component.key, USED),
                                      project_id=row.id),
            used_in_year=sum_postings(s, fw_row.id, acct(component.key, USED), year=on.year),
            project_name=row.name))
        post_entries(s, fw_row.id, [entry], actor)
        left = outstanding[provider] - money.amount
        audit(s, actor, "project.guarantee_call", "project", row.id,
              before={"guaranteed": outstanding[provider]},
              after={"called": money.amount, "provider": provider, "on": on,
                     "guaranteed": left}, project_id=row.id)
        return GuaranteeCallResult(row.id, on, money.amount, provider, left)


def contribute_in_kind(engine: Engine, project_id: int | str, kind: str, value: str, on: date,
                       actor: Actor) -> None:
    """Record a US in-kind contribution (land, utilities, offtake...) at its value.

    Only the investment committee (or an admin) records US contributions: the
    ledger-editing roles of the matrix.
    """
    permit(actor, Action.LEDGER_EDIT)
    check_dates(on=on)
    money = parse_usd(value, "value")
    try:
        ikind = InKind(kind.strip().lower())
    except ValueError:
        raise InvalidInput.single("kind", kind, "ledger.unknown_in_kind",
                                  f"kind is one of: {', '.join(k.value for k in InKind)}"
                                  ) from None
    with transaction(engine) as s:
        row, fw_row = _locked_project(s, project_id)
        if not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge without SPVs")
        post_entries(s, fw_row.id, [in_kind_entry(row.component, row.id, ikind, money.amount,
                                                  on, f"in kind: {ikind.value}")], actor)
        audit(s, actor, "project.in_kind", "project", row.id,
              after={"kind": ikind.value, "value": money.amount, "on": on}, project_id=row.id)


def distribute(engine: Engine, project_id: int | str, partner_amount: str, us_amount: str,
               on: date, actor: Actor) -> Any:
    """Record cash an SPV distributed to each side, accepted only when the shares are the
    split the rule gives (``services.capital.distribute``, which owns distributions)."""
    from pledge.services.capital import distribute as split_and_record
    return split_and_record(engine, project_id, on, actor, partner=partner_amount,
                            us=us_amount)


@dataclass(frozen=True, slots=True)
class ComponentUtilisation:
    key: str
    label: str
    mechanism: str
    annual_cap: Decimal | None
    used_this_year: Decimal
    utilisation: Utilisation
    reach: Reach | None = None  # None for a pledge component (nothing is funded through it)


@dataclass(frozen=True, slots=True)
class Commitments:
    framework: str
    partner: str
    as_of: date
    cap: Decimal
    allocated: Decimal
    disbursed: Decimal
    remaining: Decimal
    period_end: date | None
    required_per_month: Decimal | None
    components: list[ComponentUtilisation]
    by_instrument: dict[str, Decimal]
    by_provider: dict[str, Decimal]
    by_project: dict[int, Decimal]
    ledger_balanced: bool = True  # False: some entry's postings do not sum to zero
    guaranteed: Decimal = Decimal(0)  # guarantee exposure outstanding (never disbursed)
    # whether the fund components' caps can be reached by the period's end under their
    # annual caps, and the most that can count toward the whole cap by then
    reachable: bool = True
    max_reachable: Decimal = Decimal(0)
    required_per_month_to_cap: Decimal | None = None  # the pace the annual caps ignore


def commitments(engine: Engine, framework: str, as_of: date | None = None, *,
                recorded_before: datetime | None = None) -> Commitments:
    """Utilisation of a framework's commitment on ``as_of`` (default today); with
    ``recorded_before``, as it was known then: the terms and ledger entries recorded
    before that moment (``services.as_of``)."""
    check_dates(on=as_of)
    as_of = as_of or date.today()
    known = recorded_before
    with reading(engine) as s:
        fw_row = framework_row(s, framework)
        terms = load_framework(s, fw_row, recorded_before=known).terms_on(as_of)
        postings = load_postings(s, fw_row.id, until=as_of, recorded_before=known)
        comps = []
        for c in terms.components:
            u = utilisation(postings, c.key, as_of, terms.period_end)
            used_year = sum_postings(s, fw_row.id, acct(c.key, USED), year=as_of.year,
                                     until=as_of, recorded_before=known)
            u = replace(u, cap=cents(u.cap), allocated=cents(u.allocated),
                        disbursed=cents(u.disbursed), remaining=cents(u.remaining),
                        guaranteed=cents(u.guaranteed), used=cents(u.used))
            r = None
            if c.mechanism is Mechanism.FUND:
                years = range(as_of.year, (terms.period_end or as_of).year + 1)
                r = reach(u.cap, u.used, c.annual_cap, {
                    y: sum_postings(s, fw_row.id, acct(c.key, USED), year=y,
                                    recorded_before=known)
                    for y in years} if c.annual_cap is not None else {},
                    as_of, terms.period_end)
            comps.append(ComponentUtilisation(c.key, c.label, c.mechanism.value, c.annual_cap,
                                              cents(used_year), u, r))
        cap = sum((c.utilisation.cap for c in comps), Decimal(0))
        allocated = sum((c.utilisation.allocated for c in comps), Decimal(0))
        disbursed = sum((c.utilisation.disbursed for c in comps), Decimal(0))
        remaining = sum((c.utilisation.remaining for c in comps), Decimal(0))
        guaranteed = sum((c.utilisation.guaranteed for c in comps), Decimal(0))
        reachable = all(c.reach.reachable for c in comps if c.reach is not None)
        max_reachable = sum((c.reach.max_reachable if c.reach is not None else c.utilisation.cap
                             for c in comps), Decimal(0))
        to_cap = required_pace(remaining, as_of, terms.period_end)
        # With an annual cap in the way, the pace needed is the pace to what can be
        # reached: the rest cannot be met by the period's end at any pace.
        pace = to_cap if reachable else required_pace(
            max(max_reachable - allocated, Decimal(0)), as_of, terms.period_end)
        invested = [p for p in postings if p.account.endswith(":spv:invested")]
        return Commitments(
            framework=fw_row.key, partner=fw_row.partner, as_of=as_of, cap=cents(cap),
            allocated=cents(allocated), disbursed=cents(disbursed), remaining=cents(remaining),
            period_end=terms.period_end,
            required_per_month=pace,
            components=comps,
            by_instrument={str(k[0]): v for k, v in balances(invested, ("instrument",)).items()},
            by_provider={str(k[0]): v for k, v in balances(invested, ("provider",)).items()},
            by_project={int(str(k[0])): v
                        for k, v in balances(invested, ("project_id",)).items()},
            ledger_balanced=not unbalanced_entries(s, fw_row.id),
            guaranteed=cents(guaranteed), reachable=reachable,
            max_reachable=cents(max_reachable), required_per_month_to_cap=to_cap)


def ledger_balanced(engine: Engine, framework: str) -> bool:
    """Whether every entry in the framework's ledger balances (``pledge audit verify`` says
    which does not)."""
    with reading(engine) as s:
        return not unbalanced_entries(s, framework_row(s, framework).id)


BALANCE_DIMENSIONS = {"account": None, "party": "party", "project": "project_id",
                      "instrument": "instrument", "provider": "provider"}


def ledger_balances(engine: Engine, framework: str, by: str = "account"
                    ) -> dict[tuple[str, str], Decimal]:
    """Non-zero balances per account and, optionally, one more dimension."""
    if by not in BALANCE_DIMENSIONS:
        raise InvalidInput.single("by", by, "ledger.unknown_dimension",
                                  f"one of: {', '.join(BALANCE_DIMENSIONS)}")
    dim = BALANCE_DIMENSIONS[by]
    with reading(engine) as s:
        postings = load_postings(s, framework_row(s, framework).id)
    keys = ("account",) if dim is None else ("account", dim)
    out: dict[tuple[str, str], Decimal] = {}
    for key, value in sorted(balances(postings, keys).items(),
                             key=lambda kv: tuple(str(k) for k in kv[0])):
        if value:
            out[(str(key[0]), "" if dim is None else str(key[1] if key[1] is not None else ""))
                ] = value
    return out

"""Use cases on money against the cap: fund, allocate, in-kind, distributions, commitments."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import Instrument, WindowMeaning
from pledge.domain.funding import FundingRequest, check_allocation, plan_funding
from pledge.domain.ledger import (
    ALLOCATED,
    UNALLOCATED,
    USED,
    InKind,
    Utilisation,
    acct,
    allocation_entry,
    balances,
    cents,
    in_kind_entry,
    required_pace,
    utilisation,
)
from pledge.domain.lifecycle import Stage
from pledge.domain.money import Money, parse_amount
from pledge.domain.text import clean_name
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


def _locked_project(s: Session, project_id: int | str) -> tuple[Any, Any]:
    """The project and its framework row, the framework row locked for the transaction."""
    row = project_row(s, project_id)
    fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                       .with_for_update()).one()
    # Re-read the project under the lock: a concurrent transaction may have moved it.
    return project_row(s, row.id), fw_row


def _notified_on(s: Session, project_id: int) -> date | None:
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
            unallocated=sum_postings(s, fw_row.id, acct(component.key, UNALLOCATED)),
            project_allocated=sum_postings(s, fw_row.id, acct(component.key, ALLOCATED),
                                           project_id=row.id),
            used_in_year=sum_postings(s, fw_row.id, acct(component.key, USED), year=on.year),
            window_opens=_notified_on(s, row.id)))
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


def allocate(engine: Engine, project_id: int | str, amount: str, on: date,
             actor: Actor) -> Decimal:
    """Reserve capacity for a project; returns the unallocated capacity left."""
    permit(actor, Action.LEDGER_EDIT)
    check_dates(on=on)
    money = parse_usd(amount)
    with transaction(engine) as s:
        row, fw_row = _locked_project(s, project_id)
        if not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge: nothing is allocated")
        if money.currency != "USD":
            raise InvalidInput.single("amount", amount, "funding.currency",
                                      "allocations are in US dollars")
        unallocated = sum_postings(s, fw_row.id, acct(row.component, UNALLOCATED))
        check_allocation(money.amount, unallocated, Stage(row.status), actor.role)
        post_entries(s, fw_row.id, [allocation_entry(row.component, row.id, money.amount, on,
                                                     "allocation")], actor)
        audit(s, actor, "project.allocate", "project", row.id,
              after={"amount": money.amount, "on": on}, project_id=row.id)
        return unallocated - money.amount


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


def commitments(engine: Engine, framework: str, as_of: date | None = None) -> Commitments:
    """Utilisation of a framework's commitment on ``as_of`` (default today)."""
    check_dates(on=as_of)
    as_of = as_of or date.today()
    with reading(engine) as s:
        fw_row = framework_row(s, framework)
        terms = load_framework(s, fw_row).terms_on(as_of)
        postings = load_postings(s, fw_row.id, until=as_of)
        comps = []
        for c in terms.components:
            u = utilisation(postings, c.key, as_of, terms.period_end)
            used_year = sum_postings(s, fw_row.id, acct(c.key, USED), year=as_of.year,
                                     until=as_of)
            u = replace(u, cap=cents(u.cap), allocated=cents(u.allocated),
                        disbursed=cents(u.disbursed), remaining=cents(u.remaining))
            comps.append(ComponentUtilisation(c.key, c.label, c.mechanism.value, c.annual_cap,
                                              cents(used_year), u))
        cap = sum((c.utilisation.cap for c in comps), Decimal(0))
        allocated = sum((c.utilisation.allocated for c in comps), Decimal(0))
        disbursed = sum((c.utilisation.disbursed for c in comps), Decimal(0))
        remaining = sum((c.utilisation.remaining for c in comps), Decimal(0))
        invested = [p for p in postings if p.account.endswith(":spv:invested")]
        return Commitments(
            framework=fw_row.key, partner=fw_row.partner, as_of=as_of, cap=cents(cap),
            allocated=cents(allocated), disbursed=cents(disbursed), remaining=cents(remaining),
            period_end=terms.period_end,
            required_per_month=required_pace(remaining, as_of, terms.period_end),
            components=comps,
            by_instrument={str(k[0]): v for k, v in balances(invested, ("instrument",)).items()},
            by_provider={str(k[0]): v for k, v in balances(invested, ("provider",)).items()},
            by_project={int(str(k[0])): v
                        for k, v in balances(invested, ("project_id",)).items()},
            ledger_balanced=not unbalanced_entries(s, fw_row.id))



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

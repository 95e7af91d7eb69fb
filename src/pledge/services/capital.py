"""Use cases on a project's books: the partner's capital account (the statement) and the
distributions the SPV makes, split by the rule from the account's state on their date.

The account is read from the ledger, never stored apart from it: cash contributions are
the project's ``spv:invested`` postings made through equity or loans, distributions are
its distribution entries (``received`` postings, one per side). So the statement of any
past date is the same whenever it is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, select

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.capital import (
    CapitalAccount,
    CapitalTerms,
    Contribution,
    DayCount,
    Distribution,
    TermsSchedule,
    capital_account,
    is_cash,
    split_next,
)
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import Framework
from pledge.domain.ledger import (
    GUARANTEED,
    INVESTED,
    RECEIVED,
    US_PARTY,
    distribution_entry,
)
from pledge.domain.lifecycle import Stage
from pledge.domain.waterfall import ROUNDING_RULE, Compounding, Phase
from pledge.services.base import (
    Actor,
    audit,
    jsonable,
    load_framework,
    permit,
    post_entries,
    project_row,
)
from pledge.store import tables as t
from pledge.store.db import reading, transaction

DISTRIBUTING = (Stage.FUNDED.value, Stage.OPERATING.value, Stage.RECOUPED.value)


def capital_schedule(framework: Framework) -> TermsSchedule:
    """The account's terms from each version of the framework's terms that sets a deemed
    rate and a split. Raises RuleViolation (``capital.no_rate``) when none does."""
    out: list[tuple[date, CapitalTerms]] = []
    for v in framework.versions:
        rate = None if v.deemed_rate is None else v.deemed_rate.annual_rate
        if rate is None or v.split is None or v.deemed_rate is None:
            continue
        out.append((v.effective_from, CapitalTerms(
            annual_rate=rate, compounding=Compounding(v.deemed_rate.compounding),
            day_count=DayCount(v.deemed_rate.day_basis),
            pre_share=v.split.pre_partner_share, post_share=v.split.post_partner_share,
            day_count_assumed=v.deemed_rate.day_count is None)))
    if not out:
        raise RuleViolation.single(
            "framework", framework.key, "capital.no_rate",
            "this framework sets no deemed rate (benchmark rate plus spread) or no split: "
            "what the partner is owed cannot be computed; amend the framework first")
    return out


def _books(s: Connection, fw_id: int, component: str, project_id: int
           ) -> tuple[list[Contribution], list[Distribution]]:
    """The project's contributions (every instrument) and distributions from the ledger."""
    p = t.postings
    rows = s.execute(select(p.c.entry_id, p.c.account, p.c.amount, p.c.on, p.c.party,
                            p.c.instrument, p.c.provider)
                     .join(t.ledger_entries, t.ledger_entries.c.id == p.c.entry_id)
                     .where(p.c.framework_id == fw_id, p.c.project_id == project_id,
                            p.c.account.in_([f"{component}:{INVESTED}",
                                             f"{component}:{RECEIVED}",
                                             f"{component}:{GUARANTEED}"]))
                     .order_by(p.c.on, p.c.entry_id, p.c.id)).all()
    # Cash in the SPV, and each guarantee given (exposure: listed, never in the account;
    # the part called is cash, posted to the SPV as CALLED_GUARANTEE).
    contributions = [Contribution(r.on, r.amount, r.instrument or "", r.provider or "")
                     for r in rows if r.account.endswith(INVESTED)
                     or (r.account.endswith(GUARANTEED) and r.amount > 0)]
    shares: dict[int, list[Any]] = {}
    for r in rows:
        if r.account.endswith(RECEIVED):
            entry = shares.setdefault(r.entry_id, [r.on, Decimal(0), Decimal(0)])
            entry[2 if r.party == US_PARTY else 1] += r.amount
    distributions = [Distribution(on, partner, us) for on, partner, us in shares.values()]
    return contributions, distributions


@dataclass(frozen=True, slots=True)
class Statement:
    """A project's capital account on a date, with what it rests on.

    guarantees: the project's guarantees (contingent exposure, not in the account)
    """

    project_id: int
    name: str
    framework: str
    partner: str
    account: CapitalAccount
    guarantees: tuple[Contribution, ...]

    def document(self) -> dict[str, Any]:
        """The statement as the CLI's ``--json`` and the API answer it (money as text)."""
        a = self.account
        terms = a.terms
        moic = None if a.partner_moic is None else float(round(a.partner_moic, 6))
        doc = {
            "project": self.project_id, "name": self.name, "framework": self.framework,
            "partner": self.partner, "as_of": a.as_of,
            "contributed": a.contributed,
            "contributions_by_instrument": dict(sorted(a.by_instrument.items())),
            "contributions": [{"on": ln.on, "instrument": ln.instrument,
                               "provider": ln.provider, "amount": ln.amount}
                              for ln in a.contributions],
            "guarantees_not_cash": [{"on": g.on, "provider": g.provider, "amount": g.amount}
                                    for g in self.guarantees],
            "deemed_interest": a.deemed_interest,
            "partner_distributions": a.partner_distributions,
            "us_distributions": a.us_distributions,
            "distributions": [{"on": ln.on, "amount": ln.amount, "partner": ln.partner,
                               "us": ln.us, "balance_before": ln.balance_before,
                               "balance_after": ln.balance_after,
                               "phase": ln.phase.value if ln.phase else None}
                              for ln in a.distributions],
            "balance": a.balance, "recouped_on": a.recouped_on,
            "partner_irr": a.partner_irr, "partner_moic": moic,
            "convention": {"deemed_rate": terms.annual_rate,
                           "compounding": terms.compounding.value,
                           "day_count": terms.day_count.value,
                           "day_count_assumed": terms.day_count_assumed,
                           "pre_share": terms.pre_share, "post_share": terms.post_share,
                           "rounding": ROUNDING_RULE, "text": terms.convention},
            "lines": [{"on": ln.on, "kind": ln.kind.value, "amount": ln.amount,
                       "partner": ln.partner, "us": ln.us, "balance": ln.balance_after}
                      for ln in a.lines],
        }
        return jsonable(doc)  # type: ignore[no-any-return]  # jsonable returns Any


def _account(s: Connection, row: Any, fw_row: Any, as_of: date
             ) -> tuple[CapitalAccount, list[Contribution], list[Distribution]]:
    if not row.component:
        raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                   "this framework is a pledge: no SPV keeps accounts")
    schedule = capital_schedule(load_framework(s, fw_row))
    contributions, distributions = _books(s, fw_row.id, row.component, row.id)
    return (capital_account(contributions, distributions, schedule, as_of), contributions,
            distributions)


def statement(engine: Engine, project_id: int | str, as_of: date | None = None) -> Statement:
    """The partner's capital account in a project on ``as_of`` (default today)."""
    check_dates(as_of=as_of)
    as_of = as_of or date.today()
    with reading(engine) as s:
        row = project_row(s, project_id)
        fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                           ).one()
        account, contributions, _ = _account(s, row, fw_row, as_of)
        guarantees = tuple(c for c in contributions
                           if not is_cash(c.instrument) and c.on <= as_of)
        return Statement(row.id, row.name, fw_row.key, fw_row.partner, account, guarantees)


@dataclass(frozen=True, slots=True)
class DistributionResult:
    """A distribution recorded and how the rule split it (US dollars, whole cents)."""

    project: int
    on: date
    amount: Decimal
    partner: Decimal
    us: Decimal
    balance_before: Decimal
    balance_after: Decimal
    phase: Phase

    def document(self) -> dict[str, Any]:
        return jsonable({  # type: ignore[no-any-return]  # jsonable returns Any
            "project": self.project, "on": self.on, "amount": self.amount,
            "partner": self.partner, "us": self.us, "balance_before": self.balance_before,
            "balance_after": self.balance_after, "phase": self.phase.value})


def _usd(text: str, field: str) -> Decimal:
    """An amount in US dollars; an amount without a currency ("100m") is in US dollars."""
    from pledge.domain.errors import PledgeError
    from pledge.services.funding import parse_usd
    try:
        money = parse_usd(text, field)
    except PledgeError as exc:
        if exc.first.rule != "money.no_currency":
            raise
        money = parse_usd(f"US${text.strip()}", field)
    if money.currency != "USD":
        raise InvalidInput.single(field, text, "funding.currency",
                                  "distributions are recorded in US dollars")
    if money.amount < 0:
        raise InvalidInput.single(field, text, "distribution.negative",
                                  "a share cannot be negative")
    return money.amount


def distribute(engine: Engine, project_id: int | str, on: date, actor: Actor, *,
               amount: str | None = None, partner: str | None = None,
               us: str | None = None) -> DistributionResult:
    """Record cash a project's SPV distributed on ``on``, split by the rule from the
    capital account's state on that date (the investment committee, or an admin).

    Give ``amount`` (the split is computed), or ``partner`` and ``us`` (accepted only when
    they are the split the rule gives, to the cent; with ``amount`` too they must add up
    to it). A refused distribution writes nothing: ``distribution.split_mismatch`` names
    the split the rule requires.
    """
    permit(actor, Action.LEDGER_EDIT)
    check_dates(on=on)
    if (partner is None) != (us is None):
        missing = "us" if us is None else "partner"
        raise InvalidInput.single(missing, None, "input.missing",
                                  "give both --partner and --us, or neither")
    if amount is None and partner is None:
        raise InvalidInput.single("amount", None, "input.missing",
                                  "give the amount distributed")
    given = None if partner is None or us is None else (_usd(partner, "partner"),
                                                         _usd(us, "us"))
    cash = _usd(amount, "amount") if amount is not None else None
    if given is not None:
        if cash is not None and given[0] + given[1] != cash:
            raise InvalidInput.single(
                "amount", amount, "distribution.shares_total",
                f"the shares add up to {given[0] + given[1]}, not the amount {cash}")
        cash = given[0] + given[1]
    assert cash is not None
    if cash <= 0:
        raise InvalidInput.single("amount", amount if amount is not None else str(cash),
                                  "distribution.not_positive",
                                  "a distribution is a positive amount of cash")
    with transaction(engine) as s:
        row = project_row(s, project_id)
        fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                           .with_for_update()).one()
        row = project_row(s, row.id)
        if row.status not in DISTRIBUTING:
            raise RuleViolation.single("project", row.status, "ledger.not_funded",
                                       "only a funded project distributes cash")
        account, _, distributions = _account(s, row, fw_row, on)
        later = [d.on for d in distributions if d.on > on]
        if later:
            raise RuleViolation.single(
                "on", on.isoformat(), "distribution.out_of_order",
                f"a distribution is already recorded on {max(later).isoformat()}: each "
                f"split rests on the ones before it, so distributions are recorded in date "
                f"order")
        cut = split_next(account, cash)
        if given is not None and given != (cut.partner, cut.us):
            raise RuleViolation.single(
                "split", f"partner {given[0]} / us {given[1]}", "distribution.split_mismatch",
                f"the rule splits {cut.amount} on {on.isoformat()} as partner {cut.partner} / "
                f"us {cut.us} (balance owed {cut.balance_before}, {cut.phase.value})")
        post_entries(s, fw_row.id, [distribution_entry(
            row.component, row.id, fw_row.partner, cut.partner, cut.us, on,
            f"distribution ({cut.phase.value})")], actor)
        audit(s, actor, "project.distribute", "project", row.id,
              after={"amount": cut.amount, "partner": cut.partner, "us": cut.us, "on": on,
                     "balance_before": cut.balance_before, "balance_after": cut.balance_after,
                     "phase": cut.phase.value}, project_id=row.id)
        return DistributionResult(row.id, on, cut.amount, cut.partner, cut.us,
                                  cut.balance_before, cut.balance_after, cut.phase)


def statement_xlsx(st: Statement) -> bytes:
    """The statement as a workbook: "Statement" (the summary), "Movements" (every line),
    "Contributions" and "Distributions"."""
    from pledge.exports.table import Column, Sheet
    from pledge.exports.xlsx import workbook

    doc = st.document()
    a = st.account
    summary: list[tuple[str, Any, str]] = [
        ("project", f"{st.project_id}: {st.name}", "text"),
        ("framework", st.framework, "text"), ("as of", a.as_of, "date"),
        ("contributed (cash)", a.contributed, "money"),
        *((f"  of which {k}", v, "money") for k, v in sorted(a.by_instrument.items())),
        ("deemed interest", a.deemed_interest, "money"),
        (f"distributions to {st.partner}", a.partner_distributions, "money"),
        ("distributions to the United States", a.us_distributions, "money"),
        ("balance owed to the partner", a.balance, "money"),
        ("recouped on", a.recouped_on, "date"),
        ("partner IRR (realised)", a.partner_irr, "text"),
        ("partner MOIC", doc["partner_moic"], "text"),
        ("convention", a.terms.convention, "text"),
        ("rounding", ROUNDING_RULE, "text"),
    ]
    sheet = Sheet("Statement", [
        Column("item", "text", lambda r: r[0]),
        Column("amount", "money", lambda r: r[1] if r[2] == "money" else None),
        Column("value", "text", lambda r: None if r[2] == "money" or r[1] is None else
               (r[1].isoformat() if isinstance(r[1], date) else str(r[1])))], summary)
    movements = Sheet("Movements", [
        Column("on", "date", lambda ln: ln.on), Column("kind", "text", lambda ln: ln.kind.value),
        Column("amount", "money", lambda ln: ln.amount),
        Column("partner", "money", lambda ln: ln.partner),
        Column("us", "money", lambda ln: ln.us),
        Column("balance", "money", lambda ln: ln.balance_after),
        Column("phase", "text", lambda ln: ln.phase.value if ln.phase else None)], a.lines)
    contributions = Sheet("Contributions", [
        Column("on", "date", lambda ln: ln.on),
        Column("instrument", "text", lambda ln: ln.instrument),
        Column("provider", "text", lambda ln: ln.provider),
        Column("amount", "money", lambda ln: ln.amount)], a.contributions)
    return workbook([sheet, movements, contributions])

"""The rows of the table exports and their columns: projects, ledger postings and
account balances (the services fill them from the database)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pledge.exports.table import Column

__all__ = ["BALANCE_COLUMNS", "LEDGER_COLUMNS", "PROJECT_COLUMNS", "BalanceRow", "LedgerRow",
           "ProjectRow", "balances_of"]


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One project as the projects export shows it.

    amount_low_usd, amount_high_usd: the primary estimate's US-dollar bounds
    lead: lead sponsors; partners: every other sponsor (its role named unless "partner")
    allocated_usd: the project's allocation under the cap (reserved plus drawn by fundings)
    disbursed_usd: cash put into the project's SPV (a guarantee only once it is called)
    Both are None for a project of a pledge framework (no ledger machinery).
    """

    id: int
    name: str
    framework: str
    sector: str
    sector_detail: str
    status: str
    amount_low_usd: Decimal | None
    amount_high_usd: Decimal | None
    location: str
    states: tuple[str, ...]
    lead: str
    partners: str
    funding_date: date | None
    allocated_usd: Decimal | None
    disbursed_usd: Decimal | None


PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("id", "int", lambda r: r.id),
    Column("name", "text", lambda r: r.name),
    Column("framework", "text", lambda r: r.framework),
    Column("sector", "text", lambda r: r.sector),
    Column("sector_detail", "text", lambda r: r.sector_detail),
    Column("status", "text", lambda r: r.status),
    Column("amount_low_usd", "money", lambda r: r.amount_low_usd),
    Column("amount_high_usd", "money", lambda r: r.amount_high_usd),
    Column("location", "text", lambda r: r.location),
    Column("states", "list", lambda r: r.states),
    Column("lead_sponsor", "text", lambda r: r.lead),
    Column("partners", "text", lambda r: r.partners),
    Column("funding_date", "date", lambda r: r.funding_date),
    Column("allocated_usd", "money", lambda r: r.allocated_usd),
    Column("disbursed_usd", "money", lambda r: r.disbursed_usd),
)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One posting with its entry's date, kind and memo."""

    entry_id: int
    on: date
    kind: str
    memo: str
    account: str
    project_id: int | None
    party: str | None
    instrument: str | None
    provider: str | None
    currency: str
    amount: Decimal


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("entry_id", "int", lambda r: r.entry_id),
    Column("date", "date", lambda r: r.on),
    Column("kind", "text", lambda r: r.kind),
    Column("memo", "text", lambda r: r.memo),
    Column("account", "text", lambda r: r.account),
    Column("project_id", "int", lambda r: r.project_id),
    Column("party", "text", lambda r: r.party),
    Column("instrument", "text", lambda r: r.instrument),
    Column("provider", "text", lambda r: r.provider),
    Column("currency", "text", lambda r: r.currency),
    Column("amount", "money", lambda r: r.amount),
)


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """An account's balance in one currency."""

    account: str
    currency: str
    balance: Decimal


BALANCE_COLUMNS: tuple[Column, ...] = (
    Column("account", "text", lambda r: r.account),
    Column("currency", "text", lambda r: r.currency),
    Column("balance", "money", lambda r: r.balance),
)


def balances_of(rows: Iterable[LedgerRow]) -> list[BalanceRow]:
    """The balance of every account (per currency) over ``rows``, by account name."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        totals[(r.account, r.currency)] += r.amount
    return [BalanceRow(a, c, v) for (a, c), v in sorted(totals.items())]

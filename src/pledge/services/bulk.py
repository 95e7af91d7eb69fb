"""Bulk open data: projects, estimates, stage changes, fundings and the ledger as CSV and
Parquet with a data dictionary (``pledge export bulk``). The files are made by
``pledge.exports.bulk``; this module reads the rows, in one transaction (one consistent
state), and says what every column means."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, select

from pledge.domain.ledger import INVESTED
from pledge.exports.atomic import write_files
from pledge.exports.bulk import Table, bulk_files
from pledge.exports.oc4ids import account_suffix
from pledge.exports.rows import LEDGER_COLUMNS, PROJECT_COLUMNS, LedgerRow
from pledge.exports.table import Column
from pledge.services.as_of import cutoff_of
from pledge.services.base import framework_row
from pledge.services.exports import project_rows
from pledge.store import export_queries as xq
from pledge.store import tables as t
from pledge.store.db import reading

__all__ = ["bulk_export", "bulk_tables", "write_bulk"]

_PROJECT_MEANINGS = {
    "id": "The project's id in pledge (stable; the OC4IDS id is oc4ids-pledge-<id>)",
    "name": "The project's name as recorded",
    "framework": "The framework (programme) the project belongs to: japan, korea, eu, ...",
    "sector": "pledge's sector key of the project",
    "sector_detail": "The sector as the sources describe it",
    "status": "The project's stage in the lifecycle (proposed ... funded, operating, closed)",
    "amount_low_usd": "Low bound of the primary estimate in US dollars (empty when unknown)",
    "amount_high_usd": "High bound of the primary estimate in US dollars (empty when unknown)",
    "location": "The location as reported",
    "states": "The US states the project lies in (joined with '; ' in the CSV)",
    "lead_sponsor": "The lead sponsors, in the order recorded",
    "partners": "Every other sponsor, its role named unless it is a partner",
    "funding_date": "The date by which the partner must fund, once selected (45-day clock)",
    "allocated_usd": "Capacity allocated to the project under the commitment cap, US dollars "
                     "(empty for a framework without the funding machinery)",
    "disbursed_usd": "Cash put into the project's special purpose vehicle, US dollars (a "
                     "guarantee counts only once called)",
}

_LEDGER_MEANINGS = {
    "framework": "The framework whose ledger holds the posting",
    "entry_id": "The ledger entry (one movement; its postings sum to zero per currency)",
    "date": "The day the movement took effect",
    "kind": "What the movement is: allocation, release, disbursement, distribution, ...",
    "memo": "The entry's note as recorded",
    "account": "The account posted to (framework:component:account)",
    "project_id": "The project the posting concerns (empty for programme-level postings)",
    "party": "Who the posting is for (a side of the split, a giver in kind), when named",
    "instrument": "Equity, loan, guarantee, ... for a funding",
    "provider": "Who provides the money (JBIC, NEXI, a bank), for a funding",
    "currency": "The currency of the amount (ISO 4217)",
    "amount": "The amount posted: debits positive, credits negative, exact to the cent",
}

ESTIMATE_COLUMNS: tuple[Column, ...] = (
    Column("id", "int", lambda r: r.id),
    Column("project_id", "int", lambda r: r.project_id),
    Column("low", "money", lambda r: r.low),
    Column("high", "money", lambda r: r.high),
    Column("currency", "text", lambda r: r.currency),
    Column("usd_low", "money", lambda r: r.usd_low),
    Column("usd_high", "money", lambda r: r.usd_high),
    Column("is_primary", "bool", lambda r: r.is_primary),
    Column("as_of", "date", lambda r: r.as_of),
    Column("text", "text", lambda r: r.text),
    Column("source", "text", lambda r: r.source),
)
_ESTIMATE_MEANINGS = {
    "id": "The estimate's id",
    "project_id": "The project estimated",
    "low": "Low bound in the currency reported (empty when only a high bound is known)",
    "high": "High bound in the currency reported (empty when only a low bound is known)",
    "currency": "The currency the source reported the figure in (ISO 4217)",
    "usd_low": "Low bound in US dollars at the rate recorded with the estimate",
    "usd_high": "High bound in US dollars at the rate recorded with the estimate",
    "is_primary": "Whether this is the estimate pledge shows for the project",
    "as_of": "The source's date for the figure",
    "text": "The figure as the source wrote it",
    "source": "Where the figure comes from (an address or a citation)",
}

TRANSITION_COLUMNS: tuple[Column, ...] = (
    Column("id", "int", lambda r: r.id),
    Column("project_id", "int", lambda r: r.project_id),
    Column("from_stage", "text", lambda r: r.from_stage),
    Column("to_stage", "text", lambda r: r.to_stage),
    Column("on", "date", lambda r: r.on),
    Column("actor", "text", lambda r: r.actor),
    Column("role", "text", lambda r: r.role),
    Column("reason", "text", lambda r: r.reason),
    Column("sources", "list", lambda r: r.sources or ()),
    Column("recorded_at", "datetime", lambda r: r.recorded_at),
)
_TRANSITION_MEANINGS = {
    "id": "The stage change's id (in the order recorded)",
    "project_id": "The project that changed stage",
    "from_stage": "The stage before (empty for the first)",
    "to_stage": "The stage after",
    "on": "The day the change took effect",
    "actor": "Who made the change (a committee, the President, a funder, ...)",
    "role": "The role the change was made in",
    "reason": "The reason given",
    "sources": "Sources of the decision (joined with '; ' in the CSV)",
    "recorded_at": "When pledge recorded the change (UTC)",
}

FUNDING_COLUMNS: tuple[Column, ...] = (
    Column("entry_id", "int", lambda r: r.entry_id),
    Column("date", "date", lambda r: r.on),
    Column("project_id", "int", lambda r: r.project_id),
    Column("instrument", "text", lambda r: r.instrument),
    Column("provider", "text", lambda r: r.provider),
    Column("currency", "text", lambda r: r.currency),
    Column("amount", "money", lambda r: r.amount),
)
_FUNDING_MEANINGS = {
    "entry_id": "The ledger entry of the funding",
    "date": "The day the cash was put in",
    "project_id": "The project funded",
    "instrument": "Equity, loan, or a called guarantee",
    "provider": "Who paid the cash in (JBIC, NEXI, a bank)",
    "currency": "The currency of the amount (ISO 4217)",
    "amount": "Cash put into the project's special purpose vehicle (negative: returned)",
}


def bulk_tables(engine: Engine, framework: str | None = None, as_of: date | None = None
                ) -> list[Any]:
    """The tables of the bulk export (every framework's when ``framework`` is None);
    ``as_of``: as recorded by the end of that day (the projects then, the estimates, stage
    changes and ledger entries recorded by then; ``is_primary`` marks the estimate that
    was primary then)."""
    projects = project_rows(engine, framework=framework, as_of=as_of)
    ids = {p.id for p in projects}
    cutoff = None if as_of is None else cutoff_of(as_of)
    ledger: list[tuple[str, LedgerRow]] = []
    with reading(engine) as s:
        frameworks = ([framework_row(s, framework)] if framework is not None
                      else list(s.execute(select(t.frameworks).order_by(t.frameworks.c.id))))
        for fw in frameworks:
            ledger += [(fw.key, LedgerRow(r.entry_id, r.on, r.kind, r.memo, r.account,
                                          r.project_id, r.party, r.instrument, r.provider,
                                          r.currency, r.amount))
                       for r in xq.ledger_postings(s, fw.id, recorded_before=cutoff)]
        estimates = [r for r in xq.rows_of(s, t.estimates, recorded_before=cutoff)
                     if r.project_id in ids]
        transitions = [r for r in xq.rows_of(s, t.transitions, recorded_before=cutoff)
                       if r.project_id in ids]
    if cutoff is not None:
        estimates = _primary_then(estimates)
    fundings = [row for _, row in ledger
                if account_suffix(row.account) == INVESTED and row.project_id is not None]
    ledger_columns = (Column("framework", "text", lambda r: r[0]),
                      *(Column(c.name, c.kind, _second(c.get)) for c in LEDGER_COLUMNS))
    return [
        Table("projects", "Projects, one row each", PROJECT_COLUMNS, _PROJECT_MEANINGS,
              projects),
        Table("estimates", "Cost estimates of the projects, every source's", ESTIMATE_COLUMNS,
              _ESTIMATE_MEANINGS, estimates),
        Table("transitions", "Stage changes of the projects, oldest first",
              TRANSITION_COLUMNS, _TRANSITION_MEANINGS, transitions),
        Table("fundings", "Cash put into the projects, one row per funding", FUNDING_COLUMNS,
              _FUNDING_MEANINGS, fundings),
        Table("ledger", "Every posting of the ledgers, in entry order", ledger_columns,
              _LEDGER_MEANINGS, ledger),
    ]


def _primary_then(estimates: list[Any]) -> list[Any]:
    """The estimates recorded by a day, ``is_primary`` marking the one primary then: the
    one primary now if it had been recorded, else the project's first (as
    ``as_of_queries.estimates_before`` reads it)."""
    first: dict[int, int] = {}
    primary: dict[int, int] = {}
    for e in estimates:
        first.setdefault(e.project_id, e.id)
        if e.is_primary:
            primary.setdefault(e.project_id, e.id)
    pick = {**first, **primary}
    return [SimpleNamespace(**{**e._mapping, "is_primary": pick[e.project_id] == e.id})
            for e in estimates]


def _second(get: Callable[[Any], Any]) -> Callable[[tuple[str, Any]], Any]:
    return lambda pair: get(pair[1])


def bulk_export(engine: Engine, framework: str | None = None, as_of: date | None = None
                ) -> dict[str, bytes]:
    """Every file of the bulk export by name (see ``pledge.exports.bulk.bulk_files``)."""
    scope = framework or "all"
    title = f"pledge open data: {scope}" + (
        "" if as_of is None else f", as recorded by the end of {as_of.isoformat()}")
    return bulk_files(bulk_tables(engine, framework, as_of), name=f"pledge-{scope}",
                      title=title)


def write_bulk(engine: Engine, folder: str | os.PathLike[str],
               framework: str | None = None, as_of: date | None = None) -> list[Path]:
    """Write the bulk export into ``folder``: all the files or, on failure, none."""
    return write_files(folder, bulk_export(engine, framework, as_of))

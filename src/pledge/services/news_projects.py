"""The projects news is matched against: those recorded in the database, or, without
one, the public project list shipped with pledge (numbered as ``pledge init`` numbers
them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from pledge.domain.errors import InvalidInput
from pledge.domain.money import parse_amount
from pledge.domain.project import (
    canonical_sector,
    sponsors_from_lists,
    stage_from_report,
    states_in,
)
from pledge.domain.relations import Link, Relation, canonical_ids
from pledge.ingest.match import KnownProject
from pledge.services import projects as project_svc
from pledge.store import news_queries as nq
from pledge.store.db import is_initialised

__all__ = ["database_ready", "known_projects_in", "shipped_projects"]


def database_ready(engine: Engine | None) -> bool:
    """Whether ``engine`` points at an initialised database, without creating one (a
    missing SQLite file stays missing)."""
    if engine is None:
        return False
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if not db or db == ":memory:" or not Path(db).exists():
            return False
    try:
        return is_initialised(engine)
    except (OperationalError, ProgrammingError):
        return False


def known_projects_in(s: Connection) -> list[KnownProject]:
    """Every recorded project, with its sponsors and estimates, for matching."""
    from pledge.services.relations import active_links

    sponsors = nq.sponsors_by_project(s)
    estimates = nq.estimate_bounds(s)
    links = active_links(s)
    linked = _linked((ln.project_id, ln.other_id) for ln in links)
    rows = nq.project_rows_for_matching(s)
    heads = canonical_ids({r.id: str(r.status) for r in rows}, links)
    out = []
    for r in rows:
        lead, partners = _sponsor_labels(sponsors.get(r.id, []))
        out.append(KnownProject(r.id, r.name, r.fw_key, r.sector, r.sector_detail, r.location,
                                tuple(r.states), r.status, lead, partners,
                                tuple(estimates.get(r.id, [])), _reported_stage(r.reported_status),
                                tuple(sorted(linked.get(r.id, ()))),
                                _head(r.id, heads)))
    return out


def _head(pid: int, heads: dict[int, int]) -> int | None:
    """The row standing for the real project a duplicate report is (None for that row
    itself, or a row with no duplicate)."""
    head = heads.get(pid, pid)
    return None if head == pid else head


def _linked(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Each project's linked projects, both ways round."""
    out: dict[int, set[int]] = {}
    for a, b in pairs:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _reported_stage(reported: str | None) -> str:
    """The lifecycle stage a project's reported status stands for ("" when none or unknown)."""
    try:
        return stage_from_report(reported).value if reported else ""
    except InvalidInput:
        return ""


def _sponsor_labels(sponsors: Sequence[tuple[str, str, str]]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lead, partners) as matching reads them: "name (note)" from (name, note, role)."""
    labels = [(f"{name} ({note})" if note else name, role) for name, note, role in sponsors]
    return (tuple(x for x, role in labels if role == "lead"),
            tuple(x for x, role in labels if role != "lead"))


def shipped_projects() -> list[KnownProject]:
    """The public project list shipped with pledge, numbered 1, 2, ... in file order (the
    ids a freshly initialised database gives them), for reading news without a database."""
    from pledge.services.relations import shipped_links
    from pledge.services.setup import shipped_figures

    further: dict[str, list[tuple[Decimal | None, Decimal | None, str]]] = {}
    for fig in shipped_figures():  # the further estimates `pledge init` records
        if fig.amount:
            rng = parse_amount(fig.amount)
            further.setdefault(fig.project, []).append((rng.low, rng.high, rng.currency))
    rows = project_svc.shipped_project_rows()
    ids = {row.name.strip(): pid for pid, row in enumerate(rows, start=1)}
    pairs = [(ids[ln.project.strip()], ids[ln.other.strip()], ln.kind) for ln in shipped_links()
             if ln.project.strip() in ids and ln.other.strip() in ids]
    linked = _linked((a, b) for a, b, _ in pairs)
    heads = canonical_ids(
        {pid: stage_from_report(row.status).value for pid, row in enumerate(rows, start=1)},
        [Link(0, a, b, Relation.DUPLICATE) for a, b, kind in pairs
         if kind.strip() == Relation.DUPLICATE.value])
    out = []
    for pid, row in enumerate(rows, start=1):
        lead, partners = _sponsor_labels([(s.name, s.note, s.role.value) for s in
                                          sponsors_from_lists(row.lead, row.partners)])
        sector, detail = canonical_sector(row.sector)
        low, high = row.amount_low_usd, row.amount_high_usd
        estimates: tuple[tuple[Decimal | None, Decimal | None, str], ...] = (
            ((Decimal(low) if low else None, Decimal(high) if high else None, "USD"),)
            if low or high else ())
        estimates += tuple(further.get(row.name.strip(), ()))
        out.append(KnownProject(pid, row.name, row.framework, sector, detail, row.location,
                                states_in(row.location), stage_from_report(row.status).value,
                                lead, partners, estimates,
                                linked=tuple(sorted(linked.get(pid, ()))),
                                stands_for=_head(pid, heads)))
    return out

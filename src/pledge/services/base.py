"""What every use case shares: who acts, loading frameworks, projects and postings, auditing.

Use cases live one module per subject beside this one; each public function is
one thing a user does and runs in exactly one transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Insert, Row, func, select, type_coerce

from pledge.domain.access import Action, authorize
from pledge.domain.bounds import is_possible_id
from pledge.domain.bounds import parse_date as parse_date  # used by the use cases from here
from pledge.domain.chain import entry_content, link
from pledge.domain.errors import InvalidInput, NotFound
from pledge.domain.framework import Framework
from pledge.domain.framework_document import terms_from_stored
from pledge.domain.ledger import Entry, Posting, imbalance
from pledge.domain.lifecycle import Role, parse_role
from pledge.domain.text import lookup_text
from pledge.services.json_values import jsonable as jsonable  # used by the use cases from here
from pledge.store import tables as t
from pledge.store.as_of_queries import postings_recorded_before
from pledge.store.chain import lock_ledger, queue_audit, record_ledger_head


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs an operation: a name and the role they act in.

    ``user``: the pledge user who recorded it, when that is not the actor themself (an
    administrator recording what the President decided); None when the actor is the user.
    """

    name: str
    role: Role
    user: str | None = None

    @property
    def user_name(self) -> str:
        """The user who recorded the operation (the actor, unless recorded for them)."""
        return self.name if self.user is None else self.user

    @property
    def on_behalf(self) -> bool:
        """Whether a user recorded this for the actor (someone else, or themself in another
        role) rather than the actor acting as themself."""
        return self.user is not None

    @classmethod
    def of(cls, name: str, role: str | Role) -> Actor:
        if not name or not name.strip():
            raise InvalidInput.single("actor", name, "auth.no_actor", "name who acts")
        return cls(name.strip(), role if isinstance(role, Role) else parse_role(role))


SYSTEM = Actor("pledge", Role.ADMIN)


def permit(actor: Actor, action: Action) -> None:
    """Refuse (``Forbidden``) unless the actor's role may do ``action`` at all.

    The one authorisation check of every use case that changes data: each such
    service function calls it first, before reading its input or the database, so
    every edge (CLI, API, pages) obeys the same matrix (``domain.access.MATRIX``) and
    no edge checks it again. Which particular change a permitted role may make (a
    transition, a side's score) is still for the domain's rules to decide.
    """
    authorize(actor.role, action)


def now() -> datetime:
    return datetime.now(UTC)


def audit(session: Connection, actor: Actor, action: str, entity: str, entity_id: object,
          before: Any = None, after: Any = None, project_id: int | None = None) -> None:
    """Append one row to the audit log (it is never updated or deleted).

    The row is written, hash-chained to the one before it, when the transaction
    commits (``store.chain``); until then it is not in the table. It names the actor and
    their role and, when a user recorded it for them, that user (``user_name``; the
    column stays NULL when the actor is the user, as on the rows written before it was
    kept, so their hashes cover the same text).
    """
    queue_audit(session, {
        **({"user_name": actor.user} if actor.on_behalf else {}),
        "at": now(), "actor": actor.name, "role": actor.role.value, "action": action,
        "entity": entity, "entity_id": str(entity_id), "project_id": project_id,
        "before": None if before is None else json.loads(json.dumps(jsonable(before))),
        "after": None if after is None else json.loads(json.dumps(jsonable(after)))})


def framework_row(conn: Connection, key: str, *, lock: bool = False) -> Row[Any]:
    """The framework's row by key; with ``lock`` it is locked until the transaction ends.

    Locking the framework row serialises every operation that checks the
    framework's cap (on PostgreSQL; SQLite transactions are already serial).
    """
    wanted = lookup_text("framework", key).lower()
    stmt = select(t.frameworks).where(t.frameworks.c.key == wanted)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        known = ", ".join(r.key for r in conn.execute(select(t.frameworks.c.key)))
        raise NotFound.single("framework", key, "framework.unknown",
                              f"no such framework (known: {known or 'none; run pledge init'})")
    return row


def load_framework(conn: Connection, row: Row[Any], *,
                   recorded_before: datetime | None = None) -> Framework:
    """The domain Framework, with every stored version of its terms (those recorded
    before ``recorded_before`` when given: the terms as known then)."""
    stmt = select(t.framework_terms).where(t.framework_terms.c.framework_id == row.id)
    if recorded_before is not None:
        stmt = stmt.where(t.framework_terms.c.recorded_at < recorded_before)
    versions = conn.execute(stmt.order_by(t.framework_terms.c.effective_from)).all()
    if not versions and recorded_before is not None:
        day_before = (recorded_before - timedelta(microseconds=1)).date()
        raise NotFound.single("as_of", day_before.isoformat(),
                              "framework.not_yet_recorded",
                              f"framework {row.key}'s terms had not been recorded by then")
    terms = tuple(terms_from_stored(v.effective_from, dict(v.settings), dict(v.sources), v.note)
                  for v in versions)
    return Framework(key=row.key, name=row.name, partner=row.partner,
                     partner_currency=row.partner_currency, versions=terms)


def project_row(conn: Connection, project_id: int | str) -> Row[Any]:
    """A project's row by numeric id; raises NotFound."""
    try:
        pid = int(project_id)
    except (TypeError, ValueError):
        raise InvalidInput.single("id", project_id, "project.bad_id",
                                  "a project id is a whole number") from None
    row = conn.execute(select(t.projects).where(t.projects.c.id == pid)).first() \
        if is_possible_id(pid) else None
    if row is None:
        raise NotFound.single("id", project_id, "project.unknown", "no project with this id")
    return row


def load_postings(conn: Connection, framework_id: int, *,
                  project_id: int | None = None, until: date | None = None,
                  recorded_before: datetime | None = None) -> list[Posting]:
    """The framework's postings (optionally one project's, those dated on or before
    ``until``, those of entries recorded before ``recorded_before``)."""
    stmt = postings_recorded_before(
        select(t.postings).where(t.postings.c.framework_id == framework_id), recorded_before)
    if until is not None:
        stmt = stmt.where(t.postings.c.on <= until)
    if project_id is not None:
        stmt = stmt.where(t.postings.c.project_id == project_id)
    return [Posting(r.account, r.amount, r.currency, r.project_id, r.party, r.instrument,
                    r.provider) for r in conn.execute(stmt)]


def post_entries(session: Connection, framework_id: int, entries: Iterable[Entry],
                 actor: Actor) -> list[int]:
    """Write balanced entries (the domain has already refused unbalanced ones).

    Each entry, with its postings in order, is hash-chained to the framework's
    previous entry (``domain.chain``), under the lock of that framework's ledger.
    """
    entries = list(entries)
    if not entries:
        return []
    prev = lock_ledger(session, framework_id).last_hash
    ids: list[int] = []
    for entry in entries:
        values = {"framework_id": framework_id, "kind": entry.kind.value, "on": entry.on,
                  "memo": entry.memo, "actor": actor.name, "role": actor.role.value,
                  "recorded_at": now()}
        lines = [{"framework_id": framework_id, "account": p.account, "amount": p.amount,
                  "currency": p.currency, "on": entry.on, "project_id": p.project_id,
                  "party": p.party, "instrument": p.instrument, "provider": p.provider}
                 for p in entry.postings]
        digest = link(prev, entry_content(values, lines))
        entry_id = insert_id(session, t.ledger_entries.insert().values(
            **values, hash=digest, prev_hash=prev))
        session.execute(t.postings.insert(), [{"entry_id": entry_id, **line} for line in lines])
        ids.append(entry_id)
        prev = digest
    record_ledger_head(session, framework_id, ids[-1], prev)
    return ids


def unbalanced_entries(conn: Connection, framework_id: int
                       ) -> dict[int, dict[str, Decimal]]:
    """The framework's ledger entries whose postings do not balance, by entry id, with what
    each currency sums to (``domain.ledger.imbalance``); empty when the ledger balances."""
    by_entry: dict[int, list[Posting]] = {}
    for entry_id, amount, currency in conn.execute(
            select(t.postings.c.entry_id, t.postings.c.amount, t.postings.c.currency)
            .where(t.postings.c.framework_id == framework_id)):
        by_entry.setdefault(int(entry_id), []).append(Posting("", amount, currency))
    return {eid: bad for eid, ps in sorted(by_entry.items()) if (bad := imbalance(ps))}


def sum_postings(conn: Connection, framework_id: int, account: str, *,
                 project_id: int | None = None, year: int | None = None,
                 until: date | None = None, recorded_before: datetime | None = None
                 ) -> Decimal:
    """The balance of one account (optionally for one project, one calendar year, as of
    a date, or of the entries recorded before ``recorded_before``)."""
    q = t.postings
    stmt = postings_recorded_before(select(type_coerce(func.sum(q.c.amount), t.Cents)).where(
        q.c.framework_id == framework_id, q.c.account == account), recorded_before)
    if project_id is not None:
        stmt = stmt.where(q.c.project_id == project_id)
    if year is not None:
        stmt = stmt.where(q.c.on >= date(year, 1, 1), q.c.on <= date(year, 12, 31))
    if until is not None:
        stmt = stmt.where(q.c.on <= until)
    value = conn.execute(stmt).scalar()
    return value if isinstance(value, Decimal) else Decimal(0)


def insert_id(session: Connection, stmt: Insert) -> int:
    """Run an INSERT and return the new row's id."""
    table = stmt.table
    return int(session.execute(stmt.returning(table.c.id)).scalar_one())


def primary_usd(conn: Connection, project_id: int) -> Decimal | None:
    """The project's primary estimate in US dollars: the midpoint of a range, else the one
    bound given ("up to US$25bn" gives 25bn), or None without an estimate."""
    row = conn.execute(select(t.estimates.c.usd_low, t.estimates.c.usd_high).where(
        t.estimates.c.project_id == project_id, t.estimates.c.is_primary)).first()
    return None if row is None else primary_amount(row[0], row[1])


def primary_usd_all(conn: Connection, framework_id: int) -> dict[int, Decimal | None]:
    """``primary_usd`` of every project of a framework, in one query."""
    p, e = t.projects, t.estimates
    return {int(pid): primary_amount(low, high) for pid, low, high in conn.execute(
        select(p.c.id, e.c.usd_low, e.c.usd_high)
        .outerjoin(e, (e.c.project_id == p.c.id) & e.c.is_primary)
        .where(p.c.framework_id == framework_id))}


def primary_amount(low: Any, high: Any) -> Decimal | None:
    """``primary_usd`` of a primary estimate's bounds (``low``, ``high``) as read."""
    if isinstance(low, Decimal) and isinstance(high, Decimal):
        return ((low + high) / 2).quantize(Decimal("0.01"))
    value = high if high is not None else low
    return value if isinstance(value, Decimal) else None


BACKGROUND_NICENESS = 10
"""How much lower than the requests' a background thread's CPU priority is (Linux)."""


def lower_thread_priority() -> None:
    """Give the calling thread a lower CPU priority than the threads answering requests
    (a job's or an outlook's worker: the work nobody waits on within a request). Only on
    Linux, where a thread has its own priority; elsewhere nothing changes."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):  # not permitted here: the priority stays
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)

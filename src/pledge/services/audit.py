"""Verifying the record: the audit log's and the ledger's hash chains, and the ledger's balance.

``verify`` reads everything in one snapshot and recomputes every hash
(``domain.chain``): it names the first row where each chain breaks (edited, deleted,
inserted or reordered) and every ledger entry whose postings do not balance. It is a
linear scan and changes nothing.

``latest`` is what the server shows: the last result for a database, checked again in
the background when the data has changed (at most once every ``MIN_INTERVAL_SECONDS``:
a check reads everything) or the result is older than ``RECHECK_SECONDS``; the server
checks once when it starts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from pledge.domain.chain import (
    AUDIT_CHAIN,
    ENTRY_FIELDS,
    POSTING_FIELDS,
    ChainHead,
    ChainRow,
    audit_content,
    check_chain,
    entry_content,
    ledger_chain,
)
from pledge.domain.errors import Problem
from pledge.services.base import now, unbalanced_entries
from pledge.store import tables as t
from pledge.store.db import is_sqlite, read_connection

log = logging.getLogger(__name__)

RECHECK_SECONDS = 600.0       # a result older than this is checked again in any case
MIN_INTERVAL_SECONDS = 60.0   # a change is checked no sooner than this after the last check


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with the record: the table and row (None: no row can be named),
    what happened to it (edited, deleted, inserted, reordered, unbalanced) and a sentence."""

    table: str
    id: int | None
    kind: str
    message: str

    @property
    def rule(self) -> str:
        return "ledger.unbalanced" if self.kind == "unbalanced" else f"chain.{self.kind}"

    def problem(self) -> Problem:
        return Problem(self.table, "" if self.id is None else self.id, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """One framework's ledger: entries and postings read, its chain's end, and the verdict."""

    framework: str
    entries: int
    postings: int
    head: str | None
    intact: bool
    balanced: bool


@dataclass(frozen=True, slots=True)
class Verification:
    """The whole record checked at ``checked_at`` (data version ``version``)."""

    checked_at: datetime
    version: int
    audit_rows: int
    audit_head: str | None
    audit_intact: bool
    ledgers: list[LedgerCheck]
    problems: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """The answer of ``pledge audit verify --json`` and ``GET /api/v1/audit/verify``."""
        return {
            "ok": self.ok,
            "checked_at": self.checked_at,
            "audit": {"rows": self.audit_rows, "head": self.audit_head,
                      "intact": self.audit_intact},
            "ledger": {
                "rows": sum(x.entries for x in self.ledgers),
                "postings": sum(x.postings for x in self.ledgers),
                "intact": all(x.intact for x in self.ledgers),
                "balanced": all(x.balanced for x in self.ledgers),
                "frameworks": [{"framework": x.framework, "rows": x.entries,
                                "postings": x.postings, "head": x.head, "intact": x.intact,
                                "balanced": x.balanced} for x in self.ledgers]},
            "problems": [{"table": f.table, "id": f.id, "kind": f.kind, "rule": f.rule,
                          "message": f.message} for f in self.problems],
        }


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent view of every table for the whole check (SQLite's read transaction
    already is one; PostgreSQL needs REPEATABLE READ)."""
    with read_connection(engine) as conn:
        if not is_sqlite(engine):
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


def _heads(conn: Connection) -> dict[str, ChainHead]:
    return {r.chain: ChainHead(r.last_id, r.last_hash)
            for r in conn.execute(select(t.chain_heads))}


def verify(engine: Engine) -> Verification:
    """Recompute both hash chains and the ledger's balance (see the module docstring)."""
    checked_at = now()
    problems: list[Finding] = []
    with _snapshot(engine) as conn:
        heads = _heads(conn)
        rows = [ChainRow(r.id, r.hash, r.prev_hash, audit_content(r._mapping))
                for r in conn.execute(select(t.audit_log).order_by(t.audit_log.c.id))]
        broken = check_chain(rows, heads.get(AUDIT_CHAIN))
        if broken is not None:
            problems.append(Finding("audit_log", broken.row_id, broken.kind.value,
                                    f"audit log: {broken.message}"))
        audit_head = rows[-1].hash if rows else None
        audit_rows = len(rows)
        version = rows[-1].id if rows else 0  # the data's version (services.dashboard)

        lines: dict[int, list[dict[str, Any]]] = {}
        for p in conn.execute(select(t.postings).order_by(t.postings.c.id)):
            lines.setdefault(p.entry_id, []).append({n: p._mapping[n] for n in POSTING_FIELDS})
        entries: dict[int, list[Any]] = {}
        for e in conn.execute(select(t.ledger_entries).order_by(t.ledger_entries.c.id)):
            entries.setdefault(e.framework_id, []).append(e)
        ledgers: list[LedgerCheck] = []
        for fw in conn.execute(select(t.frameworks.c.id, t.frameworks.c.key)
                               .order_by(t.frameworks.c.id)):
            own = entries.get(fw.id, [])
            chain = [ChainRow(e.id, e.hash, e.prev_hash,
                              entry_content({n: e._mapping[n] for n in ENTRY_FIELDS},
                                            lines.get(e.id, [])))
                     for e in own]
            broken = check_chain(chain, heads.get(ledger_chain(fw.id)))
            if broken is not None:
                problems.append(Finding("ledger_entries", broken.row_id, broken.kind.value,
                                        f"ledger of {fw.key}: {broken.message}"))
            unbalanced = unbalanced_entries(conn, fw.id)
            if unbalanced:
                first, sums = next(iter(unbalanced.items()))
                more = len(unbalanced) - 1
                problems.append(Finding(
                    "ledger_entries", first, "unbalanced",
                    f"ledger of {fw.key}: entry {first} does not balance: its postings sum to "
                    + ", ".join(f"{format(v, 'f')} {cur}" for cur, v in sums.items())
                    + " instead of zero" + (f" ({more} more entries do not balance)"
                                            if more else "")))
            ledgers.append(LedgerCheck(fw.key, len(own), sum(len(lines.get(e.id, []))
                                                              for e in own),
                                       own[-1].hash if own else None, broken is None,
                                       not unbalanced))
    return Verification(checked_at, version, audit_rows, audit_head,
                        not any(f.table == "audit_log" for f in problems), ledgers, problems)


# ---- the server's view: checked at start, again when the data changes ------------------------

_latest: dict[str, tuple[float, Verification]] = {}
_running: set[str] = set()
_lock = threading.Lock()


def check(engine: Engine) -> Verification:
    """Verify now and remember the result for ``latest`` (a warning is logged when the
    record does not verify)."""
    started = time.monotonic()
    result = verify(engine)
    key = str(engine.url)
    with _lock:
        kept = _latest.get(key)
        if kept is None or kept[0] <= started:  # a check begun earlier never wins
            _latest[key] = (started, result)
    if not result.ok:
        for f in result.problems:
            log.warning("the record of %s does not verify: %s", engine.url, f.message)
    return result


def _check_quietly(engine: Engine) -> None:
    try:
        check(engine)
    except Exception:  # a failed check is retried on the next look; the server goes on
        log.exception("verifying the record of %s failed", engine.url)
    finally:
        with _lock:
            _running.discard(str(engine.url))


def check_in_background(engine: Engine) -> threading.Thread | None:
    """Start ``check`` in a thread unless one is already running for this database."""
    key = str(engine.url)
    with _lock:
        if key in _running:
            return None
        _running.add(key)
    thread = threading.Thread(target=_check_quietly, args=(engine,), daemon=True,
                              name="pledge-verify")
    thread.start()
    return thread


def latest(engine: Engine) -> Verification | None:
    """The last result for this database (None before the first check ends); a new check
    starts in the background when the data changed since or the result is older than
    ``RECHECK_SECONDS``."""
    with _lock:
        kept = _latest.get(str(engine.url))
    if kept is None:
        check_in_background(engine)
        return None
    started, result = kept
    age = time.monotonic() - started
    if age > RECHECK_SECONDS:
        check_in_background(engine)
    elif age > MIN_INTERVAL_SECONDS:
        from pledge.services.dashboard import data_version
        if data_version(engine) != result.version:
            check_in_background(engine)
    return result

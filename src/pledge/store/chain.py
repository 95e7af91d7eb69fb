"""Extending the hash chains in the database (the hashes themselves: ``domain/chain.py``).

Each chain's end is recorded in ``chain_heads``; the transaction that extends a chain
locks that row first, reads where the chain ends, appends and records the new end, so
two transactions never chain to the same row.

- Audit rows are held in the session and written when the transaction commits
  (``transaction`` calls ``write_audit`` last). The audit head is then the last lock
  the transaction takes, and it is held only for the moment of the commit: no
  transaction holding it ever waits for another lock, so it cannot take part in a
  deadlock, and the rows' ids follow the order of the chain.
- Ledger entries are chained as they are posted: ``lock_ledger`` takes the framework
  row (``FOR KEY SHARE``, which inserting a posting would take anyway) and then the
  framework's ledger head, whose lock serialises the writers of that ledger.

On SQLite write transactions are already serial (``BEGIN IMMEDIATE``); the locks are
for PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from pledge.domain.chain import (
    AUDIT_CHAIN,
    GENESIS,
    ChainHead,
    audit_content,
    ledger_chain,
    link,
)
from pledge.store import tables as t

_PENDING = "pledge_pending_audit"


def _head(session: Connection, chain: str) -> ChainHead:
    """The chain's head, locked until the transaction ends (created empty when missing)."""
    stmt = select(t.chain_heads).where(t.chain_heads.c.chain == chain).with_for_update()
    row = session.execute(stmt).first()
    if row is None:
        # the dialects are loaded here: most units of work find the head already made
        from sqlalchemy.dialects import postgresql, sqlite
        dialect = postgresql if session.dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(t.chain_heads)
                        .values(chain=chain, last_id=None, last_hash=GENESIS)
                        .on_conflict_do_nothing())
        row = session.execute(stmt).one()
    return ChainHead(row.last_id, row.last_hash)


def _record_head(session: Connection, chain: str, last_id: int, last_hash: str) -> None:
    session.execute(t.chain_heads.update().where(t.chain_heads.c.chain == chain)
                    .values(last_id=last_id, last_hash=last_hash))


def queue_audit(session: Connection, values: dict[str, Any]) -> None:
    """Hold an audit row until the transaction commits (see the module docstring)."""
    session.info.setdefault(_PENDING, []).append(values)


def audit_queued(session: Connection) -> int:
    """How many audit rows the session holds (a savepoint notes it before it starts)."""
    return len(session.info.get(_PENDING, ()))


def forget_audit(session: Connection, keep: int) -> None:
    """Drop the audit rows queued after the first ``keep`` (a savepoint rolled back)."""
    del session.info.get(_PENDING, [])[keep:]


def write_audit(session: Connection) -> None:
    """Write the queued audit rows at the end of the chain (called just before commit)."""
    pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    prev = _head(session, AUDIT_CHAIN).last_hash
    # one statement for them all: a column only some rows fill is NULL in the others
    columns = {name for values in pending for name in values}
    rows = []
    for values in ({name: v.get(name) for name in columns} for v in pending):
        digest = link(prev, audit_content(values))
        rows.append({**values, "hash": digest, "prev_hash": prev})
        prev = digest
    ids = session.execute(t.audit_log.insert().returning(
        t.audit_log.c.id, sort_by_parameter_order=True), rows).scalars().all()
    _record_head(session, AUDIT_CHAIN, int(ids[-1]), prev)


def lock_ledger(session: Connection, framework_id: int) -> ChainHead:
    """Lock a framework's ledger chain for this transaction and say where it ends."""
    session.execute(select(t.frameworks.c.id).where(t.frameworks.c.id == framework_id)
                    .with_for_update(key_share=True))
    return _head(session, ledger_chain(framework_id))


def record_ledger_head(session: Connection, framework_id: int, last_id: int,
                       last_hash: str) -> None:
    _record_head(session, ledger_chain(framework_id), last_id, last_hash)

"""Hash chains: what makes the audit log and the ledger tamper-evident.

Each chained row carries ``hash``, the SHA-256 of the previous row's hash and of a
canonical text of its own content, and ``prev_hash``, the previous row's hash (the
first row follows ``GENESIS``). Editing a row, deleting one, inserting one or
changing their order breaks the chain at that row, and ``check_chain`` names the
first row where it breaks and how.

The canonical text is JSON with sorted keys and no spaces, ASCII only; money is text
in whole cents (``"1500000000.00"``), dates are ``YYYY-MM-DD`` and timestamps UTC
with microseconds (``2026-03-13T09:30:00.000000Z``). Row ids are not part of the
content: a row's place is its place in the chain, so rows swapped between two ids
read as reordered rather than edited.

This module is the one definition the writers (``services.base``) and the verifier
(``services.audit``) share; changing it changes every hash ever written. A column added
later to a chained table must join the content without changing the text of the rows
already written (for instance only when it is not NULL), or they stop verifying.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64
"""What the first row of every chain follows."""

CENT = Decimal("0.01")

AUDIT_FIELDS = ("at", "actor", "role", "action", "entity", "entity_id", "project_id",
                "before", "after")
# Joined the audit rows later: covered only when the row holds a value, so the rows written
# before keep their text (and their hashes).
AUDIT_LATER_FIELDS = ("user_name",)
ENTRY_FIELDS = ("framework_id", "kind", "on", "memo", "actor", "role", "recorded_at")
POSTING_FIELDS = ("framework_id", "account", "amount", "currency", "on", "project_id",
                  "party", "instrument", "provider")

AUDIT_CHAIN = "audit"


def ledger_chain(framework_id: int) -> str:
    """The name of a framework's ledger chain (each framework's entries form one chain)."""
    return f"ledger:{framework_id}"


def timestamp_text(value: datetime) -> str:
    """A timestamp as UTC text with microseconds (a naive one is taken to be UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def money_text(value: Decimal) -> str:
    """An amount as text in whole cents: ``Decimal("15E+9")`` is ``"15000000000.00"``."""
    return format(value.quantize(CENT), "f")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a chained value cannot be NaN or infinite")
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):  # before date: a datetime is a date
        return timestamp_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot chain a value of type {type(value).__name__}")


def canonical(content: Mapping[str, Any]) -> str:
    """The canonical text of a row's content (see the module docstring)."""
    return json.dumps(_plain(content), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)


def link(prev_hash: str, content: Mapping[str, Any]) -> str:
    """The hash of a row whose content is ``content`` and which follows ``prev_hash``."""
    return hashlib.sha256(f"{prev_hash}:{canonical(content)}".encode("ascii")).hexdigest()


def audit_content(row: Mapping[Any, Any]) -> dict[str, Any]:
    """What an audit row's hash covers: every column but its id and the hashes (a column
    added later only when it holds a value)."""
    content = {name: row[name] for name in AUDIT_FIELDS}
    for name in AUDIT_LATER_FIELDS:
        if row.get(name) is not None:
            content[name] = row[name]
    return content


def entry_content(entry: Mapping[str, Any], postings: Sequence[Mapping[str, Any]]
                  ) -> dict[str, Any]:
    """What a ledger entry's hash covers: the entry and its postings, in their order."""
    lines = []
    for p in postings:
        line = {name: p[name] for name in POSTING_FIELDS}
        line["amount"] = money_text(line["amount"])
        lines.append(line)
    return {**{name: entry[name] for name in ENTRY_FIELDS}, "postings": lines}


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One row of a chain as stored: its id, the hashes it carries and its content."""

    id: int
    hash: str | None
    prev_hash: str | None
    content: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last row of a chain as recorded when it was written (None: an empty chain)."""

    last_id: int | None
    last_hash: str


class BreakKind(StrEnum):
    EDITED = "edited"          # the row's content no longer matches its hash
    DELETED = "deleted"        # a row the chain records is missing
    INSERTED = "inserted"      # a row the chain does not record is present
    REORDERED = "reordered"    # rows are present but not in the order they were chained


@dataclass(frozen=True, slots=True)
class Break:
    """Where a chain breaks first: the row (None when no row can be named) and how."""

    row_id: int | None
    kind: BreakKind
    message: str


def check_chain(rows: Sequence[ChainRow], head: ChainHead | None) -> Break | None:
    """The first place where ``rows`` (in id order) stop forming an unbroken chain that
    ends at ``head``, or None when the chain is intact.

    A row whose content does not match its hash was edited, unless the next row is
    chained past it (then it was inserted). A row chained to a hash that is not its
    predecessor's was moved (the hash belongs to a later row), follows inserted rows
    (the hash belongs to an earlier row), was itself inserted (the next row is chained
    past it) or follows a deleted row (the hash belongs to no row, or the previous row
    was rewritten together with its hash). Rows after the recorded head were inserted;
    a head that is no longer there means rows at the end were deleted.
    """
    where = {r.hash: i for i, r in enumerate(rows) if r.hash is not None}
    expected = GENESIS
    for i, row in enumerate(rows):
        after = rows[i + 1] if i + 1 < len(rows) else None
        skipped = (after.prev_hash == expected if after is not None
                   else head is not None and head.last_hash == expected)
        before = f"row {rows[i - 1].id}" if i else "the start of the chain"
        if row.hash is None or row.prev_hash is None:
            return Break(row.id, BreakKind.INSERTED,
                         f"row {row.id} carries no hash: it was written outside pledge")
        if link(row.prev_hash, row.content) != row.hash:
            if skipped:
                return Break(row.id, BreakKind.INSERTED,
                             f"row {row.id} was inserted: its hash does not match its content "
                             f"and the chain goes on from {before} without it")
            return Break(row.id, BreakKind.EDITED,
                         f"row {row.id} was edited: its content no longer matches its hash")
        if row.prev_hash != expected:
            j = where.get(row.prev_hash)
            if j is not None and j > i:
                return Break(row.id, BreakKind.REORDERED,
                             f"row {row.id} was chained after row {rows[j].id}, which now "
                             f"comes later: rows were reordered")
            if j is not None and j < i - 1:
                first = rows[j + 1]
                return Break(first.id, BreakKind.INSERTED,
                             f"row {first.id} was inserted: row {row.id} was chained directly "
                             f"after row {rows[j].id}")
            if skipped:
                return Break(row.id, BreakKind.INSERTED,
                             f"row {row.id} was inserted: it is not chained to {before} and "
                             f"the chain goes on from {before} without it")
            return Break(row.id, BreakKind.DELETED,
                         f"row {row.id} is chained to a row that is no longer there: a row "
                         f"after {before} was deleted (or {before} was rewritten with a new "
                         f"hash)")
        expected = row.hash
    last = rows[-1].id if rows else None
    if head is None:
        if rows:
            return Break(None, BreakKind.DELETED,
                         "the record of where the chain ends is missing")
        return None
    if head.last_hash == expected:
        return None
    j = -1 if head.last_hash == GENESIS else where.get(head.last_hash)
    if j is not None:
        first = rows[j + 1]
        return Break(first.id, BreakKind.INSERTED,
                     f"row {first.id} was inserted: the chain was recorded as ending "
                     f"{'before any row' if j < 0 else f'at row {rows[j].id}'}")
    ends = f"at row {last}" if last is not None else "with no rows"
    return Break(head.last_id, BreakKind.DELETED,
                 f"the chain now ends {ends} but was recorded as ending at row "
                 f"{head.last_id}: rows at the end were deleted")

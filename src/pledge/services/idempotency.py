"""Idempotent changes: a request sent again with the same key acts once.

A client that changes data (a script retrying after a timeout, a browser that submits
a form twice, the command line run again by a scheduler) sends a key of its own with
the request. ``once`` runs the change the first time and records, in the same
transaction as the change, the key, a hash of the request and the result. Later:

- the same key with the same request (method, target and canonical body, same user)
  answers the recorded result again (status, body, or the same refusal) and changes
  nothing;
- the same key with a different request is refused (``idempotency.key_reused``);
- a key whose first request has not finished after a while (``wait`` seconds, the edge's
  setting ``PLEDGE_IDEMPOTENCY_WAIT_SECONDS``, 10 by default; PostgreSQL only: on SQLite
  writers queue anyway) is refused
  (``idempotency.in_progress``): ask again later;
- keys belong to one user, so two users never see each other's results;
- a key is kept for ``keep`` (the edge's setting ``PLEDGE_IDEMPOTENCY_HOURS``, 24 hours by
  default); expired keys
  are purged as new ones come in, and may then be used again.

What is recorded: every result the change itself reached, a success or a refusal by
the rules or of the input (the second attempt gets the same refusal even if the state
has changed since; send a new key to try again). Nothing is recorded when the request
never reached the change (a body that does not match the schema, a key refused for its
own form, a key still in use) or when it failed unexpectedly (a server error rolls the
key back with everything else, so the same key may be sent again).

Concurrency: the key's row is inserted first, then the change runs, then the result is
written into the row, all in one transaction, so the row and the change commit or roll
back together. A unique constraint on (user, key) does the rest: on PostgreSQL a
second request with the key waits at its insert until the first commits (then answers
its result) or rolls back (then does the work itself); on SQLite write transactions
already run one at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Row, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from pledge.domain.access import Forbidden, Unauthorized
from pledge.domain.bounds import IDEMPOTENCY_KEEP_HOURS, IDEMPOTENCY_WAIT_SECONDS
from pledge.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PledgeError,
    Problem,
    RuleViolation,
)
from pledge.services.base import jsonable, now
from pledge.store import tables as t
from pledge.store.db import is_sqlite, transaction

T = TypeVar("T")

KEY_FIELD = "idempotency_key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The defaults of the edges' settings (``pledge.settings``), given to ``once``.
DEFAULT_RETENTION = timedelta(hours=IDEMPOTENCY_KEEP_HOURS)
DEFAULT_WAIT = IDEMPOTENCY_WAIT_SECONDS
PURGE_EVERY = 600.0  # seconds between two purges of expired keys, per database and process

# 1 to 255 printable ASCII characters, not starting or ending with a space.
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?")
_REQUEST_CHARS = 300

# The error classes a recorded refusal is raised again as (the nearest one it is).
_REFUSALS: tuple[type[PledgeError], ...] = (Unauthorized, Forbidden, NotFound, Conflict,
                                            RuleViolation, InvalidInput, PledgeError)


@dataclass(frozen=True, slots=True)
class Claim:
    """One keyed request: whose key, the key, what was asked (for people) and its hash."""

    user: str
    key: str
    request: str
    digest: str
    field: str = KEY_FIELD  # how the edge names the key in errors (a header, an option)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a keyed request answers: the work's own result the first time (``value``;
    None when replayed), the result as JSON (what is recorded and replayed), its status,
    and, for a replay, when the key was first used."""

    value: T | None
    document: Any
    status: int
    replayed: bool = False
    first_at: datetime | None = None


def check_key(key: str, field: str = KEY_FIELD) -> str:
    """The key, if it is 1 to 255 printable ASCII characters; InvalidInput otherwise."""
    if not isinstance(key, str) or _KEY.fullmatch(key) is None:
        shown = key if isinstance(key, str) and len(key) <= 40 else f"{str(key)[:37]}..."
        raise InvalidInput.single(
            field, shown.encode("ascii", "backslashreplace").decode("ascii"),
            "idempotency.bad_key",
            "an idempotency key is 1 to 255 printable ASCII characters, not starting or "
            "ending with a space (a random UUID is a good key)")
    return key


def body_value(raw: bytes) -> Any:
    """A request body as it is compared: its value when it is JSON (so spacing and the
    order of names do not matter), else the SHA-256 of its bytes; None when empty."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"sha256": hashlib.sha256(raw).hexdigest()}


def canonical(body: Any) -> bytes:
    """The body in one form, whatever its spelling: JSON (given as bytes or as values) is
    written with sorted names and no spaces; other bytes by their hash."""
    value = body_value(bytes(body)) if isinstance(body, bytes | bytearray) else body
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str).encode("utf-8")


def claim(user: str, key: str, request: str, body: Any = None, *,
          field: str = KEY_FIELD) -> Claim:
    """A claim on ``key`` for ``user``'s ``request`` (e.g. ``POST /api/v1/...`` or
    ``pledge fund``) with ``body`` (JSON bytes, other bytes, or JSON-able values such as
    a command's options); the key is checked here."""
    check_key(key, field)
    digest = hashlib.sha256()
    digest.update(request.encode("utf-8"))
    digest.update(b"\n")
    digest.update(canonical(body))
    return Claim(user, key, request[:_REQUEST_CHARS], digest.hexdigest(), field)


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


def _json(document: Any) -> Any:
    """The document exactly as it will be read back from the database."""
    return json.loads(json.dumps(jsonable(document), ensure_ascii=False, allow_nan=False))


def _refusal_record(exc: PledgeError) -> dict[str, Any]:
    kind = next(c for c in _REFUSALS if isinstance(exc, c))
    return {"kind": kind.__name__,
            "problems": [{"field": p.field, "value": str(p.value), "rule": p.rule,
                          "message": p.message} for p in exc.problems]}


def _refusal(record: dict[str, Any]) -> PledgeError:
    kind = next((c for c in _REFUSALS if c.__name__ == record.get("kind")), PledgeError)
    exc = kind([Problem(str(p["field"]), p["value"], str(p["rule"]), str(p["message"]))
                for p in record["problems"]])
    setattr(exc, "idempotent_replay", True)  # noqa: B010 (read by ``is_replay``)
    return exc


def is_replay(exc: BaseException) -> bool:
    """Whether ``exc`` is a recorded refusal answered again (edges mark such answers)."""
    return getattr(exc, "idempotent_replay", False) is True


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


_purged: dict[str, float] = {}


def purge_expired(engine: Engine) -> int:
    """Delete every expired key; returns how many."""
    keys = t.idempotency_keys
    with transaction(engine) as s:
        result = s.execute(delete(keys).where(keys.c.expires_at <= now()))
        return int(result.rowcount or 0)


def _purge_now_and_then(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=True)
    last = _purged.get(url)
    if last is not None and time.monotonic() - last < PURGE_EVERY:
        return
    _purged[url] = time.monotonic()
    purge_expired(engine)


def _take(s: Connection, engine: Engine, c: Claim, keep: timedelta, wait: float
          ) -> tuple[Row[Any] | None, int | None]:
    """Insert the key's row first: (None, its id) when the key is ours, else (the row
    recorded before, None). An expired row makes way. On PostgreSQL a request holding
    the key is waited for, at most ``wait`` seconds."""
    keys = t.idempotency_keys
    postgres = not is_sqlite(engine)
    insert = pg_insert if postgres else sqlite_insert
    if postgres:
        s.execute(text(f"SET LOCAL lock_timeout = {max(1, round(wait * 1000))}"))
    try:
        for _ in range(5):
            at = now()
            new_id = s.execute(insert(keys).values(
                user_name=c.user, key=c.key, request_hash=c.digest, request=c.request,
                created_at=at, expires_at=at + keep).on_conflict_do_nothing()
                .returning(keys.c.id)).scalar()
            if new_id is not None:
                if postgres:  # the change itself waits for its locks as long as it must
                    s.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
                return None, int(new_id)
            row = s.execute(select(keys).where(keys.c.user_name == c.user,
                                               keys.c.key == c.key)).first()
            if row is None:
                continue  # the holder rolled back, or the row was purged, in between
            if _aware(row.expires_at) > at:
                return row, None
            s.execute(delete(keys).where(keys.c.id == row.id))  # expired: used afresh
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
    raise Conflict.single(c.field, c.key, "idempotency.in_progress",
                          "a request with this key is still being processed; ask again "
                          "in a moment to get its result")


def _answer(row: Row[Any], c: Claim) -> Outcome[Any]:
    first = _aware(row.created_at)
    if row.request_hash != c.digest:
        raise Conflict.single(c.field, c.key, "idempotency.key_reused",
                              f"this key was used at {first:%Y-%m-%d %H:%M:%S} UTC for a "
                              f"different request ({row.request}); send each new request "
                              "with a new key")
    if row.status_code is None or row.response is None:
        raise Conflict.single(c.field, c.key, "idempotency.in_progress",
                              "a request with this key is still being processed; ask again "
                              "in a moment to get its result")
    recorded = dict(row.response)
    if "error" in recorded:
        raise _refusal(recorded["error"])
    return Outcome(None, recorded.get("body"), int(row.status_code), True, first)


def _refused_as_400(_exc: PledgeError) -> int:
    return 400


def once(engine: Engine, request: Claim | None, work: Callable[[], T],
         document: Callable[[T], Any] = _plain, *, status: int = 200,
         refused: Callable[[PledgeError], int] = _refused_as_400,
         keep: timedelta | None = None, wait: float | None = None) -> Outcome[T]:
    """Run ``work`` (a service call) once for ``request``'s key; without a key, just run it.

    ``document`` turns the work's result into the JSON recorded and answered (default:
    the result itself, a dataclass as a dict); ``status`` is the edge's status for a
    success and ``refused`` gives it for a refusal (both recorded, to be answered again).
    A replayed refusal is raised again, marked (``is_replay``); a first one is raised
    as it came. ``keep``: how long the key is kept (default ``DEFAULT_RETENTION``);
    ``wait``: seconds to wait for a request holding the key (default ``DEFAULT_WAIT``).
    """
    if request is None:
        value = work()
        return Outcome(value, document(value), status)
    keep = keep if keep is not None else DEFAULT_RETENTION
    wait = wait if wait is not None else DEFAULT_WAIT
    _purge_now_and_then(engine)
    refusal: PledgeError | None = None
    keys = t.idempotency_keys
    with transaction(engine) as s:
        found, key_id = _take(s, engine, request, keep, wait)
        if found is None:
            try:
                # a refusal leaves nothing but the key's record: the work's writes, its
                # audit rows and what it asked to run after the commit all go (a bare
                # savepoint would keep the audit rows its nested units queued)
                with transaction(engine):
                    value = work()
                    body = _json(document(value))
            except PledgeError as exc:
                refusal = exc
                code, recorded = refused(exc), {"error": _refusal_record(exc)}
            else:
                code, recorded = status, {"body": body}
            s.execute(update(keys).where(keys.c.id == key_id)
                      .values(status_code=code, response=recorded))
    if found is not None:
        return _answer(found, request)
    if refusal is not None:
        raise refusal
    return Outcome(value, body, status)

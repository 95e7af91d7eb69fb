"""What the dashboard shows: utilisation against the cap, the pipeline, deadlines, sectors.

``dashboard`` answers in one call. Its answer depends only on the database and
the date, so it is cached per database, framework and date and dropped as soon
as anything changes (every change writes an audit entry; the newest audit id is
the data's version). The same holds for the other cached views in ``views``.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from cachetools import LRUCache
from sqlalchemy import Connection, Engine, func, select

from pledge.domain.bounds import check_dates
from pledge.domain.ledger import ALLOCATED, USED, ZERO
from pledge.domain.lifecycle import Stage
from pledge.services.base import framework_row
from pledge.services.deadlines import ProjectDeadline, project_deadlines
from pledge.services.funding import Commitments, commitments
from pledge.services.relations import counted_in
from pledge.store import tables as t
from pledge.store.db import read_connection, reading

T = TypeVar("T")

PIPELINE_ORDER = [s.value for s in Stage]


@dataclass(frozen=True, slots=True)
class StageCount:
    """Projects at one stage: how many, and the sum of their primary estimates in USD.

    Each real project counts once (``domain.relations``): a row recorded as a duplicate
    report of another is left out (``duplicates`` says how many such rows are at this
    stage), and an umbrella programme adds what its amount leaves after its parts.
    usd_low / usd_high: sums over projects with an estimate (``priced`` of ``count``).
    """

    stage: str
    count: int
    priced: int
    usd_low: Decimal
    usd_high: Decimal
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The dashboard of one framework on ``as_of``.

    deadlines: the next open funding dates (notified or selected projects), soonest
    first, overdue ones included (their business days left are negative).
    by_sector: US dollars allocated or used against the cap, per sector.
    """

    framework: str
    name: str
    as_of: date
    commitments: Commitments
    pipeline: list[StageCount]
    deadlines: list[ProjectDeadline]
    by_sector: dict[str, Decimal]
    projects: int


_VERSION = select(func.coalesce(func.max(t.audit_log.c.id), 0))


# Within ``one_data_version``: the version read once per engine (by the engine's id).
_ONE_VERSION: ContextVar[dict[int, int] | None] = ContextVar("pledge_one_version", default=None)


@contextmanager
def one_data_version() -> Iterator[None]:
    """Within this block (in this task or thread, and the threads it hands work to with
    its context, such as a request's worker thread), ``data_version`` reads the database
    once per engine: a read that consults several cached views (a page) checks them all
    against one version, with one statement. For reads only: a change made within the
    block is not seen by ``data_version`` until the block ends."""
    token = _ONE_VERSION.set({})
    try:
        yield
    finally:
        _ONE_VERSION.reset(token)


def data_version(engine: Engine) -> int:
    """A number that changes whenever anything in the database changes."""
    memo = _ONE_VERSION.get()
    if memo is not None and id(engine) in memo:
        return memo[id(engine)]
    with read_connection(engine) as conn:
        version = int(conn.execute(_VERSION).scalar_one())
    if memo is not None:
        memo[id(engine)] = version
    return version


def data_version_on(engine: Engine, conn: Connection) -> int:
    """``data_version``, read on ``conn`` (a read of ``engine`` already open: the version
    of what it reads in its snapshot, one statement rather than a connection of its own)
    unless it was read already within ``one_data_version``; it then counts as read there."""
    memo = _ONE_VERSION.get()
    if memo is not None and id(engine) in memo:
        return memo[id(engine)]
    version = int(conn.execute(_VERSION).scalar_one())
    if memo is not None:
        memo[id(engine)] = version
    return version


_SAMPLE = 8  # items of a long list measured for its size


def approximate_size(value: Any, limit: int = 2_000_000) -> int:
    """Bytes ``value`` holds, roughly: the object and everything it refers to, once each.

    Walks containers, dataclasses and objects with slots; numpy arrays count their data.
    A long list or tuple of items of one type is measured by a sample of its items (each
    item's share of the sample's size, times their number). Stops counting after
    ``limit`` objects (the answer is then a lower bound).
    """
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj, 64)
        if isinstance(obj, str | bytes | int | float | Decimal | date):
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple) and len(obj) > 2 * _SAMPLE \
                and len({type(x) for x in obj}) == 1:
            step = len(obj) // _SAMPLE
            sample = [obj[i] for i in range(0, step * _SAMPLE, step)]
            total += approximate_size(sample, limit) * len(obj) // _SAMPLE
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif dataclasses.is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return total


class _Cache:
    """A per-process cache of computed views keyed by (database, view, arguments).

    Each entry remembers the data version it was computed at and is fresh while the
    version is unchanged. Bounded by memory: the least recently used entries go when
    the entries' approximate sizes add up to more than ``max_bytes`` (a single larger
    result is not kept). Concurrent requests for the same missing entry compute it
    once: the others wait for the first. The last value of a key stays readable
    (``last``) after the data changed, until it is replaced or evicted.
    """

    def __init__(self, max_bytes: int = 64 * 2**20) -> None:
        # Each entry is (data version, value, approximate bytes); the LRU cache weighs
        # entries by those bytes and drops the least recently used beyond ``max_bytes``.
        self._data: LRUCache[tuple[Any, ...], tuple[int, Any, int]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda entry: entry[2])
        self._building: dict[tuple[Any, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        return int(self._data.maxsize)

    @staticmethod
    def _full(engine: Engine, key: tuple[Any, ...]) -> tuple[Any, ...]:
        return (engine.url.render_as_string(hide_password=True), *key)

    def _fresh(self, full: tuple[Any, ...], version: int) -> tuple[bool, Any]:
        with self._lock:
            hit = self._data.get(full)  # a hit becomes the most recently used
            if hit is None or hit[0] != version:
                return False, None
            return True, hit[1]

    def _store(self, full: tuple[Any, ...], version: int, value: Any) -> None:
        size = approximate_size(value)
        with self._lock:
            self._data.pop(full, None)
            if size <= self.max_bytes:  # a single larger result is not kept
                self._data[full] = (version, value, size)

    def fresh(self, engine: Engine, key: tuple[Any, ...]) -> tuple[bool, Any]:
        """(True, value) when ``key`` was computed at the current data version."""
        return self._fresh(self._full(engine, key), data_version(engine))

    def last(self, engine: Engine, key: tuple[Any, ...]) -> Any:
        """The last value computed for ``key`` at any data version, or None."""
        with self._lock:
            hit = self._data.get(self._full(engine, key))
        return None if hit is None else hit[1]

    def get(self, engine: Engine, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """The value of ``key`` at the current data version, computed by ``build`` once."""
        full = self._full(engine, key)
        version = data_version(engine)
        found, value = self._fresh(full, version)
        if found:
            return value  # type: ignore[no-any-return]  # stored by build, so a T
        with self._lock:
            gate = self._building.setdefault(full, threading.Lock())
        with gate:  # one builder per key; the others wait and then find its value
            found, value = self._fresh(full, version)
            if found:
                return value  # type: ignore[no-any-return]  # stored by build, so a T
            try:
                built = build()
                self._store(full, version, built)
            finally:
                with self._lock:
                    if self._building.get(full) is gate:
                        del self._building[full]
            return built

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    @property
    def size(self) -> int:
        """Bytes the entries hold, approximately."""
        return int(self._data.currsize)


views = _Cache()


def _pipeline(engine: Engine, framework_id: int) -> list[StageCount]:
    # One row per project, summed here in Decimal: an SQL SUM of the cents columns is a
    # 64-bit integer on SQLite and overflows when the amounts are large enough.
    p, e = t.projects, t.estimates
    stmt = (select(p.c.id, p.c.status, e.c.usd_low, func.coalesce(e.c.usd_high, e.c.usd_low))
            .outerjoin(e, (e.c.project_id == p.c.id) & e.c.is_primary)
            .where(p.c.framework_id == framework_id))
    with reading(engine) as s:
        rows = [(int(r[0]), str(r[1]), r[2], r[3]) for r in s.execute(stmt)]
        low = counted_in(s, framework_id, {pid: lo for pid, _, lo, _ in rows})
        high = counted_in(s, framework_id, {pid: hi for pid, _, _, hi in rows})
    by_stage: dict[str, list[Any]] = {}
    for pid, stage, _, hi in rows:
        acc = by_stage.setdefault(stage, [0, 0, ZERO, ZERO, 0])
        if not high[pid].counted:
            acc[4] += 1
            continue
        acc[0] += 1
        if hi is not None:
            acc[1] += 1
        acc[2] += low[pid].amount or ZERO
        acc[3] += high[pid].amount or ZERO
    return [StageCount(stage, a[0], a[1], a[2], a[3], a[4])
            for stage in PIPELINE_ORDER if (a := by_stage.get(stage)) is not None]


def _by_sector(engine: Engine, framework_id: int, as_of: date) -> dict[str, Decimal]:
    po, p = t.postings, t.projects
    wanted = [po.c.account.endswith(":" + ALLOCATED), po.c.account.endswith(":" + USED)]
    stmt = (select(p.c.sector, po.c.amount)
            .join(p, p.c.id == po.c.project_id)
            .where(po.c.framework_id == framework_id, po.c.on <= as_of, wanted[0] | wanted[1]))
    out: dict[str, Decimal] = {}
    with reading(engine) as s:
        for sector, amount in s.execute(stmt):
            out[sector] = out.get(sector, ZERO) + amount
    return {k: v for k, v in sorted(out.items(), key=lambda kv: -kv[1]) if v}


def _build(engine: Engine, framework: str, as_of: date, limit: int) -> Dashboard:
    with reading(engine) as s:
        fw = framework_row(s, framework)
        fw_id, fw_key, fw_name = fw.id, fw.key, fw.name
    pipeline = _pipeline(engine, fw_id)
    deadlines = [d for d in project_deadlines(engine, framework=fw_key, as_of=as_of)
                 if d.status in (Stage.SELECTED.value, Stage.NOTIFIED.value)][:limit]
    return Dashboard(fw_key, fw_name, as_of, commitments(engine, fw_key, as_of), pipeline,
                     deadlines, _by_sector(engine, fw_id, as_of),
                     sum(c.count for c in pipeline))


def dashboard(engine: Engine, framework: str = "japan", as_of: date | None = None, *,
              limit: int = 10) -> Dashboard:
    """The dashboard of ``framework`` on ``as_of`` (default today)."""
    check_dates(on=as_of)
    day = as_of or date.today()
    return views.get(engine, ("dashboard", framework, day, limit),
                     lambda: _build(engine, framework, day, limit))

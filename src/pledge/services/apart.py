"""Background computations in a process of their own, at the lowest CPU priority.

A serving process answers requests on one thread; a computation nobody waits on within a
request (a project's outlook) run on another thread of the same process still takes the
interpreter's lock from it for milliseconds at a time, whatever the thread's priority.
Run in a separate process instead, it shares nothing with the serving threads, and the
operating system gives it only the CPU they leave (niceness 19).

A server turns this on (``start``) before it answers; everything else (the command
line, tests, notebooks) computes in-process. The process is spawned (never forked from a
process with threads) on first use and ends with its parent: it checks every second
that the process which started it still lives.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine

from pledge.store.db import make_engine

T = TypeVar("T")
LOWEST_PRIORITY = 19  # niceness: the CPU the serving processes leave, nothing more

_lock = threading.Lock()
_enabled = False
_pool: ProcessPoolExecutor | None = None


def start() -> None:
    """From now on ``run`` computes in the separate process (a serving process's choice)."""
    global _enabled
    with _lock:
        _enabled = True


def stop() -> None:
    """Compute in-process again, and end the separate process at once if it was started
    (a computation under way there breaks off: ``run`` raises ``BrokenProcessPool``)."""
    global _enabled, _pool
    with _lock:
        _enabled, pool, _pool = False, _pool, None
    if pool is not None:
        # what it computes is of no use now: it ends at once rather than when done (a
        # board may take minutes), and whoever waits for it is told it broke off
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


def prepare(work: Callable[[], Any]) -> None:
    """Start the separate process now and have it run ``work`` (a module-level function:
    what makes its first computation quick, such as loading the engines), not waiting."""
    with _lock:
        enabled = _enabled
    if enabled:
        _executor().submit(work)


def in_use(engine: Engine) -> bool:
    """Whether ``run`` would compute apart for ``engine`` (a database the other process can
    open: not an in-memory SQLite one)."""
    db = engine.url.database or ""
    return _enabled and not (engine.url.get_backend_name() == "sqlite"
                             and db in ("", ":memory:"))


def run(engine: Engine, work: Callable[[Engine], T]) -> T:
    """``work(engine)``: in the separate process when it is in use (``work`` must then be a
    module-level function, and what it returns picklable), else here. Blocks until done."""
    if not in_use(engine):
        return work(engine)
    url = engine.url.render_as_string(hide_password=False)
    done: T = _executor().submit(_run_there, url, work).result()
    return done


def process_id(engine: Engine) -> int:
    """The id of the process ``run`` computes in (for ``run(engine, process_id)``: which
    process that is, as a test or a diagnosis asks)."""
    return os.getpid()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1,
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_begin, initargs=(os.getpid(),))
        return _pool


# ---- in the separate process


def _begin(parent: int) -> None:
    """The separate process's start: the lowest priority, and an end with its parent."""
    with contextlib.suppress(OSError):  # not permitted here: the priority stays
        os.nice(LOWEST_PRIORITY - os.nice(0))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)  # the parent is gone: nobody will read what is computed

    threading.Thread(target=watch, daemon=True, name="pledge-apart-parent").start()


def _run_there(url: str, work: Callable[[Engine], T]) -> T:
    return work(_engine_for(url))


_engines: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    """One engine per database in the separate process (its connections are reused)."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return engine

"""Reading a large batch of articles on every core.

Reading an article is pure Python (cleaning, the phrase and amount rules, matching), so
one process reads one article at a time whatever the machine has. A batch of at least
:data:`PARALLEL_FROM` articles (an archive, a backlog of feeds) is read by several
processes instead, each loading the gazetteer and the project index once and reading
its share in order; the extractions come back in the articles' order and are the same,
field for field, as reading them one after the other. Smaller batches, and the web
server's requests, read in the calling process: starting a process costs about half a
second, the time to read some three hundred articles.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from pledge.domain.bounds import MAX_JOBS, check_jobs
from pledge.ingest.extract import Extraction, extract
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import KnownProject, ProjectIndex

PARALLEL_FROM = 200
"""Articles from which an automatic choice reads on several processes."""

LARGEST_TASK = 64
"""Most articles a process reads per task. A task costs the calling process some hundreds
of microseconds whatever its size (a future, two queues and their threads), as much as
taking delivery of a few articles' extractions, so tasks are large while many articles
remain (the order of the results does not depend on their sizes)."""

SMALLEST_TASK = 4
"""Fewest articles per task (but the last): the tasks shrink towards the end of a batch,
so that the processes finish together (see :func:`task_sizes`)."""

_worker: tuple[Gazetteer, ProjectIndex] | None = None


def jobs_for(articles: int, jobs: int | None = None) -> int:
    """The processes a batch of ``articles`` is read on: ``jobs`` if given (checked),
    else one below :data:`PARALLEL_FROM` articles and one per core from there."""
    if jobs is not None:
        return check_jobs(jobs)
    if articles < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def _start(projects: list[KnownProject], gazetteer: Gazetteer) -> None:
    """A reading process's setup: the gazetteer and the project index, once."""
    global _worker
    _worker = (gazetteer, ProjectIndex(projects, gazetteer))
    # They live as long as the process: out of the collector's generations, no collection
    # walks them again (tens of thousands of objects, walked by every full collection).
    gc.collect()
    gc.freeze()


Item = tuple[str, str, bool | None, str]
"""An article to read: its source, text, whether it is HTML (None: look), its outlet's
host name (see :func:`pledge.ingest.extract.extract`)."""


def _read(batch: list[Item]) -> list[Extraction]:
    """Read articles in a reading process."""
    assert _worker is not None, "a reading process starts with _start"
    gazetteer, index = _worker
    return [extract(text, source=source, gazetteer=gazetteer, projects=index, html=html,
                    name=source, outlet=outlet) for source, text, html, outlet in batch]


class ReadingPool(ProcessPoolExecutor):
    """Reading processes (:func:`start_pool`) that know how many they are."""

    def __init__(self, jobs: int, projects: list[KnownProject], gazetteer: Gazetteer) -> None:
        super().__init__(jobs, mp_context=multiprocessing.get_context("spawn"),
                         initializer=_start, initargs=(projects, gazetteer))
        self.jobs = jobs


def start_pool(projects: Sequence[KnownProject], gazetteer: Gazetteer,
               jobs: int) -> ReadingPool:
    """``jobs`` reading processes (started fresh, so that a caller with threads is safe),
    each with the gazetteer and the project index loaded."""
    return ReadingPool(check_jobs(jobs), list(projects), gazetteer)


def read_with(pool: ReadingPool, items: Sequence[Item],
              progress: Callable[[int, int], None] | None = None) -> list[Extraction]:
    """Read ``items`` on a pool of :func:`start_pool`, in their order; ``progress(done,
    total)`` after each task's share."""
    batches = []
    at = 0
    for size in task_sizes(len(items), pool.jobs):
        batches.append(list(items[at:at + size]))
        at += size
    out: list[Extraction] = []
    with _no_collection():
        for done in pool.map(_read, batches):
            out.extend(done)
            if progress is not None:
                progress(len(out), len(items))
    return out


def task_sizes(total: int, jobs: int) -> list[int]:
    """How a batch of ``total`` articles is cut into tasks for ``jobs`` processes: each
    task a quarter of what remains per process (guided self-scheduling), between
    :data:`SMALLEST_TASK` and :data:`LARGEST_TASK` articles. A process takes the next task
    when it finishes one, so most of a large batch goes in large tasks, and the last ones,
    small, even out the processes' ends."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, max(SMALLEST_TASK, min(LARGEST_TASK, -(-left // (4 * jobs)))))
        sizes.append(size)
        left -= size
    return sizes


@contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a batch's extractions arrive, and resumed
    as it was after (also on an error). Extractions hold no cycles (frozen records, tuples
    and strings), so a collection finds nothing in them, yet the collections their
    unpickling sets off walked the whole growing batch each time: some 40% of the calling
    process's work, which shares the cores with the reading processes."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_on_processes(items: Sequence[Item],
                      projects: Sequence[KnownProject], gazetteer: Gazetteer, jobs: int,
                      progress: Callable[[int, int], None] | None = None
                      ) -> list[Extraction]:
    """Read articles on ``jobs`` fresh processes, in their order (:func:`read_with`)."""
    with start_pool(projects, gazetteer, jobs) as pool:
        return read_with(pool, items, progress)

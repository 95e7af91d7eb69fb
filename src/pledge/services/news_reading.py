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

CHUNK = 8
"""Articles a process reads per task (the order of the results does not depend on it).
Small, so that the processes finish a batch together: a process that takes the last task
while the others have none left works on alone for at most this many articles (sending a
task and its results costs far less than reading one article)."""

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


def start_pool(projects: Sequence[KnownProject], gazetteer: Gazetteer,
               jobs: int) -> ProcessPoolExecutor:
    """``jobs`` reading processes (started fresh, so that a caller with threads is safe),
    each with the gazetteer and the project index loaded."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(check_jobs(jobs), mp_context=context, initializer=_start,
                               initargs=(list(projects), gazetteer))


def read_with(pool: ProcessPoolExecutor, items: Sequence[Item],
              progress: Callable[[int, int], None] | None = None) -> list[Extraction]:
    """Read ``items`` on a pool of :func:`start_pool`, in their order; ``progress(done,
    total)`` after each task's share."""
    batches = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
    out: list[Extraction] = []
    with _no_collection():
        for done in pool.map(_read, batches):
            out.extend(done)
            if progress is not None:
                progress(len(out), len(items))
    return out


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

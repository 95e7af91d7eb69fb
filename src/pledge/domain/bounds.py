"""The ranges inputs must fall in, declared once: dates, record ids and seeds.

Amounts of money have their ceiling in :mod:`pledge.domain.money`; names and free
text their rules in :mod:`pledge.domain.text`; scores and weights theirs in
:mod:`pledge.domain.priorities`. Every refusal is an ``InvalidInput`` naming the
field, so each edge shows it in its one error shape.

Pure standard library; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from pledge.domain.errors import InvalidInput, Problem

__all__ = [
    "MAX_ID",
    "MAX_KEPT_CELLS",
    "MAX_SEED",
    "MAX_WINDOW_DAYS",
    "PLAUSIBLE_DATES",
    "DateRange",
    "check_date",
    "check_dates",
    "check_kept_cells",
    "check_seed",
    "is_possible_id",
    "optional_date",
]


@dataclass(frozen=True, slots=True)
class DateRange:
    """The dates the programme's records may carry, both ends included."""

    earliest: date
    latest: date

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise ValueError("the earliest date is after the latest")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.earliest <= day <= self.latest

    def problem(self, field: str, day: date) -> Problem | None:
        """The problem with ``day`` as the value of ``field``, or None when it is in range."""
        if day in self:
            return None
        return Problem(field, day.isoformat(), "input.date_out_of_range",
                       f"dates run from {self.earliest.isoformat()} to "
                       f"{self.latest.isoformat()}")


#: Every date pledge records or is asked about (transitions, consultations, extensions,
#: fundings, estimates, reports, scores, weights, "as of" questions). The programmes
#: began in 2025 and run for years, and sources from the 1990s onwards are cited; a
#: date outside this span is a typing error (0001-01-01, 9999-12-31), never a fact.
PLAUSIBLE_DATES: Final = DateRange(date(1990, 1, 1), date(2100, 12, 31))

#: Record ids (projects, jobs, articles, proposals) are whole numbers from 1 up to the
#: largest value of a 32-bit INTEGER column, the narrowest id column of any backend.
MAX_ID: Final = 2**31 - 1

#: A funding window given by hand (``deadline --days``) is at most ten years of days.
MAX_WINDOW_DAYS: Final = 3660

#: Seeds of the simulations: whole numbers from 0 up to the largest signed 64-bit
#: integer (what a BIGINT column or any JSON reader keeps exactly; numpy takes them all).
MAX_SEED: Final = 2**63 - 1

#: Per-path flows kept for a fan chart (``keep_paths``): at most this many values
#: (paths × periods) per kind of flow, about 40 MB each as float64.
MAX_KEPT_CELLS: Final = 5_000_000


# Idempotency keys (a server's settings): how long a key and its answer are kept, and how
# long a request waits for another holding the same key; the defaults and the largest
# values an operator may set.
IDEMPOTENCY_KEEP_HOURS: Final = 24.0
MAX_IDEMPOTENCY_HOURS: Final = 720
IDEMPOTENCY_WAIT_SECONDS: Final = 10.0
MAX_IDEMPOTENCY_WAIT_SECONDS: Final = 600


def check_date(day: date, field: str, span: DateRange = PLAUSIBLE_DATES) -> date:
    """``day`` unchanged when it lies in ``span``; otherwise ``InvalidInput`` naming
    ``field`` (rule ``input.date_out_of_range``)."""
    problem = span.problem(field, day)
    if problem is not None:
        raise InvalidInput([problem])
    return day


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def optional_date(text: str | None, field: str) -> date | None:
    """``parse_date`` of a date that may be left out: None for nothing or blank text (a
    form's empty date field, an option not given)."""
    return None if text is None or not text.strip() else parse_date(text, field)


def parse_date(text: str | date, field: str) -> date:
    """A date from ``YYYY-MM-DD`` within the plausible range; raises InvalidInput naming
    the field."""
    if isinstance(text, date):
        return check_date(text, field)
    try:
        if not _ISO_DATE.match(text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidInput.single(field, text, "input.bad_date",
                                  "expected a date as YYYY-MM-DD") from None
    return check_date(day, field)


def check_dates(span: DateRange = PLAUSIBLE_DATES, /, **days: date | None) -> None:
    """Check several dates at once (``check_dates(on=on, until=until)``); ``None`` is
    skipped. Raises ``InvalidInput`` listing every date out of range."""
    problems = [p for field, day in days.items() if day is not None
                if (p := span.problem(field, day)) is not None]
    if problems:
        raise InvalidInput(problems)


def is_possible_id(value: object) -> bool:
    """Whether ``value`` is a whole number a record id can be (1 to :data:`MAX_ID`).

    An id outside the range names nothing: lookups answer "not found" for it without
    asking the database (which would overflow on it)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def check_seed(seed: int, field: str = "seed") -> int:
    """``seed`` when it is a whole number from 0 to :data:`MAX_SEED`; otherwise
    ``InvalidInput`` (rule ``simulation.bad_seed``)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InvalidInput.single(field, seed, "simulation.bad_seed",
                                  f"a seed is a whole number from 0 to {MAX_SEED}")
    return seed


def check_kept_cells(paths: int, periods: int, field: str = "paths") -> int:
    """``paths × periods`` when at most :data:`MAX_KEPT_CELLS` per-path values are to be
    kept; otherwise ``InvalidInput`` naming ``field`` (rule ``simulation.too_many_kept``)
    with the product and the largest path count that fits."""
    cells = paths * periods
    if cells > MAX_KEPT_CELLS:
        fits = MAX_KEPT_CELLS // max(1, periods)
        raise InvalidInput.single(
            field, paths, "simulation.too_many_kept",
            f"keeping every path's flows needs {paths:,} paths × {periods:,} periods = "
            f"{cells:,} values, more than {MAX_KEPT_CELLS:,}; keep at most {fits:,} "
            f"paths, or simulate without keeping them")
    return cells


MAX_JOBS = 64
"""Most processes a batch of work may run on."""


def check_jobs(jobs: int, field: str = "jobs") -> int:
    """``jobs`` when it is a whole number from 1 to :data:`MAX_JOBS`; otherwise
    ``InvalidInput`` naming ``field`` (rule ``bounds.jobs``)."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= MAX_JOBS:
        raise InvalidInput.single(field, jobs, "bounds.jobs",
                                  f"run on 1 to {MAX_JOBS} processes")
    return jobs


MAX_SENTENCE_CHARS: Final = 1_500
"""The longest stretch of an article's text read as one sentence (a news sentence is rarely
over 400 characters): a longer one is read in pieces of at most this many characters, each
cut after its last clause mark or space, so that reading an article takes time in proportion
to its length however its text is punctuated."""


MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024
"""The largest file a command reads (64 MiB: a project list, an article, a feed list or a
gazetteer is far smaller); a reader takes one byte more and checks with
:func:`check_input_size`, so an endless file (``/dev/zero``) is never read whole."""


def check_input_size(size: int, field: str, value: object) -> None:
    """``InvalidInput`` naming ``field`` (rule ``input.too_large``) when ``size`` bytes are
    more than :data:`MAX_INPUT_FILE_BYTES`."""
    if size > MAX_INPUT_FILE_BYTES:
        raise InvalidInput.single(field, value, "input.too_large",
                                  f"a file read is at most {MAX_INPUT_FILE_BYTES:,} bytes")

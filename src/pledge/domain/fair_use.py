"""Fair use of a shared server: how much one person may ask it to compute, and when to wait.

Each role has an allowance: the most Monte Carlo paths one request may ask for, the
longest time the batch optimiser may be given, and how many of the person's jobs may
be queued or running at once. The whole server keeps at most ``QUEUE_LIMIT`` jobs
queued or running. Work larger than ``INLINE_WORK`` (see ``fits_inline``) runs as a
job, never while a request waits. Beyond an allowance the answer names the field and
the limit; beyond a queue it is "try again in N seconds", estimated from the progress
of the jobs ahead.

These limits protect a server that several people share; a command run on one's own
machine computes with that machine and is bounded only by the absolute ranges of
each input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pledge.domain.errors import InvalidInput, Problem, TooManyRequests
from pledge.domain.lifecycle import Role


@dataclass(frozen=True, slots=True)
class Allowance:
    """What one person of a role may ask the server for.

    paths: Monte Carlo paths in one request (for rankings: per project).
    time_limit: seconds the batch optimiser may search.
    open_jobs: jobs of theirs queued or running at once.
    """

    paths: int
    time_limit: float
    open_jobs: int


READER = Allowance(paths=200_000, time_limit=10.0, open_jobs=1)
COMMITTEE = Allowance(paths=2_000_000, time_limit=60.0, open_jobs=2)
ADMINISTRATOR = Allowance(paths=10_000_000, time_limit=60.0, open_jobs=2)

ALLOWANCES: dict[Role, Allowance] = {
    Role.ANALYST: READER,
    Role.IC: COMMITTEE,
    Role.PRESIDENT: COMMITTEE,
    Role.CC_US: COMMITTEE,
    Role.CC_JP: COMMITTEE,
    Role.FUNDER: COMMITTEE,
    Role.ADMIN: ADMINISTRATOR,
}

QUEUE_LIMIT = 8           # jobs queued or running on the server at once, everyone's together
# Work is counted in paths. One project's model, terms and summary cost about as much as
# this many paths; a request may do work of up to INLINE_WORK paths while it waits (about a
# second on a two-core server); an optimiser over more than INLINE_CANDIDATES candidates,
# and every Pareto frontier (one optimisation per point), run as jobs.
PROJECT_OVERHEAD = 1_500
INLINE_WORK = 60_000
INLINE_CANDIDATES = 100
DEFAULT_WAIT = 10         # seconds to suggest when no job ahead has reported progress yet
LONGEST_WAIT = 600


def allowance(role: Role) -> Allowance:
    """The allowance of ``role``."""
    return ALLOWANCES[role]


def simulation_work(projects: int, paths: int) -> int:
    """How much simulating ``paths`` paths for each of ``projects`` projects costs."""
    return max(projects, 0) * (max(paths, 0) + PROJECT_OVERHEAD)


def fits_inline(work: int, candidates: int = 0, *, frontier: bool = False) -> bool:
    """Whether simulation work of ``work`` paths, then an optimisation over ``candidates``
    (and a frontier, when asked), may be done while a request waits."""
    return not frontier and work <= INLINE_WORK and candidates <= INLINE_CANDIDATES


def check_paths(role: Role, paths: int, field: str = "paths") -> None:
    """Refuse more paths than ``role`` may ask for (``fair_use.paths``)."""
    cap = allowance(role).paths
    if paths > cap:
        raise InvalidInput.single(field, paths, "fair_use.paths",
                                  f"at most {cap:,} paths for the {role.value} role")


def check_time_limit(role: Role, seconds: float | None, field: str = "time_limit") -> float:
    """The optimiser's time limit for ``role``: the one given, within the role's cap
    (``fair_use.time_limit``), or the cap itself when none is given."""
    cap = allowance(role).time_limit
    if seconds is None:
        return cap
    if seconds > cap:
        raise InvalidInput.single(field, seconds, "fair_use.time_limit",
                                  f"at most {cap:g} seconds for the {role.value} role")
    return seconds


@dataclass(frozen=True, slots=True)
class OpenJob:
    """A job queued or running: who asked, when it started (None: still queued), how far."""

    created_by: str
    started_at: datetime | None
    progress: float


def _utc(moment: datetime) -> datetime:
    """A time without a zone (as SQLite gives them back) is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def wait_estimate(ahead: Sequence[OpenJob], now: datetime) -> int:
    """Seconds until the first of ``ahead`` is likely to finish, from its pace so far.

    A running job that has done a share p of its work in t seconds needs about
    t * (1 - p) / p more. Without any progress to go on the answer is ``DEFAULT_WAIT``.
    """
    guesses = []
    for job in ahead:
        if job.started_at is None or job.progress <= 0:
            continue
        elapsed = max((_utc(now) - _utc(job.started_at)).total_seconds(), 0.0)
        guesses.append(elapsed * (1 - min(job.progress, 1.0)) / job.progress)
    if not guesses:
        return DEFAULT_WAIT
    return int(min(max(min(guesses), 1.0), LONGEST_WAIT) + 0.999)


def check_queue(name: str, role: Role, open_jobs: Sequence[OpenJob], now: datetime) -> None:
    """Refuse a new job when ``name`` already has their allowance of open jobs
    (``fair_use.too_many_jobs``) or the server's queue is full (``fair_use.queue_full``)."""
    own = [j for j in open_jobs if j.created_by == name]
    limit = allowance(role).open_jobs
    if len(own) >= limit:
        raise TooManyRequests([Problem(
            "jobs", len(own), "fair_use.too_many_jobs",
            f"the {role.value} role may have {limit} job{'s' if limit != 1 else ''} queued "
            "or running at once; wait for one to finish")], wait_estimate(own, now))
    if len(open_jobs) >= QUEUE_LIMIT:
        raise TooManyRequests([Problem(
            "jobs", len(open_jobs), "fair_use.queue_full",
            f"the server already has {QUEUE_LIMIT} jobs queued or running; try again "
            "later")], wait_estimate(open_jobs, now))

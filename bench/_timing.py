"""Timing helpers shared by the benchmark scripts (not a benchmark itself: `make bench`
runs only the scripts whose names do not start with an underscore)."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Stage:
    """One timed stage: seconds and paths summed over the chunks, each chunk's rate kept
    (``note`` says what the figure was measured on)."""

    label: str
    seconds: float = 0.0
    paths: int = 0
    note: str = ""
    chunks: int = 0
    rates: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Paths a second: the median of the chunks' rates."""
        return statistics.median(self.rates) if self.rates else math.nan

    def add(self, seconds: float, paths: int) -> None:
        self.seconds += seconds
        self.paths += paths
        self.chunks += 1
        self.rates.append(paths / seconds if seconds else math.nan)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall seconds over ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_cpu(fn: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of the calling thread over ``repeats`` calls of ``fn``: what the
    work costs on one core, whatever else the machine is running."""
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        fn()
        times.append(time.thread_time() - start)
    return statistics.median(times)

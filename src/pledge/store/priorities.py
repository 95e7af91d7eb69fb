"""Queries on scores, weights and the projects they rank (``scores``, ``weights``,
``projects``, ``sponsors``): rows in, plain values out, inside the caller's session."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from pledge.store import tables as t


def latest_scores(s: Connection, project_ids: Sequence[int]
                  ) -> dict[tuple[int, str, str], dict[str, Any]]:
    """The latest score per (project, side, criterion), with author, role, date and note."""
    out: dict[tuple[int, str, str], dict[str, Any]] = {}
    rows = s.execute(select(t.scores).where(t.scores.c.project_id.in_(list(project_ids)))
                     .order_by(t.scores.c.id))
    for r in rows:
        out[(r.project_id, r.side, r.criterion)] = {
            "value": r.value, "author": r.author, "role": r.role, "on": r.on, "note": r.note}
    return out


def recorded_weights(s: Connection, framework_id: int) -> list[tuple[str, str, float]]:
    """Every weight recorded in a framework, oldest first: (side, criterion, weight)."""
    return [(r.side, r.criterion, r.weight) for r in s.execute(
        select(t.weights).where(t.weights.c.framework_id == framework_id)
        .order_by(t.weights.c.id))]


def open_projects(s: Connection, framework_id: int, stages: Iterable[str]) -> list[Any]:
    """The framework's project rows at one of ``stages``, by id."""
    return list(s.execute(select(t.projects).where(
        t.projects.c.framework_id == framework_id, t.projects.c.status.in_(list(stages)))
        .order_by(t.projects.c.id)))


def count_open_projects(s: Connection, framework_id: int, stages: Iterable[str]) -> int:
    """How many of the framework's projects are at one of ``stages``."""
    return int(s.execute(select(func.count()).select_from(t.projects).where(
        t.projects.c.framework_id == framework_id,
        t.projects.c.status.in_(list(stages)))).scalar_one())


def lead_sponsor(s: Connection, project_id: int) -> str | None:
    """The name of the project's lead sponsor (None without one)."""
    r = s.execute(select(t.sponsors.c.name).where(t.sponsors.c.project_id == project_id,
                                                  t.sponsors.c.role == "lead")).first()
    return None if r is None else str(r[0])


def framework_by_id(s: Connection, framework_id: int) -> Any:
    """The framework row with this id."""
    return s.execute(select(t.frameworks).where(t.frameworks.c.id == framework_id)).one()


def insert_score(s: Connection, **values: Any) -> None:
    """Record one score (the latest per project, side and criterion counts)."""
    s.execute(t.scores.insert().values(**values))


def insert_weight(s: Connection, **values: Any) -> None:
    """Record one weight (the latest per framework, side and criterion counts)."""
    s.execute(t.weights.insert().values(**values))

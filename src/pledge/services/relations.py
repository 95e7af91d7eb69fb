"""Use cases on links between projects: link, unlink, list; and what totals count.

The rules (which relations there are, which row stands for a real project, what
each row adds to a total) live in ``domain/relations.py``; this module stores
links, with who recorded them and when, and hands the domain what it needs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, or_, select

from pledge.domain.access import Action
from pledge.domain.errors import InvalidInput, NotFound, Problem
from pledge.domain.relations import (
    SEEN_LABELS,
    Counted,
    Link,
    Relation,
    canonical_ids,
    check_link,
    check_may_move,
    counted,
    oriented,
)
from pledge.domain.sources import check_source
from pledge.domain.text import clean_text
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    insert_id,
    now,
    permit,
    project_row,
)
from pledge.store import tables as t
from pledge.store.db import reading, transaction

NOTE_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class RelatedProject:
    """One link as seen from a project: the other project and what it is to this one.

    relation: what the other project is to this one (``domain.relations.Seen``);
    kind: the link as stored ("``link_project`` is kind of ``link_other``").
    """

    link_id: int
    project_id: int
    other_id: int
    other_name: str
    other_status: str
    relation: str
    label: str
    kind: str
    source: str
    on: date
    note: str
    recorded_at: datetime
    recorded_by: str
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None

    def document(self) -> dict[str, Any]:
        """The link as the JSON of ``projects links`` and the API give it."""
        return {"link_id": self.link_id, "project_id": self.other_id,
                "name": self.other_name, "status": self.other_status,
                "relation": self.relation, "label": self.label, "kind": self.kind,
                "source": self.source, "on": self.on, "note": self.note,
                "recorded_at": self.recorded_at, "recorded_by": self.recorded_by,
                "withdrawn_at": self.withdrawn_at, "withdrawn_by": self.withdrawn_by,
                "withdrawn_reason": self.withdrawn_reason}


def _link(row: Any) -> Link:
    return Link(int(row.id), int(row.project_id), int(row.other_id), Relation(row.kind))


def active_links(conn: Connection, framework_id: int | None = None) -> list[Link]:
    """The links not withdrawn (of one framework's projects, when given)."""
    stmt = select(t.project_links).where(t.project_links.c.withdrawn_at.is_(None))
    if framework_id is not None:
        ids = select(t.projects.c.id).where(t.projects.c.framework_id == framework_id)
        stmt = stmt.where(t.project_links.c.project_id.in_(ids))
    return [_link(r) for r in conn.execute(stmt.order_by(t.project_links.c.id))]


def _stages(conn: Connection, framework_id: int) -> dict[int, str]:
    return {int(i): str(st) for i, st in conn.execute(
        select(t.projects.c.id, t.projects.c.status)
        .where(t.projects.c.framework_id == framework_id))}


def counted_in(conn: Connection, framework_id: int,
               amounts: Mapping[int, Decimal | None]) -> dict[int, Counted]:
    """What each of the framework's projects adds to a total of ``amounts``
    (``domain.relations.counted``: each real project once)."""
    return counted(_stages(conn, framework_id), amounts, active_links(conn, framework_id))


def _duplicates_around(conn: Connection, project_id: int
                       ) -> tuple[dict[int, str], list[Link]]:
    """The stages of the rows recorded as the same project as ``project_id`` (itself
    included), and the duplicate links between them: only what deciding for this one
    row needs, however many projects the framework holds."""
    pl = t.project_links
    group, frontier, links = {project_id}, {project_id}, {}
    while frontier:
        found = [_link(r) for r in conn.execute(select(pl).where(
            pl.c.withdrawn_at.is_(None), pl.c.kind == Relation.DUPLICATE.value,
            or_(pl.c.project_id.in_(frontier), pl.c.other_id.in_(frontier))))]
        links.update({ln.id: ln for ln in found})
        ends = {x for ln in found for x in (ln.project_id, ln.other_id)}
        frontier = ends - group
        group |= ends
    stages = {int(i): str(st) for i, st in conn.execute(
        select(t.projects.c.id, t.projects.c.status).where(t.projects.c.id.in_(group)))}
    return stages, list(links.values())


def check_may_advance(conn: Connection, project_id: int, to: str) -> None:
    """Refuse to move a duplicate report while another row of its project is ahead."""
    stages, links = _duplicates_around(conn, project_id)
    check_may_move(project_id, to, stages, links)


@lru_cache(maxsize=2)
def _links_of(withdrawn: bool) -> Any:
    """A project's links (the parameter ``pid``), oldest first; with ``withdrawn`` those
    withdrawn too: built once (a project's page reads them on every view)."""
    pl = t.project_links
    pid: Any = bindparam("pid")
    stmt = select(pl).where(or_(pl.c.project_id == pid, pl.c.other_id == pid))
    if not withdrawn:
        stmt = stmt.where(pl.c.withdrawn_at.is_(None))
    return stmt.order_by(pl.c.id)


def _related(conn: Connection, project_id: int, *, withdrawn: bool = False
             ) -> list[RelatedProject]:
    p = t.projects
    rows = list(conn.execute(_links_of(withdrawn), {"pid": project_id}))
    if not rows:
        return []
    others = {r.other_id if r.project_id == project_id else r.project_id for r in rows}
    names = {int(r.id): (str(r.name), str(r.status)) for r in conn.execute(
        select(p.c.id, p.c.name, p.c.status).where(p.c.id.in_(others)))} if others else {}
    return related_among(project_id, rows, names)


def related_among(project_id: int, rows: Iterable[Any],
                  names: Mapping[int, tuple[str, str]]) -> list[RelatedProject]:
    """The links among ``rows`` (rows of ``project_links``) that touch ``project_id``, as
    seen from it; ``names``: each other project's (name, stage)."""
    out = []
    for r in rows:
        if project_id not in (r.project_id, r.other_id):
            continue
        other, seen = _link(r).seen_from(project_id)
        name, status = names[other]
        out.append(RelatedProject(
            r.id, project_id, other, name, status, seen.value, SEEN_LABELS[seen], r.kind,
            r.source, r.on, r.note, r.recorded_at, r.recorded_by, r.withdrawn_at,
            r.withdrawn_by, r.withdrawn_reason))
    return out


def related_of(conn: Connection, project_id: int) -> list[RelatedProject]:
    """The project's active links, oldest first (the ``related`` of a project's detail)."""
    return _related(conn, project_id)


def stands_for(conn: Connection, project_id: int) -> int:
    """The row that stands for the project (itself unless it is a duplicate report)."""
    stages, links = _duplicates_around(conn, project_id)
    return canonical_ids(stages, links).get(project_id, project_id)


def canonical_among(stages: Mapping[int, str], rows: Iterable[Any]) -> dict[int, int]:
    """Each row's canonical row given its stage and the links among ``rows`` (rows of
    ``project_links``): ``stands_for`` of every project at once, for a past reading."""
    return canonical_ids(stages, [_link(r) for r in rows])


def project_links(engine: Engine, project_id: int | str, *, withdrawn: bool = False
                  ) -> list[RelatedProject]:
    """A project's links, oldest first; with ``withdrawn`` those withdrawn too."""
    with reading(engine) as s:
        return _related(s, project_row(s, project_id).id, withdrawn=withdrawn)


def _pair(s: Connection, project_id: int | str, other_id: int | str) -> tuple[Any, Any]:
    """Both projects' rows, the framework row locked first: links of a framework are
    checked and written one transaction at a time."""
    row = project_row(s, project_id)
    try:
        other = project_row(s, other_id)
    except (InvalidInput, NotFound) as exc:
        raise type(exc)([Problem("other", p.value, p.rule, p.message)
                         for p in exc.problems]) from None
    s.execute(select(t.frameworks.c.id).where(t.frameworks.c.id == row.framework_id)
              .with_for_update()).one()
    return row, other


def link_projects(engine: Engine, project_id: int | str, other_id: int | str, kind: str,
                  source: str, actor: Actor, *, on: date | None = None,
                  note: str = "") -> RelatedProject:
    """Record that ``project_id`` is ``kind`` of ``other_id``, with the source saying so.

    Refused naming the field ``other`` for a self-link, a pair already linked, or a
    link the relations' rules forbid (``domain.relations.check_link``); the source
    is checked like every source. Audited on both projects.
    """
    permit(actor, Action.PROJECT_EDIT)
    source = check_source(source)
    note = clean_text("note", note, multiline=True).strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput.single("note", note[:40] + "…", "link.note_too_long",
                                  f"a note is at most {NOTE_LIMIT} characters")
    with transaction(engine) as s:
        row, other = _pair(s, project_id, other_id)
        first, second, relation = oriented(row.id, other.id, kind)
        links = active_links(s)
        ends = {first, second} | {x for ln in links for x in (ln.project_id, ln.other_id)}
        p, f = t.projects, t.frameworks
        info = {int(r.id): (str(r.status), str(r.key)) for r in s.execute(
            select(p.c.id, p.c.status, f.c.key).join(f, f.c.id == p.c.framework_id)
            .where(p.c.id.in_(ends)))}
        check_link(Link(0, first, second, relation),
                   [ln for ln in links if info[ln.project_id][1] == info[row.id][1]],
                   {k: v[0] for k, v in info.items()}, {k: v[1] for k, v in info.items()})
        day = on or date.today()
        link_id = insert_id(s, t.project_links.insert().values(
            project_id=first, other_id=second, kind=relation.value, source=source, on=day,
            note=note, recorded_at=now(), recorded_by=actor.name, role=actor.role.value))
        after = {"link": link_id, "project": first, "kind": relation.value, "other": second,
                 "source": source, "on": day, "note": note}
        for pid in dict.fromkeys((row.id, other.id)):
            audit(s, actor, "project.link", "project_link", link_id, after=after,
                  project_id=pid)
        return next(x for x in _related(s, row.id) if x.link_id == link_id)


def unlink_projects(engine: Engine, project_id: int | str, other_id: int | str, actor: Actor,
                    *, reason: str) -> RelatedProject:
    """Withdraw the active link between two projects, with the reason (nothing is
    deleted: the link keeps who withdrew it, when and why). Audited on both projects."""
    permit(actor, Action.PROJECT_EDIT)
    reason = clean_text("reason", reason, multiline=True).strip()
    if not reason:
        raise InvalidInput.single("reason", reason, "link.no_reason",
                                  "say why the link is withdrawn")
    with transaction(engine) as s:
        row, other = _pair(s, project_id, other_id)
        pl = t.project_links
        found = s.execute(select(pl).where(
            pl.c.withdrawn_at.is_(None),
            or_((pl.c.project_id == row.id) & (pl.c.other_id == other.id),
                (pl.c.project_id == other.id) & (pl.c.other_id == row.id)))).first()
        if found is None:
            raise NotFound.single("other", other.id, "link.unknown",
                                  f"projects {row.id} and {other.id} are not linked")
        at = now()
        s.execute(pl.update().where(pl.c.id == found.id).values(
            withdrawn_at=at, withdrawn_by=actor.name, withdrawn_role=actor.role.value,
            withdrawn_reason=reason))
        before = {"link": found.id, "project": found.project_id, "kind": found.kind,
                  "other": found.other_id, "source": found.source}
        for pid in dict.fromkeys((row.id, other.id)):
            audit(s, actor, "project.unlink", "project_link", found.id, before=before,
                  after={"withdrawn": True, "reason": reason}, project_id=pid)
        return next(x for x in _related(s, row.id, withdrawn=True) if x.link_id == found.id)


# ---- the shipped links ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShippedLink:
    """A link of the default data, by project names as in ``projects.csv``."""

    project: str
    other: str
    kind: str
    source: str
    on: date
    note: str


def shipped_links() -> list[ShippedLink]:
    """The links of the shipped project list (``data/project_links.toml``)."""
    text = (files("pledge") / "data" / "project_links.toml").read_text(encoding="utf-8")
    out = []
    for i, raw in enumerate(tomllib.loads(text).get("link", []), start=1):
        on = raw.get("on")
        if not isinstance(on, date):
            raise InvalidInput.single(f"link {i} on", str(on), "input.bad_date",
                                      "each link needs the date of its source")
        out.append(ShippedLink(str(raw.get("project", "")), str(raw.get("other", "")),
                               str(raw.get("kind", "")), str(raw.get("source", "")), on,
                               str(raw.get("note", "")).strip()))
    return out


def load_shipped_links(engine: Engine, actor: Actor, links: Iterable[ShippedLink],
                       framework: str = "japan") -> int:
    """Record each shipped link through ``link_projects`` unless its two projects were
    ever linked (a link a user withdrew stays withdrawn); returns how many were added.
    Projects are found by name in ``framework``."""
    added = 0
    for ln in links:
        with transaction(engine) as s:
            fw = framework_row(s, framework)
            ids = {str(r.name): int(r.id) for r in s.execute(
                select(t.projects.c.id, t.projects.c.name).where(
                    t.projects.c.framework_id == fw.id,
                    t.projects.c.name.in_([ln.project.strip(), ln.other.strip()])))}
            a, b = ids.get(ln.project.strip()), ids.get(ln.other.strip())
            if a is None or b is None:
                missing = ln.project if a is None else ln.other
                raise InvalidInput.single("link", missing, "data.unknown_project",
                                          "not a project of the shipped list")
            pl = t.project_links
            seen = s.execute(select(pl.c.id).where(or_(
                (pl.c.project_id == a) & (pl.c.other_id == b),
                (pl.c.project_id == b) & (pl.c.other_id == a)))).first()
        if seen is None:
            link_projects(engine, a, b, ln.kind, ln.source, actor, on=ln.on, note=ln.note)
            added += 1
    return added


"""Adding projects: one as a user gives it, or a list's rows (the public list's CSV, the
shipped list), each at the lifecycle's entry stage; a later stage a source reports is kept
as a sourced, dated stage report beside the lifecycle. The rules the fields follow are
``domain.project_checks``'."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, Engine

from pledge.domain.access import Action
from pledge.domain.errors import Conflict, InvalidInput, Problem
from pledge.domain.lifecycle import Stage
from pledge.domain.project import sponsors_from_lists, states_in
from pledge.domain.project_checks import NewProject, read_projects_csv, validated
from pledge.domain.text import fold_name, name_key
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    insert_id,
    load_framework,
    now,
    permit,
)
from pledge.services.money import rate_table_in
from pledge.services.project_views import ProjectDetail, detail
from pledge.store import project_queries as q
from pledge.store import tables as t
from pledge.store.db import transaction


def insert_project(s: Connection, new: NewProject, v: dict[str, Any], actor: Actor,
                   walked_from: date | None = None) -> int:
    """Insert a validated project at the entry stage, its sponsors and estimate, and the
    transition that creates it (dated the reported date, else today).

    A later stage its source reports becomes a stage report with that source and date,
    unless the caller walks the project through the lifecycle itself: then
    ``walked_from`` dates its entry and the row's wording stays its reported status.
    """
    fw = framework_row(s, new.framework)
    report = v["reported"] is not None and walked_from is None
    terms = load_framework(s, fw).current
    component = None
    if terms.has_machinery:
        component = terms.component().key
    stage: Stage = v["stage"]
    pid = insert_id(s, t.projects.insert().values(
        framework_id=fw.id, component=component, name=fold_name(new.name),
        name_key=name_key(new.name), sector=v["sector"][0],
        sector_detail=fold_name(v["sector"][1]), location=fold_name(new.location),
        states=list(states_in(new.location)), status=stage.value,
        reported_status=None if report else new.status.strip() or None, created_at=now()))
    sponsors = sponsors_from_lists(new.lead, new.partners)
    if sponsors:
        s.execute(t.sponsors.insert(), [{"project_id": pid, "name": sp.name,
                                         "role": sp.role.value, "note": sp.note}
                                        for sp in sponsors])
    if v["usd_low"] is not None or v["usd_high"] is not None or new.amount_text.strip():
        s.execute(t.estimates.insert().values(
            project_id=pid, low=v["low"], high=v["high"], currency=v["currency"],
            usd_low=v["usd_low"], usd_high=v["usd_high"], text=new.amount_text.strip(),
            source=new.source.strip(), as_of=v["as_of"], is_primary=True, recorded_at=now()))
    on = walked_from or v["as_of"] or date.today()
    s.execute(t.transitions.insert().values(
        project_id=pid, from_stage=None, to_stage=stage.value, actor=actor.name,
        role=actor.role.value, on=on, reason="added",
        sources=[new.source.strip()] if new.source.strip() else [], recorded_at=now()))
    audit(s, actor, "project.add", "project", pid, after={
        "name": new.name, "framework": new.framework, "status": stage.value,
        "sector": v["sector"][0], "amount_low_usd": v["usd_low"],
        "amount_high_usd": v["usd_high"], "source": new.source}, project_id=pid)
    if report:
        record_status_report(s, pid, None, v["reported"], new.status, new.source.strip(),
                              v["as_of"], actor)
    return pid


def add_project(engine: Engine, new: NewProject, actor: Actor, *,
                report_stage: bool = False) -> ProjectDetail:
    """Add one project, at the lifecycle's entry stage.

    A later ``status`` is refused naming the field (``lifecycle.not_entry_stage``),
    nothing written; with ``report_stage`` (a news article reporting a new project
    further along) it is kept as a stage report with the project's source and date.
    """
    permit(actor, Action.PROJECT_EDIT)
    with transaction(engine) as s:
        v, problems = validated(new, "", rates=rate_table_in(s),
                                frameworks=q.framework_keys(s), strict_amount=True,
                                report_stage=report_stage)
        if problems:
            raise InvalidInput(problems)
        fw = framework_row(s, new.framework)
        refuse_same_name(s, fw.id, new.name)
        return detail(s, insert_project(s, new, v, actor))


def refuse_same_name(s: Connection, framework_id: int, name: str,
                     other_than: int | None = None) -> None:
    same = q.same_name(s, framework_id, name, other_than)
    if same is not None:
        raise Conflict.single("name", name, "project.duplicate_name",
                              f"project {same.id} is already called '{same.name}' in this "
                              f"framework (names are compared regardless of case, width "
                              f"and spacing)")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Ids added, names already present, and (id, stage) of each project added at the
    entry stage with a stage report of the later stage its row gave."""

    added: list[int]
    skipped: list[str]
    reported: list[tuple[int, str]] = field(default_factory=list)


def shipped_project_rows() -> list[NewProject]:
    """The public project list shipped with pledge (``data/projects.csv``), in file order."""
    text = (files("pledge") / "data" / "projects.csv").read_text(encoding="utf-8")
    return read_projects_csv(text, "japan")


def import_projects(session: Connection, rows: list[NewProject], actor: Actor, *,
                    walked: Mapping[str, date] | None = None) -> ImportResult:
    """Insert every row not already present (same framework and name), inside ``session``.

    Every row is validated first; any problem in any row writes nothing and lists
    them all, each naming its row (the header is row 1). Each project starts at the
    lifecycle's entry stage; a later stage its row reports is recorded as a stage
    report with the row's source and date, never as the project's stage.

    ``walked``: names of rows the caller takes through the lifecycle itself, step by
    step, with the date each entered it; they get no stage report.
    """
    permit(actor, Action.PROJECT_EDIT)
    return _import_rows(session, rows, actor, walked or {})


def _import_rows(session: Connection, rows: list[NewProject], actor: Actor,
                 walked: Mapping[str, date]) -> ImportResult:
    problems: list[Problem] = []
    checked = []
    rates, keys = rate_table_in(session), q.framework_keys(session)
    for i, new in enumerate(rows, start=2):
        v, probs = validated(new, f"row {i} ", rates=rates, frameworks=keys,
                             strict_amount=False, report_stage=True)
        problems.extend(probs)
        checked.append((new, v))
    if problems:
        raise InvalidInput(problems)
    result = ImportResult([], [])
    for new, v in checked:
        fw = framework_row(s := session, new.framework)
        if q.same_name(s, fw.id, new.name) is not None:
            result.skipped.append(new.name)
            continue
        pid = insert_project(s, new, v, actor, walked.get(new.name.strip()))
        result.added.append(pid)
        if v["reported"] is not None and new.name.strip() not in walked:
            result.reported.append((pid, v["reported"].value))
    return result


def import_projects_csv(engine: Engine, text: str, framework: str, actor: Actor) -> ImportResult:
    """Import a project CSV in one transaction (all rows or none)."""
    permit(actor, Action.PROJECT_EDIT)
    rows = read_projects_csv(text, framework)
    with transaction(engine) as s:
        return _import_rows(s, rows, actor, {})


def record_status_report(s: Connection, pid: int, before: str | None, reported: Stage,
                         wording: str, source: str, as_of: date, actor: Actor) -> None:
    """Keep a stage a source reports beside the lifecycle; the project's reported status
    becomes it, its lifecycle stage is unchanged. Audited."""
    s.execute(t.status_reports.insert().values(
        project_id=pid, stage=reported.value, wording=wording.strip(), source=source,
        as_of=as_of, recorded_at=now(), recorded_by=actor.name))
    s.execute(t.projects.update().where(t.projects.c.id == pid)
              .values(reported_status=reported.value))
    audit(s, actor, "project.status_report", "project", pid,
          before={"reported_status": before},
          after={"reported_status": reported.value, "wording": wording.strip(),
                 "source": source, "as_of": as_of}, project_id=pid)

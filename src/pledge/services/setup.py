"""Creating a database and loading the default data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, select

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.lifecycle import ConsultationKind, Stage, parse_role, parse_stage
from pledge.domain.project import require_source, stage_from_report
from pledge.services import projects
from pledge.services.base import SYSTEM, Actor, project_row
from pledge.services.frameworks import load_shipped
from pledge.services.projects import NewProject, import_projects, shipped_project_rows
from pledge.services.relations import load_shipped_links, shipped_links
from pledge.store import tables as t
from pledge.store.db import is_initialised, migrate, schema_revision, transaction


@dataclass(frozen=True, slots=True)
class InitResult:
    frameworks_added: list[str]
    projects_added: int
    projects_present: int
    projects_walked: int = 0   # taken through the lifecycle by the reported steps
    stages_reported: int = 0   # a later stage kept as a stage report
    links_added: int = 0       # rows of the list linked as one project, a part, a tranche
    figures_added: int = 0     # further sourced estimates and reported sites of the list
    # what the selections allocated under the cap: (project id, name, amount, basis)
    allocated: tuple[tuple[int, str, Decimal, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ReportedStep:
    """One step a source reports: a transition to ``stage`` or a ``consultation``, by
    ``actor`` (who is reported to have acted, in the role the lifecycle names) on ``on``."""

    stage: Stage | None
    consultation: ConsultationKind | None
    on: date
    actor: Actor
    sources: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Walk:
    """Projects that reached their stage through the same reported steps."""

    projects: tuple[str, ...]
    entered: date
    steps: tuple[ReportedStep, ...]

    @property
    def stage(self) -> Stage:
        """The stage the walk ends at."""
        return next(st.stage for st in reversed(self.steps) if st.stage is not None)


def _step(raw: dict[str, Any], where: str) -> ReportedStep:
    if ("to" in raw) == ("consult" in raw):
        raise InvalidInput.single(where, str(raw), "data.bad_step",
                                  "a step is either a transition ('to') or a consultation "
                                  "('consult')")
    on = raw.get("on")
    if not isinstance(on, date):
        raise InvalidInput.single(f"{where} on", str(on), "input.bad_date",
                                  "each step needs its date")
    consultation = None
    if "consult" in raw:
        try:
            consultation = ConsultationKind(str(raw["consult"]))
        except ValueError:
            raise InvalidInput.single(f"{where} consult", str(raw["consult"]),
                                      "lifecycle.unknown_consultation",
                                      "kind is 'committee' or 'decline'") from None
    sources = tuple(require_source(str(x), "status") for x in raw.get("sources") or [""])
    return ReportedStep(
        stage=parse_stage(str(raw["to"]), f"{where} to") if "to" in raw else None,
        consultation=consultation, on=on,
        actor=Actor.of(str(raw.get("actor", "")), parse_role(str(raw.get("role", "")),
                                                            f"{where} role")),
        sources=sources, reason=str(raw.get("reason", "")).strip())


def shipped_walks() -> list[Walk]:
    """The reported steps of the shipped projects whose stage was officially announced
    (``data/reported_steps.toml``)."""
    text = (files("pledge") / "data" / "reported_steps.toml").read_text(encoding="utf-8")
    walks = []
    for i, raw in enumerate(tomllib.loads(text).get("walk", []), start=1):
        entered = raw.get("entered")
        if not isinstance(entered, date):
            raise InvalidInput.single(f"walk {i} entered", str(entered), "input.bad_date",
                                      "each walk needs the date its projects were proposed")
        steps = tuple(_step(s, f"walk {i} step {j}")
                      for j, s in enumerate(raw.get("step", []), start=1))
        if not any(s.stage is not None for s in steps):
            raise InvalidInput.single(f"walk {i}", "", "data.bad_step",
                                      "a walk needs at least one transition")
        walks.append(Walk(tuple(str(p) for p in raw.get("projects", [])), entered, steps))
    return walks


@dataclass(frozen=True, slots=True)
class ReportedFigure:
    """A further sourced figure for a row of the shipped list: an estimate (``amount``,
    ``text``, ``primary``) or a reported site (``location``, ``states``)."""

    project: str
    source: str
    as_of: date
    amount: str = ""
    text: str = ""
    primary: bool = False
    location: str = ""
    states: tuple[str, ...] = ()


def shipped_figures() -> list[ReportedFigure]:
    """The further estimates and sites of the shipped list (``data/reported_figures.toml``)."""
    text = (files("pledge") / "data" / "reported_figures.toml").read_text(encoding="utf-8")
    doc = tomllib.loads(text)
    out = []
    for kind in ("estimate", "site"):
        for i, raw in enumerate(doc.get(kind, []), start=1):
            as_of = raw.get("as_of")
            if not isinstance(as_of, date):
                raise InvalidInput.single(f"{kind} {i} as_of", str(as_of), "input.bad_date",
                                          f"each {kind} needs the date of its source")
            out.append(ReportedFigure(
                project=str(raw.get("project", "")).strip(), source=str(raw.get("source", "")),
                as_of=as_of, amount=str(raw.get("amount", "")), text=str(raw.get("text", "")),
                primary=bool(raw.get("primary", False)),
                location=str(raw.get("location", "")),
                states=tuple(str(x) for x in raw.get("states", []))))
    return out


def record_figures(engine: Engine, ids: dict[str, int], figures: list[ReportedFigure]) -> int:
    """Record each figure for its project (``ids``: name -> id of the projects just added)
    through the operations users have; returns how many were recorded."""
    done = 0
    for f in figures:
        pid = ids.get(f.project)
        if pid is None:
            continue
        if f.location:
            projects.add_site_report(engine, pid, f.location, f.source, f.as_of, SYSTEM,
                                     states=f.states)
        else:
            projects.add_estimate(engine, pid, f.amount, f.source, f.as_of, SYSTEM,
                                  primary=f.primary, text=f.text)
        done += 1
    return done


def _check_walks(walks: list[Walk], rows: list[NewProject]) -> None:
    """Each walked project is in the shipped list and ends at the stage the list gives."""
    by_name = {r.name.strip(): r for r in rows}
    problems = []
    for w in walks:
        for name in w.projects:
            row = by_name.get(name)
            if row is None:
                problems.append(Problem("walk", name, "data.unknown_project",
                                        "not a project of the shipped list"))
            elif stage_from_report(row.status) is not w.stage:
                problems.append(Problem("walk", name, "data.stage_mismatch",
                                        f"the list gives '{row.status}', the steps end at "
                                        f"'{w.stage.value}'"))
    if problems:
        raise InvalidInput(problems)


def walk(engine: Engine, project_id: int, steps: tuple[ReportedStep, ...]) -> None:
    """Take a project through ``steps`` with the operations every user has: each is
    checked by the lifecycle's rules (roles, order of stages, dates, consultations)."""
    for st in steps:
        reason = f"{st.reason} (as reported; recorded by pledge init)"
        if st.consultation is not None:
            projects.consult(engine, project_id, st.consultation.value, st.actor, st.on,
                             reason, list(st.sources))
        else:
            assert st.stage is not None
            projects.advance(engine, project_id, st.stage.value, st.actor, st.on, reason,
                             list(st.sources))


def init(engine: Engine) -> InitResult:
    """Migrate the schema and load the shipped frameworks and public project list.

    Every project is added at the lifecycle's entry stage, with the further sourced
    estimates and sites the list's sources give (``data/reported_figures.toml``). Those
    whose stage was officially announced are then taken through the lifecycle by the reported steps
    (``data/reported_steps.toml``); a later stage the list reports from the news is
    kept as a sourced stage report. Rows reporting the same undertaking are then
    linked, each link with its source (``data/project_links.toml``), through the
    operation users have (``relations.link_projects``). All in one transaction.
    Selecting a project allocates its approved amount under the cap (``advance``):
    what the first tranche was allocated, and on what basis, is in ``allocated``.

    Safe to run again: what is already there is left as it is.
    """
    migrate(engine)
    rows = shipped_project_rows()
    walks = shipped_walks()
    _check_walks(walks, rows)
    entered = {name: w.entered for w in walks for name in w.projects}
    links = shipped_links()
    figures = shipped_figures()
    unknown = sorted({f.project for f in figures} - {r.name.strip() for r in rows})
    if unknown:
        raise InvalidInput([Problem("figure", name, "data.unknown_project",
                                    "not a project of the shipped list") for name in unknown])
    walked = 0
    allocated: list[tuple[int, str, Decimal, str]] = []
    with transaction(engine) as s:
        added_fw = load_shipped(s, SYSTEM)
        result = import_projects(s, rows, SYSTEM, walked=entered)
        added = {str(r.name): int(r.id) for r in s.execute(
            select(t.projects.c.id, t.projects.c.name).where(t.projects.c.id.in_(result.added)))}
        recorded = record_figures(engine, added, figures)
        for w in walks:
            for name in w.projects:
                pid = s.execute(select(t.projects.c.id).where(
                    t.projects.c.name == name, t.projects.c.id.in_(result.added))).scalar()
                if pid is not None:
                    walk(engine, pid, w.steps)
                    walked += 1
                    held = projects.allocation_of(s, project_row(s, pid))
                    if held is not None:
                        allocated.append((pid, name, held["amount"], held["note"]))
        linked = load_shipped_links(engine, SYSTEM, links)
    return InitResult(added_fw, len(result.added), len(result.skipped), walked,
                      len(result.reported), linked, recorded, tuple(allocated))


def ensure_ready(engine: Engine) -> str | None:
    """Initialise an empty database, or migrate one made by an older version.

    Returns what it did ("initialised", "migrated") or None when nothing was needed.
    """
    if not is_initialised(engine):
        init(engine)
        return "initialised"
    current, head = schema_revision(engine)
    if current != head:
        migrate(engine)
        return "migrated"
    return None

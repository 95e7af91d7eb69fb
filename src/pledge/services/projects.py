"""Use cases on projects: list, show, add, update, import, advance, consult, extend, history."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.chain import audit_content, link
from pledge.domain.errors import Conflict, InvalidInput, PledgeError, Problem, RuleViolation
from pledge.domain.fx import RateTable
from pledge.domain.ledger import ALLOCATED, USED, acct, cents, release_entry
from pledge.domain.lifecycle import (
    ENTRY_STAGE,
    ENTRY_STAGES,
    Consultation,
    ConsultationKind,
    Stage,
    TransitionRequest,
    check_consultation,
    check_entry_stage,
    parse_stage,
    plan_transition,
)
from pledge.domain.money import parse_amount
from pledge.domain.project import (
    SponsorRole,
    canonical_sector,
    clean_sources,
    reported_site,
    require_source,
    sponsors_from_lists,
    stage_from_report,
    states_in,
)
from pledge.domain.sources import check_source
from pledge.domain.text import (
    NAME_MAX,
    clean_name,
    clean_text,
    fold_name,
    lookup_text,
    name_key,
)
from pledge.services import funding as funding_svc
from pledge.services import relations
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    insert_id,
    load_framework,
    now,
    parse_date,
    permit,
    post_entries,
    project_row,
    sum_postings,
)
from pledge.services.calendars import build_calendar
from pledge.services.money import rate_table_in
from pledge.store import tables as t
from pledge.store.db import reading, transaction


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """A project as the list shows it; USD bounds of its primary estimate."""

    id: int
    name: str
    framework: str
    sector: str
    status: str
    amount_low_usd: Decimal | None
    amount_high_usd: Decimal | None
    sector_detail: str = ""
    location: str = ""
    states: tuple[str, ...] = ()
    funding_date: date | None = None


@dataclass(frozen=True, slots=True)
class ProjectDetail:
    summary: ProjectSummary
    component: str | None
    reported_status: str | None
    window_meaning: str | None
    extension_until: date | None
    sponsors: list[dict[str, Any]] = field(default_factory=list)
    estimates: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)  # reported sites, sourced
    status_reports: list[dict[str, Any]] = field(default_factory=list)  # reported stages
    # linked projects, each with what it is to this one and the source (services/relations)
    related: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: int | None = None  # the row standing for this project, if not this one
    # under the cap: "amount" allocated in all, "funded" (drawn by fundings), "available"
    # (left to draw), "note" (why it was last set: at selection, its basis); None without
    # an allocation
    allocation: dict[str, Any] | None = None


def _summaries(s: Session, where: list[Any]) -> list[ProjectSummary]:
    p, e, f = t.projects, t.estimates, t.frameworks
    stmt = (select(p, f.c.key.label("fw_key"), e.c.usd_low, e.c.usd_high)
            .join(f, f.c.id == p.c.framework_id)
            .outerjoin(e, (e.c.project_id == p.c.id) & e.c.is_primary)
            .where(*where).order_by(p.c.id))
    return [ProjectSummary(r.id, r.name, r.fw_key, r.sector, r.status, r.usd_low, r.usd_high,
                           r.sector_detail, r.location, tuple(r.states), r.funding_date)
            for r in s.execute(stmt)]


def _filters(s: Session, framework: str | None, status: str | None,
             sector: str | None) -> list[Any]:
    """Where-clauses for a framework key, a stage and a sector (key or wording)."""
    where: list[Any] = []
    if framework:
        where.append(t.projects.c.framework_id == framework_row(s, framework).id)
    if status:
        where.append(t.projects.c.status == parse_stage(status, "status").value)
    if sector:
        needle = lookup_text("sector", sector).lower()
        try:
            key, detail = canonical_sector(sector)
        except InvalidInput:
            key, detail = needle, ""
        if detail:  # "energy (nuclear)": the sector and the detail
            where.append((t.projects.c.sector == key)
                         & func.lower(t.projects.c.sector_detail).contains(detail.lower()))
        else:
            where.append((t.projects.c.sector == key)
                         | func.lower(t.projects.c.sector_detail).contains(needle))
    return where


def list_projects(engine: Engine, *, framework: str | None = None, status: str | None = None,
                  sector: str | None = None) -> list[ProjectSummary]:
    """Projects, optionally filtered by framework key, stage and sector (key or wording)."""
    with reading(engine) as s:
        return _summaries(s, _filters(s, framework, status, sector))


def list_projects_page(engine: Engine, *, framework: str | None = None,
                       status: str | None = None, sector: str | None = None,
                       limit: int = 50, offset: int = 0) -> tuple[list[ProjectSummary], int]:
    """One page of ``list_projects`` (paged in the database) and the count of all matches.

    Pages are cached until the data changes (see ``dashboard.views``).
    """
    from pledge.services.dashboard import views

    return views.get(engine, ("projects", framework, status, sector, limit, offset),
                     lambda: _page(engine, framework, status, sector, limit, offset))


def _page(engine: Engine, framework: str | None, status: str | None, sector: str | None,
          limit: int, offset: int) -> tuple[list[ProjectSummary], int]:
    with reading(engine) as s:
        where = _filters(s, framework, status, sector)
        count = s.execute(select(func.count()).select_from(t.projects).where(*where)
                          ).scalar_one()
        # Page over the projects table alone (its primary key orders it), then join the few.
        ids = list(s.scalars(select(t.projects.c.id).where(*where).order_by(t.projects.c.id)
                             .limit(limit).offset(offset)))
        return _summaries(s, [t.projects.c.id.in_(ids)]) if ids else [], int(count)


def show_project(engine: Engine, project_id: int | str) -> ProjectDetail:
    with reading(engine) as s:
        return _detail(s, project_row(s, project_id).id)


def _detail(s: Session, pid: int) -> ProjectDetail:
    row = project_row(s, pid)
    summary = _summaries(s, [t.projects.c.id == pid])[0]

    def rows(table: Any, order: Any) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in s.execute(
            select(table).where(table.c.project_id == pid).order_by(order))]

    sponsors = [{k: v for k, v in r.items() if k in ("name", "role", "note")}
                for r in rows(t.sponsors, t.sponsors.c.id)]
    estimates = [{k: v for k, v in r.items() if k not in ("id", "project_id")}
                 for r in rows(t.estimates, t.estimates.c.id)]
    transitions = [{k: v for k, v in r.items() if k not in ("id", "project_id", "recorded_at")}
                   for r in rows(t.transitions, t.transitions.c.id)]
    consultations = [{k: v for k, v in r.items() if k not in ("id", "project_id")}
                     for r in rows(t.consultations, t.consultations.c.id)]
    sites = [{k: v for k, v in r.items() if k not in ("id", "project_id", "recorded_at")}
             for r in rows(t.site_reports, t.site_reports.c.id)]
    reports = [{k: v for k, v in r.items() if k not in ("id", "project_id", "recorded_at")}
               for r in rows(t.status_reports, t.status_reports.c.id)]
    q = t.postings
    funding = [{"instrument": r.instrument, "provider": r.provider, "amount": r.amount}
               for r in s.execute(
                   select(q.c.instrument, q.c.provider, func.sum(q.c.amount).label("amount"))
                   .where(q.c.project_id == pid, q.c.account.like("%:spv:invested"))
                   .group_by(q.c.instrument, q.c.provider)
                   .order_by(q.c.instrument, q.c.provider))]
    guaranteed = [{"instrument": r.instrument, "provider": r.provider, "amount": r.amount,
                   "contingent": True}
                  for r in s.execute(
                      select(q.c.instrument, q.c.provider, func.sum(q.c.amount).label("amount"))
                      .where(q.c.project_id == pid, q.c.account.like("%:spv:guaranteed"))
                      .group_by(q.c.instrument, q.c.provider)
                      .order_by(q.c.instrument, q.c.provider)) if r.amount]
    head = relations.stands_for(s, pid)
    return ProjectDetail(summary, row.component, row.reported_status, row.window_meaning,
                         row.extension_until, sponsors, estimates, transitions, consultations,
                         [*({**f, "contingent": False} for f in funding), *guaranteed],
                         sites, reports,
                         [x.document() for x in relations.related_of(s, pid)],
                         None if head == pid else head, allocation_of(s, row))


def allocation_of(s: Session, row: Any) -> dict[str, Any] | None:
    if not row.component:
        return None
    outstanding = sum_postings(s, row.framework_id, acct(row.component, ALLOCATED),
                               project_id=row.id)
    used = sum_postings(s, row.framework_id, acct(row.component, USED), project_id=row.id)
    e, p = t.ledger_entries, t.postings
    memo = s.execute(select(e.c.memo).join(p, p.c.entry_id == e.c.id).where(
        p.c.project_id == row.id, p.c.account == acct(row.component, ALLOCATED),
        e.c.kind.in_(("allocation", "release"))).order_by(e.c.id.desc()).limit(1)).scalar()
    if not outstanding and not used and memo is None:
        return None
    return {"amount": cents(outstanding + used), "funded": cents(used),
            "available": cents(outstanding), "note": memo or ""}


@dataclass(frozen=True, slots=True)
class NewProject:
    """A project to add, as a user or a CSV row gives it (text fields, validated on add)."""

    name: str
    sector: str
    framework: str = "japan"
    location: str = ""
    lead: str = ""
    partners: str = ""
    amount_text: str = ""
    amount_low_usd: str = ""
    amount_high_usd: str = ""
    currency: str = ""
    status: str = ENTRY_STAGE.value  # an entry stage; a list's row may report a later one
    reported_on: str = ""
    source: str = ""


# The longest text each descriptive column holds (the table's column sizes).
TEXT_LIMITS = {"name": 300, "sector_detail": 200, "location": 300}
SPONSOR_NAME_LIMIT, SPONSOR_NOTE_LIMIT = 200, 300


def _text_problems(values: dict[str, str], where: str = "") -> list[Problem]:
    """Problems with a project's descriptive fields: a name is required; none is too long;
    each is a name as ``domain.text.clean_name`` keeps one (no control or invisible
    characters)."""
    problems: list[Problem] = []
    for name, text in values.items():
        limit = TEXT_LIMITS.get(name, NAME_MAX)
        if name == "name" and not text.strip():
            problems.append(Problem(f"{where}name", text, "project.no_name",
                                    "a project needs a name"))
        elif len(text.strip()) > limit:
            problems.append(Problem(f"{where}{name}", text, "project.too_long",
                                    f"at most {limit} characters"))
        else:
            try:
                clean_name(f"{where}{name}", text, limit, required=False)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    return problems


_ANY_LENGTH = 10**9


def _sponsor_problems(lead: str, partners: str, where: str = "") -> list[Problem]:
    """Sponsor names and remarks that do not fit (``;``-separated lists, as on add)."""
    problems: list[Problem] = []
    for fieldname, cell in (("lead", lead), ("partners", partners)):
        try:  # the whole cell: no control or invisible characters (lengths: per sponsor)
            clean_name(f"{where}{fieldname}", cell, _ANY_LENGTH, required=False)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        sponsors = sponsors_from_lists(cell, "") if fieldname == "lead" else \
            sponsors_from_lists("", cell)
        problems.extend(Problem(f"{where}{fieldname}", sp.name, "project.too_long",
                                f"a sponsor's name is at most {SPONSOR_NAME_LIMIT} characters "
                                f"and its remark at most {SPONSOR_NOTE_LIMIT}")
                        for sp in sponsors
                        if len(sp.name) > SPONSOR_NAME_LIMIT or len(sp.note) > SPONSOR_NOTE_LIMIT)
    return problems


def _validated(new: NewProject, where: str, *, rates: RateTable, frameworks: set[str],
               strict_amount: bool, report_stage: bool) -> tuple[dict[str, Any], list[Problem]]:
    """The project's columns and estimate from ``new``, and every problem with it.

    ``strict_amount``: the amount text must parse (``projects add --amount``); otherwise
    (an imported list's descriptive column) text that is not an amount is kept as text.
    An amount in another currency is converted to US dollars at the reported date.

    The project always starts at the lifecycle's entry stage (``stage``). A later stage
    in ``new.status`` is refused (``lifecycle.not_entry_stage``) unless ``report_stage``:
    then it is the stage a source reports (``reported``), which needs that source and the
    date it was reported, and is recorded as a stage report beside the lifecycle.
    """
    problems: list[Problem] = []

    def attempt(fieldname: str, fn: Any) -> Any:
        try:
            return fn()
        except PledgeError as exc:
            problems.extend(Problem(f"{where}{fieldname}", p.value, p.rule, p.message)
                            for p in exc.problems)
            return None

    problems.extend(_text_problems({"name": new.name, "location": new.location,
                                    "sector": new.sector, "amount": new.amount_text}, where))
    if new.source.strip():
        attempt("source", lambda: check_source(new.source))
    problems.extend(_sponsor_problems(new.lead, new.partners, where))
    sector = attempt("sector", lambda: canonical_sector(new.sector)) or ("other", "")
    if new.framework.strip().lower() not in frameworks:
        problems.append(Problem(f"{where}framework", new.framework, "framework.unknown",
                                f"no such framework (known: {', '.join(sorted(frameworks))})"))
    reported = attempt("status", lambda: stage_from_report(new.status or ENTRY_STAGE.value))
    if reported is not None and not report_stage:
        attempt("status", lambda: check_entry_stage(reported, "status", new.status))
    beyond_entry = reported is not None and reported not in ENTRY_STAGES
    if beyond_entry and report_stage and not new.source.strip():
        problems.append(Problem(f"{where}source", "", "project.unsourced_stage",
                                f"a stage past '{ENTRY_STAGE.value}' is kept as a stage report, "
                                f"which needs the source reporting it"))
    if beyond_entry and report_stage and not new.reported_on.strip():
        problems.append(Problem(f"{where}date_reported", "", "project.undated_stage",
                                f"a stage past '{ENTRY_STAGE.value}' is kept as a stage report, "
                                f"which needs the date it was reported"))
    as_of = attempt("date_reported", lambda: parse_date(new.reported_on, "date_reported")
                    ) if new.reported_on else None
    usd: dict[str, Decimal | None] = {}
    for name, text in (("amount_low_usd", new.amount_low_usd),
                       ("amount_high_usd", new.amount_high_usd)):
        usd[name] = None
        if text.strip():
            rng = attempt(name, lambda text=text: parse_amount(
                text if any(c.isalpha() or c in "$" for c in text) else f"US${text}"))
            if rng is not None:
                if rng.currency != "USD":
                    problems.append(Problem(f"{where}{name}", text, "project.not_usd",
                                            "this column is in US dollars"))
                usd[name] = rng.low if rng.low is not None else rng.high
    low, high = usd["amount_low_usd"], usd["amount_high_usd"]
    if low is not None and high is not None and low > high:
        problems.append(Problem(f"{where}amount_low_usd", str(low), "money.reversed_range",
                                "the low amount is above the high amount"))
    estimate = {"low": low, "high": high, "currency": "USD", "usd_low": low, "usd_high": high}
    text = new.amount_text.strip()
    if text and low is None and high is None:
        rng = None
        if strict_amount:
            rng = attempt("amount", lambda: parse_amount(text))
        else:
            with contextlib.suppress(PledgeError):
                rng = parse_amount(text)
        if rng is not None:
            estimate = {"low": rng.low, "high": rng.high, "currency": rng.currency,
                        "usd_low": rng.low, "usd_high": rng.high}
            if rng.currency != "USD":
                conv = attempt("amount", lambda: rates.convert(rng, "USD",
                                                               as_of or date.today()))
                if conv is not None:
                    estimate["usd_low"], estimate["usd_high"] = (conv.result.low,
                                                                 conv.result.high)
    return ({"stage": ENTRY_STAGE, "reported": reported if beyond_entry else None,
             "as_of": as_of, "sector": sector, **estimate}, problems)


def _framework_keys(s: Session) -> set[str]:
    return {str(k) for k in s.execute(select(t.frameworks.c.key)).scalars()}


def _insert_project(s: Session, new: NewProject, v: dict[str, Any], actor: Actor,
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
            source=new.source.strip(), as_of=v["as_of"], is_primary=True))
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
        _record_status_report(s, pid, None, v["reported"], new.status, new.source.strip(),
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
        v, problems = _validated(new, "", rates=rate_table_in(s), frameworks=_framework_keys(s),
                                 strict_amount=True, report_stage=report_stage)
        if problems:
            raise InvalidInput(problems)
        fw = framework_row(s, new.framework)
        _refuse_same_name(s, fw.id, new.name)
        return _detail(s, _insert_project(s, new, v, actor))


def _same_name(s: Session, framework_id: int, name: str, other_than: int | None = None
               ) -> Any:
    """The framework's project whose name is ``name`` once case, width and spacing are
    set aside (``domain.text.name_key``), or None."""
    p = t.projects
    return s.execute(select(p.c.id, p.c.name).where(
        p.c.framework_id == framework_id, p.c.name_key == name_key(name),
        *([p.c.id != other_than] if other_than is not None else []))).first()


def _refuse_same_name(s: Session, framework_id: int, name: str,
                      other_than: int | None = None) -> None:
    same = _same_name(s, framework_id, name, other_than)
    if same is not None:
        raise Conflict.single("name", name, "project.duplicate_name",
                              f"project {same.id} is already called '{same.name}' in this "
                              f"framework (names are compared regardless of case, width "
                              f"and spacing)")


# What ``update_project`` may change, and the sponsor roles each sponsor list replaces.
EDITABLE_FIELDS = ("name", "sector", "sector_detail", "location", "lead", "partners")
_SPONSOR_GROUPS = {"lead": frozenset({SponsorRole.LEAD}),
                   "partners": frozenset({SponsorRole.PARTNER, SponsorRole.OFFTAKER,
                                          SponsorRole.SUPPLIER})}


def _checked_changes(changes: dict[str, str]) -> dict[str, Any]:
    """The new column values ``changes`` ask for; InvalidInput listing every problem.

    Fields are checked with the rules ``add_project`` applies; an unknown field is
    named. ``sector`` is written as on add ("energy (nuclear)": the sector and its
    detail, an empty detail when none is given); ``sector_detail`` sets the detail
    alone and wins over the one inside ``sector``. ``lead`` and ``partners`` are
    ``;``-separated lists that replace the sponsors in those roles.
    """
    if not changes:
        raise InvalidInput.single("changes", "", "project.no_changes",
                                  f"give at least one field to change "
                                  f"({', '.join(EDITABLE_FIELDS)})")
    problems: list[Problem] = []
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            problems.append(Problem(name, value, "project.not_editable",
                                    f"not a field that can be changed here (editable: "
                                    f"{', '.join(EDITABLE_FIELDS)})"))
        elif not isinstance(value, str):
            problems.append(Problem(name, value, "input.not_text", "expected text"))
    if problems:
        raise InvalidInput(problems)
    out: dict[str, Any] = {}
    problems.extend(_text_problems({k: v for k, v in changes.items()
                                    if k in ("name", "sector", "sector_detail", "location")}))
    problems.extend(_sponsor_problems(changes.get("lead", ""), changes.get("partners", "")))
    if "name" in changes:
        out["name"] = fold_name(changes["name"])
    if "sector" in changes:
        try:
            out["sector"], out["sector_detail"] = canonical_sector(changes["sector"])
        except PledgeError as exc:
            problems.extend(exc.problems)
    if "sector_detail" in changes:
        out["sector_detail"] = fold_name(changes["sector_detail"])
    if "location" in changes:
        out["location"] = fold_name(changes["location"])
        out["states"] = list(states_in(changes["location"]))
    for group in _SPONSOR_GROUPS:
        if group in changes:
            lead, partners = (changes[group], "") if group == "lead" else ("", changes[group])
            out[group] = list(sponsors_from_lists(lead, partners))
    if problems:
        raise InvalidInput(problems)
    return out


def _sponsor_rows(s: Session, pid: int) -> list[dict[str, str]]:
    return [{"name": r.name, "role": r.role, "note": r.note} for r in s.execute(
        select(t.sponsors).where(t.sponsors.c.project_id == pid).order_by(t.sponsors.c.id))]


def update_project(engine: Engine, project_id: int | str, changes: dict[str, str],
                   actor: Actor) -> ProjectDetail:
    """Change a project's descriptive fields (see ``EDITABLE_FIELDS``) in one transaction.

    Every problem with the changes is reported together; a new name must be free in
    the project's framework. Fields whose value does not change are left out of the
    audit entry, which records each changed field before and after; a request that
    changes nothing writes nothing. Stages, estimates and money have their own
    operations and are not edited here.
    """
    permit(actor, Action.PROJECT_EDIT)
    new = _checked_changes(changes)
    with transaction(engine) as s:
        pid = project_row(s, project_id).id
        row = s.execute(select(t.projects).where(t.projects.c.id == pid)
                        .with_for_update()).one()
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        for name in ("name", "sector", "sector_detail", "location", "states"):
            if name in new and new[name] != (list(row.states) if name == "states"
                                             else getattr(row, name)):
                before[name] = getattr(row, name)
                after[name] = columns[name] = new[name]
        if "name" in columns:
            _refuse_same_name(s, row.framework_id, columns["name"], other_than=pid)
            columns["name_key"] = name_key(columns["name"])
        # Sponsors are kept in the order an add writes them: leads, then the partner
        # list, then any other role (lenders); a replaced list takes its group's place.
        current = _sponsor_rows(s, pid)
        groups: list[list[dict[str, str]]] = []
        for group, roles in _SPONSOR_GROUPS.items():
            old = [x for x in current if x["role"] in roles]
            wanted = old if group not in new else [
                {"name": sp.name, "role": sp.role.value, "note": sp.note} for sp in new[group]]
            if wanted != old:
                before[group], after[group] = old, wanted
            groups.append(wanted)
        grouped = frozenset().union(*_SPONSOR_GROUPS.values())
        groups.append([x for x in current if x["role"] not in grouped])
        if not before:
            return _detail(s, pid)
        if columns:
            s.execute(t.projects.update().where(t.projects.c.id == pid).values(**columns))
        if "lead" in after or "partners" in after:
            s.execute(t.sponsors.delete().where(t.sponsors.c.project_id == pid))
            rows = [{"project_id": pid, **x} for g in groups for x in g]
            if rows:
                s.execute(t.sponsors.insert(), rows)
        audit(s, actor, "project.update", "project", pid, before=before, after=after,
              project_id=pid)
        return _detail(s, pid)


CSV_COLUMNS = ("name", "sector", "lead_companies", "partner_companies", "location",
               "amount_low_usd", "amount_high_usd", "amount_original_text", "currency_original",
               "status", "date_reported", "source_url")
REQUIRED_COLUMNS = ("name", "sector")


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


def read_projects_csv(text: str, framework: str) -> list[NewProject]:
    """Rows of a project CSV (the public list's columns); raises InvalidInput with every bad row."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput([Problem("header", ",".join(header), "csv.missing_column",
                                    f"missing column '{c}'") for c in missing])
    rows = []
    for row in reader:
        def g(name: str, row: dict[str, str | None] = row) -> str:
            return (row.get(name) or "").strip()
        rows.append(NewProject(
            name=g("name"), sector=g("sector"), framework=g("framework") or framework,
            location=g("location"), lead=g("lead_companies"), partners=g("partner_companies"),
            amount_text=g("amount_original_text"), amount_low_usd=g("amount_low_usd"),
            amount_high_usd=g("amount_high_usd"), currency=g("currency_original"),
            status=g("status") or "proposed", reported_on=g("date_reported"),
            source=g("source_url")))
    return rows


def import_projects(session: Session, rows: list[NewProject], actor: Actor, *,
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


def _import_rows(session: Session, rows: list[NewProject], actor: Actor,
                 walked: Mapping[str, date]) -> ImportResult:
    problems: list[Problem] = []
    checked = []
    rates, keys = rate_table_in(session), _framework_keys(session)
    for i, new in enumerate(rows, start=2):
        v, probs = _validated(new, f"row {i} ", rates=rates, frameworks=keys,
                              strict_amount=False, report_stage=True)
        problems.extend(probs)
        checked.append((new, v))
    if problems:
        raise InvalidInput(problems)
    result = ImportResult([], [])
    for new, v in checked:
        fw = framework_row(s := session, new.framework)
        if _same_name(s, fw.id, new.name) is not None:
            result.skipped.append(new.name)
            continue
        pid = _insert_project(s, new, v, actor, walked.get(new.name.strip()))
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


def _consultations(s: Session, pid: int) -> tuple[Consultation, ...]:
    return tuple(Consultation(ConsultationKind(r.kind), r.on) for r in s.execute(
        select(t.consultations).where(t.consultations.c.project_id == pid)))


def _last_transition(s: Session, pid: int, to: Stage | None = None) -> date | None:
    stmt = select(func.max(t.transitions.c.on)).where(t.transitions.c.project_id == pid)
    if to is not None:
        stmt = stmt.where(t.transitions.c.to_stage == to.value)
    value = s.execute(stmt).scalar()
    return value if isinstance(value, date) else None


def advance(engine: Engine, project_id: int | str, to: str, actor: Actor, on: date,
            reason: str = "", sources: list[str] | None = None,
            amount: str | None = None) -> ProjectDetail:
    """Move a project to another stage if every rule allows it; otherwise change nothing.

    Selecting a project under a framework with the machinery also allocates its
    approved amount under the cap, in the same transaction: ``amount`` when given,
    else the upper bound in US dollars of its primary estimate (the basis is recorded
    with the allocation and reported by ``selection_allocation``).
    """
    permit(actor, Action.ADVANCE)
    check_dates(on=on)
    reason, sources = clean_text("reason", reason), clean_sources(sources)
    target = parse_stage(to)
    approved = None
    if amount is not None and amount.strip():
        if target is not Stage.SELECTED:
            raise InvalidInput.single("amount", amount, "allocation.not_selecting",
                                      "an approved amount is given only when selecting")
        approved = funding_svc.parse_usd(amount)
        if approved.currency != "USD":
            raise InvalidInput.single("amount", amount, "funding.currency",
                                      "allocations are in US dollars")
    with transaction(engine) as s:
        pid = project_row(s, project_id).id
        if target in (Stage.SELECTED, Stage.DECLINED, Stage.WITHDRAWN):
            # The step allocates or releases capacity under the cap: the framework row is
            # locked first, as every cap-checking operation does, before the project row.
            fw_id = s.execute(select(t.projects.c.framework_id)
                              .where(t.projects.c.id == pid)).scalar_one()
            s.execute(select(t.frameworks.c.id).where(t.frameworks.c.id == fw_id)
                      .with_for_update()).one()
        row = s.execute(select(t.projects).where(t.projects.c.id == pid)
                        .with_for_update()).one()
        fw_row = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)
                           ).one()
        terms = load_framework(s, fw_row).terms_on(on)
        calendar = None
        if target is Stage.NOTIFIED and terms.window is not None:
            calendar = build_calendar(terms.window.calendar)
        plan = plan_transition(TransitionRequest(
            current=Stage(row.status), target=target, role=actor.role, on=on, terms=terms,
            last_on=_last_transition(s, row.id), consultations=_consultations(s, row.id),
            selected_on=_last_transition(s, row.id, Stage.SELECTED)), calendar)
        # Only a move the lifecycle allows can be refused for the row's duplicates.
        relations.check_may_advance(s, row.id, target.value)
        values: dict[str, Any] = {"status": plan.stage.value}
        if plan.funding_date is not None:
            values["funding_date"] = plan.funding_date
            values["window_meaning"] = plan.window_meaning.value if plan.window_meaning else None
        s.execute(t.projects.update().where(t.projects.c.id == row.id).values(**values))
        s.execute(t.transitions.insert().values(
            project_id=row.id, from_stage=row.status, to_stage=plan.stage.value,
            actor=actor.name, role=actor.role.value, on=on, reason=reason,
            sources=list(sources or []), recorded_at=now()))
        if plan.stage in (Stage.DECLINED, Stage.WITHDRAWN) and row.component:
            _release_allocation(s, row, on, actor, f"released on {plan.stage.value}")
        audit(s, actor, f"project.{plan.stage.value}", "project", row.id,
              before={"status": row.status}, after={**values, "reason": reason,
                                                    "sources": sources or []},
              project_id=row.id)
        if approved is not None and not row.component:
            raise RuleViolation.single("framework", fw_row.key, "lifecycle.no_machinery",
                                       "this framework is a pledge: nothing is allocated")
        if plan.stage is Stage.SELECTED and row.component:
            if approved is not None:
                value, basis = approved.amount, "the approved amount given at selection"
            else:
                value, basis = _estimate_upper_bound(s, row.id)
            selected = s.execute(select(t.projects).where(t.projects.c.id == row.id)).one()
            funding_svc.apply_allocation(s, selected, fw_row.id, value, on, actor,
                                         f"approved at selection: {basis}",
                                         by_committee=False, basis=basis)
        return _detail(s, row.id)


def _estimate_upper_bound(s: Session, pid: int) -> tuple[Decimal, str]:
    """The upper bound in US dollars of a project's primary estimate (its one bound when
    only one is given) and what it is, with the estimate's source; refused naming
    ``amount`` when the project has no estimate in US dollars."""
    e = s.execute(select(t.estimates).where(t.estimates.c.project_id == pid,
                                            t.estimates.c.is_primary)).first()
    bound = None if e is None else (e.usd_high if e.usd_high is not None else e.usd_low)
    if e is None or bound is None:
        raise InvalidInput.single(
            "amount", "", "allocation.amount_needed",
            "the project has no estimate in US dollars to allocate at selection; give the "
            "approved amount (--amount)")
    what = "upper bound" if e.usd_high is not None else "bound"
    said = "; ".join(x for x in (e.text or "", f"source: {e.source}" if e.source else "") if x)
    return Decimal(bound), f"{what} of the primary estimate in US dollars" + (
        f" ({said})" if said else "")


def _release_allocation(s: Session, row: Any, on: date, actor: Actor, memo: str) -> None:
    amount = sum_postings(s, row.framework_id, acct(row.component, ALLOCATED),
                          project_id=row.id)
    if amount > 0:
        post_entries(s, row.framework_id,
                     [release_entry(row.component, row.id, amount, on, memo)], actor)


def consult(engine: Engine, project_id: int | str, kind: str, actor: Actor, on: date,
            note: str = "", sources: list[str] | None = None) -> ProjectDetail:
    """Record a consultation (committee: IC with the CC; decline: partner with the US)."""
    permit(actor, Action.CONSULT)
    check_dates(on=on)
    note, sources = clean_text("note", note), clean_sources(sources)
    try:
        ckind = ConsultationKind(kind.strip().lower())
    except ValueError:
        raise InvalidInput.single("kind", kind, "lifecycle.unknown_consultation",
                                  "kind is 'committee' or 'decline'") from None
    with transaction(engine) as s:
        row = project_row(s, project_id)
        check_consultation(ckind, actor.role, Stage(row.status))
        s.execute(t.consultations.insert().values(
            project_id=row.id, kind=ckind.value, actor=actor.name, role=actor.role.value,
            on=on, note=note, sources=list(sources or [])))
        audit(s, actor, "project.consult", "project", row.id,
              after={"kind": ckind.value, "on": on, "note": note}, project_id=row.id)
        return _detail(s, row.id)


def extend(engine: Engine, project_id: int | str, until: date, actor: Actor, on: date,
           reason: str, sources: list[str] | None = None) -> ProjectDetail:
    """Record an extension of a notified project's funding deadline (investment committee)."""
    permit(actor, Action.EXTEND)
    check_dates(until=until, on=on)
    reason, sources = clean_text("reason", reason), clean_sources(sources)
    problems = []
    with transaction(engine) as s:
        row = project_row(s, project_id)
        if row.status not in (Stage.NOTIFIED.value, Stage.FUNDED.value):
            problems.append(Problem("project", row.status, "extension.stage",
                                    "only a notified or funded project's deadline is extended"))
        latest = max(d for d in (row.funding_date, row.extension_until, date.min) if d)
        if until <= latest:
            problems.append(Problem("until", until.isoformat(), "extension.not_later",
                                    f"an extension must end after {latest.isoformat()} (the "
                                    f"funding date or the extension already granted)"))
        if not reason.strip():
            problems.append(Problem("reason", reason, "extension.no_reason",
                                    "say why the deadline is extended"))
        if problems:
            raise RuleViolation(problems)
        s.execute(t.extensions.insert().values(
            project_id=row.id, until=until, actor=actor.name, role=actor.role.value, on=on,
            reason=reason, sources=list(sources or [])))
        s.execute(t.projects.update().where(t.projects.c.id == row.id)
                  .values(extension_until=until))
        audit(s, actor, "project.extend", "project", row.id,
              before={"extension_until": row.extension_until},
              after={"extension_until": until, "reason": reason}, project_id=row.id)
        return _detail(s, row.id)


@dataclass(frozen=True, slots=True)
class History:
    """unverified: ids of the audit rows whose content does not match their hash (edited
    since they were written; ``pledge audit verify`` checks the whole chain)."""

    project_id: int
    transitions: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    unverified: list[int] = field(default_factory=list)


def history(engine: Engine, project_id: int | str) -> History:
    """The project's transitions and every audit entry about it, oldest first."""
    with reading(engine) as s:
        row = project_row(s, project_id)
        trans = [{k: v for k, v in r._mapping.items() if k not in ("id", "project_id")}
                 for r in s.execute(select(t.transitions).where(
                     t.transitions.c.project_id == row.id).order_by(t.transitions.c.id))]
        rows = s.execute(select(t.audit_log).where(
            t.audit_log.c.project_id == row.id).order_by(t.audit_log.c.id)).all()
        aud = [{k: v for k, v in r._mapping.items()
                if k not in ("project_id", "hash", "prev_hash")} for r in rows]
        unverified = [r.id for r in rows if r.hash is None or r.prev_hash is None
                      or link(r.prev_hash, audit_content(r._mapping)) != r.hash]
        return History(row.id, trans, aud, unverified)


def add_estimate(engine: Engine, project_id: int | str, amount: str, source: str, as_of: date,
                 actor: Actor, *, primary: bool = False, text: str = "") -> ProjectDetail:
    """Record another sourced cost estimate; it never overwrites the ones already recorded.

    Amounts in other currencies are converted to US dollars at the latest rate on
    or before ``as_of`` (an error if none is in force). With ``primary`` the new
    estimate becomes the one the project is shown with. ``text`` keeps the wording as
    reported (default: ``amount``).
    """
    permit(actor, Action.PROJECT_EDIT)
    source = require_source(source, "estimate")
    check_dates(on=as_of)
    rng = parse_amount(amount)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        usd = rng if rng.currency == "USD" else rate_table_in(s).convert(rng, "USD",
                                                                        as_of).result
        if primary:
            s.execute(t.estimates.update().where(t.estimates.c.project_id == row.id)
                      .values(is_primary=False))
        has_primary = s.execute(select(t.estimates.c.id).where(
            t.estimates.c.project_id == row.id, t.estimates.c.is_primary)).first() is not None
        s.execute(t.estimates.insert().values(
            project_id=row.id, low=rng.low, high=rng.high, currency=rng.currency,
            usd_low=None if usd.low is None else usd.low.quantize(Decimal("0.01")),
            usd_high=None if usd.high is None else usd.high.quantize(Decimal("0.01")),
            text=clean_text("text", text, multiline=False) or amount.strip(), source=source,
            as_of=as_of, is_primary=primary or not has_primary))
        audit(s, actor, "project.estimate", "project", row.id,
              after={"amount": amount, "low": rng.low, "high": rng.high,
                     "currency": rng.currency, "usd_low": usd.low, "usd_high": usd.high,
                     "source": source, "as_of": as_of, "primary": primary},
              project_id=row.id)
        return _detail(s, row.id)


def add_site_report(engine: Engine, project_id: int | str, location: str, source: str,
                    as_of: date, actor: Actor, *, states: Sequence[str] = ()) -> ProjectDetail:
    """Record a site reported for a project (a news article, a filing), with its source.

    The project's own location is never changed: sources disagree on sites as they do
    on costs. ``states`` default to the US states the location names.
    """
    permit(actor, Action.PROJECT_EDIT)
    source = require_source(source, "site")
    check_dates(on=as_of)
    clean_text("location", location, multiline=False)
    where, named = reported_site(location, states)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        s.execute(t.site_reports.insert().values(
            project_id=row.id, location=where, states=list(named), source=source,
            as_of=as_of, recorded_at=now(), recorded_by=actor.name))
        audit(s, actor, "project.site_report", "project", row.id,
              after={"location": where, "states": list(named), "source": source,
                     "as_of": as_of}, project_id=row.id)
        return _detail(s, row.id)


def add_status_report(engine: Engine, project_id: int | str, stage: str, source: str,
                      as_of: date, actor: Actor, *, wording: str = "") -> ProjectDetail:
    """Record a stage a source reports for a project ("selected", "a finalist"), with its
    source. The lifecycle stage is unchanged (only the roles its rules name move it); the
    project's reported status becomes this one.
    """
    permit(actor, Action.PROJECT_EDIT)
    source = require_source(source, "status")
    check_dates(on=as_of)
    wording = clean_text("wording", wording, NAME_MAX, multiline=False)
    reported = stage_from_report(stage)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        _record_status_report(s, row.id, row.reported_status, reported,
                              wording.strip() or stage, source, as_of, actor)
        return _detail(s, row.id)


def _record_status_report(s: Session, pid: int, before: str | None, reported: Stage,
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

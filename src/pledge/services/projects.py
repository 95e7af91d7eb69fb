"""Use cases on projects: add, update, import, advance, consult, extend, record estimates,
sites and reported stages; list, show and history.

The changes are here; reading is ``services.project_views``, adding (one project or a
list) ``services.project_import``, the fields' rules ``domain.project_checks`` and the
queries ``store.project_queries``. The names the rest of pledge uses are all importable
from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.errors import InvalidInput, Problem, RuleViolation
from pledge.domain.ledger import ALLOCATED, acct, release_entry
from pledge.domain.lifecycle import (
    ConsultationKind,
    Stage,
    TransitionRequest,
    check_consultation,
    parse_stage,
    plan_transition,
)
from pledge.domain.money import parse_amount
from pledge.domain.project import (
    clean_sources,
    reported_site,
    require_source,
    stage_from_report,
)
from pledge.domain.project_checks import (
    CSV_COLUMNS,
    EDITABLE_FIELDS,
    REQUIRED_COLUMNS,
    SPONSOR_GROUPS,
    SPONSOR_NAME_LIMIT,
    SPONSOR_NOTE_LIMIT,
    TEXT_LIMITS,
    NewProject,
    checked_changes,
    read_projects_csv,
)
from pledge.domain.text import NAME_MAX, clean_text, name_key
from pledge.services import funding as funding_svc
from pledge.services import relations
from pledge.services.base import (
    Actor,
    audit,
    load_framework,
    now,
    permit,
    post_entries,
    project_row,
    sum_postings,
)
from pledge.services.calendars import build_calendar
from pledge.services.money import rate_table_in
from pledge.services.project_import import (
    ImportResult,
    add_project,
    import_projects,
    import_projects_csv,
    record_status_report,
    refuse_same_name,
    shipped_project_rows,
)
from pledge.services.project_views import (
    History,
    ProjectDetail,
    allocation_of,
    detail,
    history,
    list_projects,
    list_projects_page,
    show_project,
    show_project_page,
)
from pledge.store import project_queries as q
from pledge.store import tables as t
from pledge.store.db import transaction
from pledge.store.project_queries import ProjectSummary

__all__ = [
    "CSV_COLUMNS", "EDITABLE_FIELDS", "REQUIRED_COLUMNS", "SPONSOR_NAME_LIMIT",
    "SPONSOR_NOTE_LIMIT", "TEXT_LIMITS", "History", "ImportResult", "NewProject",
    "ProjectDetail", "ProjectSummary", "add_estimate", "add_project", "add_site_report",
    "add_status_report", "advance", "allocation_of", "consult", "extend", "history",
    "import_projects", "import_projects_csv", "list_projects", "list_projects_page",
    "read_projects_csv", "shipped_project_rows", "show_project", "show_project_page",
    "update_project",
]


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
    new = checked_changes(changes)
    with transaction(engine) as s:
        pid = project_row(s, project_id).id
        row = q.locked_project(s, pid)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        for name in ("name", "sector", "sector_detail", "location", "states"):
            if name in new and new[name] != (list(row.states) if name == "states"
                                             else getattr(row, name)):
                before[name] = getattr(row, name)
                after[name] = columns[name] = new[name]
        if "name" in columns:
            refuse_same_name(s, row.framework_id, columns["name"], other_than=pid)
            columns["name_key"] = name_key(columns["name"])
        # Sponsors are kept in the order an add writes them: leads, then the partner
        # list, then any other role (lenders); a replaced list takes its group's place.
        current = q.sponsor_rows(s, pid)
        groups: list[list[dict[str, str]]] = []
        for group, roles in SPONSOR_GROUPS.items():
            old = [x for x in current if x["role"] in roles]
            wanted = old if group not in new else [
                {"name": sp.name, "role": sp.role.value, "note": sp.note} for sp in new[group]]
            if wanted != old:
                before[group], after[group] = old, wanted
            groups.append(wanted)
        grouped = frozenset().union(*SPONSOR_GROUPS.values())
        groups.append([x for x in current if x["role"] not in grouped])
        if not before:
            return detail(s, pid)
        if columns:
            s.execute(t.projects.update().where(t.projects.c.id == pid).values(**columns))
        if "lead" in after or "partners" in after:
            s.execute(t.sponsors.delete().where(t.sponsors.c.project_id == pid))
            rows = [{"project_id": pid, **x} for g in groups for x in g]
            if rows:
                s.execute(t.sponsors.insert(), rows)
        audit(s, actor, "project.update", "project", pid, before=before, after=after,
              project_id=pid)
        return detail(s, pid)


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
            q.lock_framework_of(s, pid)
        row = q.locked_project(s, pid)
        fw_row = q.framework_of(s, row.framework_id)
        terms = load_framework(s, fw_row).terms_on(on)
        calendar = None
        if target is Stage.NOTIFIED and terms.window is not None:
            calendar = build_calendar(terms.window.calendar)
        plan = plan_transition(TransitionRequest(
            current=Stage(row.status), target=target, role=actor.role, on=on, terms=terms,
            last_on=q.last_transition(s, row.id), consultations=q.consultations(s, row.id),
            selected_on=q.last_transition(s, row.id, Stage.SELECTED)), calendar)
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
            selected = project_row(s, row.id)
            funding_svc.apply_allocation(s, selected, fw_row.id, value, on, actor,
                                         f"approved at selection: {basis}",
                                         by_committee=False, basis=basis)
        return detail(s, row.id)


def _estimate_upper_bound(s: Connection, pid: int) -> tuple[Decimal, str]:
    """The upper bound in US dollars of a project's primary estimate (its one bound when
    only one is given) and what it is, with the estimate's source; refused naming
    ``amount`` when the project has no estimate in US dollars."""
    e = q.primary_estimate(s, pid)
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


def _release_allocation(s: Connection, row: Any, on: date, actor: Actor, memo: str) -> None:
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
        return detail(s, row.id)


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
        return detail(s, row.id)


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
        has_primary = q.has_primary_estimate(s, row.id)
        s.execute(t.estimates.insert().values(
            project_id=row.id, low=rng.low, high=rng.high, currency=rng.currency,
            usd_low=None if usd.low is None else usd.low.quantize(Decimal("0.01")),
            usd_high=None if usd.high is None else usd.high.quantize(Decimal("0.01")),
            text=clean_text("text", text, multiline=False) or amount.strip(), source=source,
            as_of=as_of, is_primary=primary or not has_primary, recorded_at=now()))
        audit(s, actor, "project.estimate", "project", row.id,
              after={"amount": amount, "low": rng.low, "high": rng.high,
                     "currency": rng.currency, "usd_low": usd.low, "usd_high": usd.high,
                     "source": source, "as_of": as_of, "primary": primary},
              project_id=row.id)
        return detail(s, row.id)


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
        return detail(s, row.id)


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
        record_status_report(s, row.id, row.reported_status, reported,
                             wording.strip() or stage, source, as_of, actor)
        return detail(s, row.id)

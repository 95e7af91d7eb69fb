"""``pledge projects ...``: list, show, add, update, import, advance, consult, extend."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, Ran, once
from pledge.cli.options import (
    ActorOpt,
    AsOfOpt,
    JsonOpt,
    OnOpt,
    RoleOpt,
    SourceOpt,
    acting,
    day,
    day_or_none,
    me,
    read_text,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pledge.services import projects as svc

projects_app = typer.Typer(no_args_is_help=True, help="Projects and their lifecycle.\n\n"
                           "\b\nExample:\n  pledge projects list --status selected")


def _engine() -> Engine:
    from pledge.cli import state
    return state.engine()


@projects_app.command("list")
def list_(framework: Annotated[str | None, typer.Option(help="Framework key")] = None,
          status: Annotated[str | None, typer.Option(help="Stage")] = None,
          sector: Annotated[str | None, typer.Option(help="Sector key or wording")] = None,
          as_of: AsOfOpt = None,
          json: JsonOpt = False) -> None:
    """List projects with stage and estimate.
    The estimate is each project's primary one, in US dollars.

    \b
    Example:
      pledge projects list --status selected --as-of 2026-03-31
    """
    from pledge.models import documents
    from pledge.models import projects as m
    from pledge.services.as_of import list_projects_known as known
    rows = known(_engine(), day_or_none(as_of, "as_of"), framework, status, sector)
    if json:
        render.emit_json(documents(m.ProjectSummary.of(r) for r in rows))
        return
    render.table(f"{len(rows)} projects", ["id", "name", "framework", "sector", "status",
                                           "amount (USD)", "states"],
                 [(r.id, r.name, r.framework, r.sector, r.status,
                   render.usd_range(r.amount_low_usd, r.amount_high_usd),
                   ", ".join(r.states)) for r in rows], justify_right=["id", "amount (USD)"])


def _changed(ran: Ran[svc.ProjectDetail], json: bool) -> svc.ProjectDetail | None:
    """Print a changed project as JSON (with the key used) and return None; else return
    the project for a line of text (None when the run was a replay: its note is printed)."""
    if json:
        render.emit_json(ran.json())
        return None
    return ran.value


def _show(d: svc.ProjectDetail, json: bool) -> None:
    from pledge.models import projects as m
    s = d.summary
    if json:
        render.emit_json(m.project_document(d))
        return
    render.pairs(f"Project {s.id}: {s.name}", [
        ("framework", s.framework), ("status", s.status), ("location", s.location),
        ("sector", f"{s.sector} ({s.sector_detail})" if s.sector_detail else s.sector),
        ("amount", render.usd_range(s.amount_low_usd, s.amount_high_usd)),
        ("funding date", f"{s.funding_date} ({d.window_meaning})" if s.funding_date else None),
        ("extension until", d.extension_until),
        ("sponsors", "; ".join(f"{x['name']} ({x['role']})" for x in d.sponsors)),
    ])
    if d.estimates:
        render.table("Estimates", ["primary", "USD", "as written", "as of", "source"],
                     [("*" if e["is_primary"] else "", render.usd_range(
                         e["usd_low"], e["usd_high"]), e["text"], e["as_of"], e["source"])
                      for e in d.estimates])
    if d.sites:
        render.table("Reported sites", ["as of", "location", "states", "source"],
                     [(x["as_of"], x["location"], ", ".join(x["states"]), x["source"])
                      for x in d.sites])
    if d.status_reports:
        render.table("Reported stages", ["as of", "stage", "as written", "source"],
                     [(x["as_of"], x["stage"], x["wording"], x["source"])
                      for x in d.status_reports])
    render.table("Stages", ["on", "from", "to", "actor", "role", "reason"],
                 [(x["on"], x["from_stage"] or "", x["to_stage"], x["actor"], x["role"],
                   x["reason"]) for x in d.transitions])
    if d.related:
        _related_table("Related projects", d.related)
    if d.duplicate_of is not None:
        render.console.print(f"counted in totals as project {d.duplicate_of}, which stands "
                             f"for the same project")
    if d.allocation is not None:
        a = d.allocation
        render.pairs("Allocation under the cap", [
            ("allocated", render.usd(a["amount"], short=False)),
            ("funded", render.usd(a["funded"], short=False)),
            ("available", render.usd(a["available"], short=False)), ("why", a["note"])])
    if d.funding:
        render.table("Funding", ["instrument", "provider", "amount", "kind"],
                     [(f["instrument"], f["provider"], render.usd(f["amount"], short=False),
                       "guarantee outstanding (contingent)" if f["contingent"] else "cash")
                      for f in d.funding], justify_right=["amount"])


def _related_table(title: str, rows: list[dict[str, Any]]) -> None:
    render.table(title, ["link", "relation", "project", "status", "on", "source", "note"],
                 [(x["link_id"], x["label"] + (" (withdrawn)" if x["withdrawn_at"] else ""),
                   f"{x['project_id']}: {x['name']}", x["status"], x["on"], x["source"],
                   x["note"]) for x in rows])


@projects_app.command("show")
def show(id: Annotated[str, typer.Argument(help="Project id")], json: JsonOpt = False,
         as_of: AsOfOpt = None) -> None:
    """Show one project.
    Its stages, sponsors, estimates and funding.

    \b
    Example:
      pledge projects show 24 --as-of 2026-03-31
    """
    from pledge.services import as_of as known
    _show(known.show_project_known(_engine(), id, day_or_none(as_of, "as_of")), json)


@projects_app.command("add")
def add(name: Annotated[str, typer.Option(help="Project name")],
        sector: Annotated[str, typer.Option(help="Sector, e.g. 'energy (nuclear)'")],
        framework: Annotated[str, typer.Option(help="Framework key")] = "japan",
        location: Annotated[str, typer.Option(help="Where in the US")] = "",
        lead: Annotated[str, typer.Option(help="Lead companies, ';'-separated")] = "",
        partners: Annotated[str, typer.Option(help="Partner companies, ';'-separated")] = "",
        amount: Annotated[str, typer.Option(help="Amount as written, e.g. 'US$2.1bn'")] = "",
        status: Annotated[str, typer.Option(
            help="Entry stage: 'proposed' (or 'candidate'); a later stage is refused, as "
                 "stages are reached with `projects advance` (record what a source reports "
                 "with `projects status-report`)")] = "proposed",
        reported_on: Annotated[str, typer.Option("--reported-on",
                                                 help="Date reported")] = "",
        source: SourceOpt = None, idempotency_key: KeyOpt = None,
        json: JsonOpt = False) -> None:
    """Add a project at the entry stage.
    The stage is 'proposed', with a sourced estimate when an amount is given.

    \b
    Example:
      pledge projects add --name 'Ohio ammonia plant' --sector energy \\
          --amount 'US$1.2bn' --source https://example.com/ammonia
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: svc.add_project(engine, svc.NewProject(
        name=name, sector=sector, framework=framework, location=location, lead=lead,
        partners=partners, amount_text=amount, status=status, reported_on=reported_on,
        source=(source or [""])[0]), who), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        _show(detail, False)


@projects_app.command("update")
def update(id: Annotated[str, typer.Argument(help="Project id")],
           name: Annotated[str | None, typer.Option(help="New name")] = None,
           sector: Annotated[str | None, typer.Option(
               help="Sector, e.g. 'energy (nuclear)' (sets the detail too)")] = None,
           sector_detail: Annotated[str | None, typer.Option(
               "--sector-detail", help="The sector's detail alone, e.g. 'nuclear'")] = None,
           location: Annotated[str | None, typer.Option(
               help="Where in the US (the states are found in it)")] = None,
           lead: Annotated[str | None, typer.Option(
               help="Lead companies, ';'-separated (replaces the lead sponsors)")] = None,
           partners: Annotated[str | None, typer.Option(
               help="Partner companies, ';'-separated (replaces partners, offtakers and "
                    "suppliers)")] = None,
           idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Change a project's details.
    Its name, sector, location or sponsors; only the options given change.

    \b
    Example:
      pledge projects update 26 --location 'Atlanta, Georgia'
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    given = {"name": name, "sector": sector, "sector_detail": sector_detail,
             "location": location, "lead": lead, "partners": partners}
    changes = {k: v for k, v in given.items() if v is not None}
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key,
               lambda: svc.update_project(engine, id, changes, who), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"project {detail.summary.id} updated: "
                             f"{', '.join(changes)}")


@projects_app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="CSV with the public list's columns")],
            framework: Annotated[str, typer.Option(help="Framework for rows without one")
                                 ] = "japan",
            idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Import projects from a CSV file.
    All rows or none, every bad row reported.

    Every project starts at the entry stage, 'proposed'. A row whose status is a later
    stage ('selected', 'funded', ...) is not moved there: the stage is recorded as a
    stage report, with the row's source_url and date_reported (both then required), and
    is listed in the output. Only `projects advance`, by the roles the lifecycle names,
    moves a project on.

    \b
    Example:
      pledge projects import second_round.csv
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    text, engine = read_text(file), _engine()
    who = me()
    ran = once(engine, who, idempotency_key,
               lambda: svc.import_projects_csv(engine, text, framework, who),
               lambda r: m.Import.of(r).document())
    if json:
        render.emit_json(ran.json())
    elif (result := ran.value) is not None:
        render.console.print(f"added {len(result.added)} projects; {len(result.skipped)} "
                             f"already present")
        for pid, stage in result.reported:
            render.console.print(f"project {pid}: added at 'proposed'; its reported stage "
                                 f"'{stage}' is recorded as a stage report with its source")


@projects_app.command("advance")
def advance(id: Annotated[str, typer.Argument(help="Project id")],
            to: Annotated[str, typer.Option("--to", help="Target stage")],
            on: OnOpt, reason: Annotated[str, typer.Option(help="Why")] = "",
            source: SourceOpt = None,
            amount: Annotated[str | None, typer.Option(
                help="Selecting: the approved amount allocated under the cap (default: the "
                     "upper bound of the primary estimate in US dollars)")] = None,
            actor: ActorOpt = None, role: RoleOpt = None,
            idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Move a project to another stage.
    Only if the rules allow it (you decide, or you record the
    decision of the --actor in the --role the lifecycle names). Selecting a project
    allocates its approved amount under the cap at once.

    \b
    Example:
      pledge projects advance 25 --to notified --on 2026-02-17 \\
          --actor 'IC chair' --role ic
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: svc.advance(
        engine, id, to, who, day(on, "on"), reason, source or [], amount=amount),
        m.project_document)
    if (detail := _changed(ran, json)) is None:
        return
    s = detail.summary
    extra = f"; funding {detail.window_meaning} {s.funding_date}" if (
        s.status == "notified" and s.funding_date) else ""
    render.console.print(f"project {s.id} is now {s.status}{extra}")
    if s.status == "selected" and detail.allocation is not None:
        a = detail.allocation
        render.console.print(f"allocated {render.usd(a['amount'], short=False)} under the cap "
                             f"({a['note']})")


@projects_app.command("consult")
def consult(id: Annotated[str, typer.Argument(help="Project id")],
            kind: Annotated[str, typer.Option(help="committee (IC with CC) or decline "
                                                   "(partner with the US)")],
            on: OnOpt, note: Annotated[str, typer.Option(help="What was discussed")] = "",
            source: SourceOpt = None, actor: ActorOpt = None, role: RoleOpt = None,
            idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record a consultation the rules depend on.

    \b
    Example:
      pledge projects consult 27 --kind committee --on 2026-03-05 \\
          --actor 'IC chair' --role ic
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: svc.consult(
        engine, id, kind, who, day(on, "on"), note, source or []), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"recorded a {kind} consultation for project "
                             f"{detail.summary.id}")


@projects_app.command("extend")
def extend(id: Annotated[str, typer.Argument(help="Project id")],
           until: Annotated[str, typer.Option(help="New last funding date")],
           on: OnOpt, reason: Annotated[str, typer.Option(help="Why")],
           source: SourceOpt = None, actor: ActorOpt = None, role: RoleOpt = None,
           idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Extend a project's funding deadline.

    \b
    Example:
      pledge projects extend 25 --until 2026-06-30 --on 2026-04-01 \\
          --reason 'Permits delayed'
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: svc.extend(
        engine, id, day(until, "until"), who, day(on, "on"), reason, source or []),
        m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"project {detail.summary.id} may be funded until {until}")


@projects_app.command("estimate")
def estimate(id: Annotated[str, typer.Argument(help="Project id")],
             amount: Annotated[str, typer.Option(help="As written, e.g. '5.2兆円' or "
                                                      "'US$33bn'")],
             source: Annotated[str, typer.Option(help="Where it was reported")],
             on: OnOpt,
             primary: Annotated[bool, typer.Option("--primary",
                                                   help="Show the project with it")] = False,
             idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record another sourced cost estimate.
    It is converted to US dollars at its date.

    \b
    Example:
      pledge projects estimate 26 --amount '900億円' --on 2026-02-18 \\
          --source https://example.com/diamond
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: svc.add_estimate(
        engine, id, amount, source, day(on, "on"), who, primary=primary), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"project {detail.summary.id}: {len(detail.estimates)} "
                             "estimates")


@projects_app.command("site")
def site(id: Annotated[str, typer.Argument(help="Project id")],
         location: Annotated[str, typer.Option(help="The site as reported, e.g. "
                                                    "'Brazoria County, Texas'")],
         source: Annotated[str, typer.Option(help="Where it was reported")],
         on: OnOpt,
         state: Annotated[list[str] | None, typer.Option(
             "--state", help="A US state it lies in (repeat; default: those the location "
                             "names)")] = None,
         idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record a site reported for a project.
    With its source; the project's location is unchanged.

    \b
    Example:
      pledge projects site 25 --location 'Brazoria County, Texas' \\
          --on 2026-02-18 --source https://example.com/gulflink
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: svc.add_site_report(
        engine, id, location, source, day(on, "on"), who, states=state or ()), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"project {detail.summary.id}: {len(detail.sites)} reported "
                             "sites")


@projects_app.command("status-report")
def status_report(id: Annotated[str, typer.Argument(help="Project id")],
                  stage: Annotated[str, typer.Option(help="The stage reported (a stage name, "
                                                          "'candidate', 'announced')")],
                  source: Annotated[str, typer.Option(help="Where it was reported")],
                  on: OnOpt,
                  wording: Annotated[str, typer.Option(help="As the source put it")] = "",
                  idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record a stage a source reports.
    The project's lifecycle stage is unchanged.

    \b
    Example:
      pledge projects status-report 27 --stage candidate \\
          --on 2026-03-01 --source https://example.com/smr
    """
    from pledge.models import projects as m
    from pledge.services import projects as svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: svc.add_status_report(
        engine, id, stage, source, day(on, "on"), who, wording=wording), m.project_document)
    if (detail := _changed(ran, json)) is not None:
        render.console.print(f"project {detail.summary.id}: reported "
                             f"{detail.reported_status} (stage {detail.summary.status})")


@projects_app.command("link")
def link(id: Annotated[str, typer.Argument(help="Project id")],
         other: Annotated[str, typer.Argument(help="The other project's id")],
         kind: Annotated[str, typer.Option(
             "--as", help="What ID is to OTHER: duplicate (the same project reported twice), "
                          "later_tranche, earlier_tranche, part_of (a part of an umbrella "
                          "programme), umbrella_of, related")],
         source: Annotated[str, typer.Option(help="Where the relation is reported")],
         on: Annotated[str | None, typer.Option("--on", help="The source's date, YYYY-MM-DD "
                                                              "(default today)")] = None,
         note: Annotated[str, typer.Option(help="What the link rests on")] = "",
         idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Link two projects, with a source.
    The same project reported twice, a later tranche, a part of an umbrella programme:
    totals then count each real project once.

    \b
    Example:
      pledge projects link 30 1 --as part_of --source https://example.com/ap1000
    """
    from pledge.models import projects as m
    from pledge.services import relations as relations_svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: relations_svc.link_projects(
        engine, id, other, kind, source, who, on=day(on, "on"), note=note),
        m.link_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        render.console.print(f"project {r.project_id} linked to project {r.other_id}: "
                         f"{r.label} (link {r.link_id})")


@projects_app.command("unlink")
def unlink(id: Annotated[str, typer.Argument(help="Project id")],
           other: Annotated[str, typer.Argument(help="The other project's id")],
           reason: Annotated[str, typer.Option(help="Why the link is withdrawn")],
           idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Withdraw the link between two projects.
    It is kept, marked withdrawn, with the reason.

    \b
    Example:
      pledge projects unlink 32 17 --reason 'Two different plants'
    """
    from pledge.models import projects as m
    from pledge.services import relations as relations_svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: relations_svc.unlink_projects(
        engine, id, other, who, reason=reason), m.link_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        render.console.print(f"link {r.link_id} between projects {r.project_id} and "
                         f"{r.other_id} withdrawn")


@projects_app.command("links")
def links(id: Annotated[str, typer.Argument(help="Project id")],
          withdrawn: Annotated[bool, typer.Option("--withdrawn",
                                                  help="Include withdrawn links")] = False,
          json: JsonOpt = False) -> None:
    """A project's links to other projects.
    Each with its source.

    \b
    Example:
      pledge projects links 32 --withdrawn
    """
    from pledge.models import documents
    from pledge.models import projects as m
    from pledge.services import relations as relations_svc
    rows = documents(m.Link.of(r) for r in relations_svc.project_links(
        _engine(), id, withdrawn=withdrawn))
    if json:
        render.emit_json(rows)
        return
    if not rows:
        render.console.print(f"project {id} is linked to no other project")
        return
    _related_table(f"Projects linked to {id}", rows)


def register(app: typer.Typer) -> None:
    app.add_typer(projects_app, name="projects")

"""Top-level commands: init, frameworks, deadlines, commitments, fund and the ledger."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
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
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

frameworks_app = typer.Typer(no_args_is_help=True, help="Frameworks and their terms.\n\n"
                             "\b\nExample:\n  pledge frameworks show japan")


def _engine(ensure: bool = True) -> Engine:
    from pledge.cli import state
    return state.engine(ensure=ensure)


def init(demo: Annotated[bool, typer.Option(
        "--demo", help="Also add the demo users and an illustrative history (empty database "
                       "only); prints the demo logins and tokens (the command line acts as "
                       "one with --user NAME and $PLEDGE_TOKEN)")] = False) -> None:
    """Set up the database with the shipped data.
    Creates the schema and loads the default frameworks and projects (safe to repeat).

    Every project starts at 'proposed'. The first tranche, whose selection was officially
    announced, is then taken through the lifecycle step by step by the roles it names,
    with the reported dates and sources; later stages the list reports from the news are
    kept as sourced stage reports. The numeric engines are compiled too (into the user's
    cache folder), so no page and no command waits for them later.

    \b
    Example:
      pledge init
    """
    from pledge.services.setup import init as do_init
    from pledge.services.simulation import warm_engines
    warm_engines()  # compiled now (or loaded), so no page or command waits for numba later
    if demo:
        from pledge.services.demo import build_demo
        built = build_demo(_engine(ensure=False))
        render.table("Demo logins (for trying the system only)",
                     ["name", "role", "password", "API token"],
                     [(u.name, u.role.value, u.password, u.token)
                      for u in built.users.values()])
        return
    result = do_init(_engine(ensure=False))
    added = ", ".join(result.frameworks_added) or "none new"
    render.console.print(f"database ready: frameworks loaded: {added}; projects added: "
                         f"{result.projects_added}, already present: "
                         f"{result.projects_present}")
    if result.projects_added:
        render.console.print(f"{result.projects_walked} taken through the lifecycle by their "
                             f"reported steps; {result.stages_reported} reported stages kept "
                             f"as stage reports")
    if result.allocated:
        total = sum((a[2] for a in result.allocated), Decimal(0))
        render.console.print(f"first tranche allocated under the cap: "
                             f"{render.usd(total, short=False)} "
                             f"({len(result.allocated)} selected projects):")
        for pid, name, amount, note in result.allocated:
            render.console.print(f"  {pid} {name}: {render.usd(amount, short=False)}, {note}")
    if result.links_added:
        render.console.print(f"{result.links_added} links between rows reporting the same "
                             f"undertaking, each with its source (`pledge projects links ID`)")


@frameworks_app.command("list")
def frameworks_list(json: JsonOpt = False) -> None:
    """List the frameworks and their commitments.

    \b
    Example:
      pledge frameworks list
    """
    from pledge.models import documents
    from pledge.models import frameworks as fwm
    from pledge.services import frameworks as fw_svc
    rows = fw_svc.list_frameworks(_engine())
    if json:
        render.emit_json(documents(fwm.FrameworkSummary.of(r) for r in rows))
        return
    render.table("Frameworks", ["key", "partner", "commitment", "kind", "period ends",
                                "versions", "name"],
                 [(r.key, r.partner, render.usd(r.commitment), r.mechanism, r.period_end,
                   r.versions, r.name) for r in rows], justify_right=["commitment"])


@frameworks_app.command("show")
def frameworks_show(name: Annotated[str, typer.Argument(help="Framework key, e.g. japan")],
                    json: JsonOpt = False) -> None:
    """Show a framework's terms and sources.
    Every version, each setting with its sources.

    A setting no source states is shown as an ASSUMPTION with its basis and the other
    readings and their sources; claims made before a version and not adopted by it are
    listed after it.

    \b
    Example:
      pledge frameworks show japan
    """
    from pledge.models import frameworks as fwm
    from pledge.services import frameworks as fw_svc
    doc = fwm.framework_document(fw_svc.get_framework(_engine(), name))
    if json:
        render.emit_json(doc)
        return
    render.console.print(f"[bold]{doc['name']}[/bold] ({doc['key']}, partner {doc['partner']})")
    for v in doc["versions"]:
        render.table(f"Terms from {v['effective_from']}", ["setting", "value", "sources", "basis"],
                     [(k, render.setting_text(k, val), "\n".join(v["sources"].get(k, [])),
                       _basis(k, v)) for k, val in v["settings"].items()])
        if v["note"]:
            render.console.print(v["note"])
        for c in v["earlier_claims"]:
            lines = [f"Earlier claim, not adopted ({c['made']}, {c['by']}): {c['claim']}",
                     *(f"  {name} = {render.setting_text(name, value)}"
                       for name, value in c["settings"].items()),
                     *(f"  {src}" for src in c["sources"])]
            if c["disputed_by"]:
                lines += [f"  disputed: {c['disputed_by']}",
                          *(f"  {src}" for src in c["dispute_sources"])]
            render.console.print("\n".join(lines), markup=False)
    from pledge.cli.claims_cmds import claims_beside
    claims_beside(_engine(), name)   # what the news says the terms are, beside them


def _basis(name: str, version: dict[str, Any]) -> str:
    """What a setting rests on: its sources, or the assumption with the other readings."""
    if name in version["recorded_terms"]:
        return "sources (a recorded term: no rule computes with it)"
    a = version["assumptions"].get(name)
    if a is None:
        return ("default: the terms' data does not give it" if name in version["defaults"]
                else "sources")
    lines = [f"ASSUMPTION: {a['basis']}"]
    for alt in a["alternatives"]:
        value = ("(no single value)" if alt["value"] is None
                 else render.setting_text(name, alt["value"]))
        lines.append(f"other reading: {value}: {alt['reading']}")
        lines += [f"  {src}" for src in alt["sources"]] or ["  (no source states it)"]
    return "\n".join(lines)


@frameworks_app.command("amend")
def frameworks_amend(
        name: Annotated[str, typer.Argument(help="Framework key")],
        effective: Annotated[str, typer.Option("--effective", help="Takes effect from")],
        set_: Annotated[list[str], typer.Option("--set", help="SETTING=VALUE (repeatable)")],
        source: SourceOpt = None,
        note: Annotated[str, typer.Option(help="What changed and why")] = "",
        idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Amend a framework's terms from a date.
    The old terms stay in the history.

    \b
    Example:
      pledge frameworks amend japan --effective 2026-04-01 \\
          --set deemed_rate.spread_bps=50 --source https://example.com/terms \\
          --note 'Rate revised'
    """
    from pledge.models import frameworks as fwm
    from pledge.services import frameworks as fw_svc
    engine, who = _engine(), me()
    ran = once(engine, who, idempotency_key, lambda: fw_svc.amend_framework(
        engine, name, day(effective, "effective"), fw_svc.parse_assignments(set_),
        source or [], note, who), fwm.framework_document)
    if json:
        render.emit_json(ran.json())
    elif (fw := ran.value) is not None:
        render.console.print(f"{fw.key}: new terms from {effective} ({len(fw.versions)} "
                             "versions)")


def deadline(framework: Annotated[str, typer.Option(help="Framework key")],
             notice: Annotated[str, typer.Option(help="Date the clock starts, YYYY-MM-DD")],
             days: Annotated[int | None, typer.Option(help="Window length")] = None,
             unit: Annotated[str | None, typer.Option(help="business | calendar")] = None,
             calendar: Annotated[str | None, typer.Option(help="us | jp | joint")] = None,
             json: JsonOpt = False) -> None:
    """Compute a funding date from a notice.
    The date the framework's window gives.

    Business days are counted from the day after the notice. A calendar-day window
    that ends on a weekend or holiday moves to the next business day of the calendar.

    \b
    Example:
      pledge deadline --framework japan --notice 2026-02-17
    """
    from pledge.models import frameworks as fwm
    from pledge.services import deadlines as deadlines_svc
    d = deadlines_svc.compute_deadline(_engine(), framework, day(notice, "notice"), days=days,
                                       unit=unit, calendar=calendar)
    if json:
        render.emit_json(fwm.Deadline.of(d).document())
        return
    word = "fund by" if d.meaning == "deadline" else "fund no earlier than"
    render.console.print(f"notice {d.notice} + {d.days} {d.unit} days ({d.calendar} calendar): "
                         f"{word} [bold]{d.due}[/bold]")


def deadlines(framework: Annotated[str | None, typer.Option(help="Framework key")] = None,
              on: Annotated[str | None, typer.Option("--on", help="As of (default today)")
                            ] = None, as_of: AsOfOpt = None,
              json: JsonOpt = False) -> None:
    """Funding dates and business days left.
    Those of every selected or notified project.

    \b
    Example:
      pledge deadlines --framework japan --on 2026-03-01
    """
    from pledge.models import documents
    from pledge.models import frameworks as fwm
    from pledge.services.as_of import deadlines_known
    rows = deadlines_known(_engine(), framework, day_or_none(on, "on"),
                           day_or_none(as_of, "as_of"))
    if json:
        render.emit_json(documents(fwm.ProjectDeadline.of(r) for r in rows))
        return
    render.table("Funding dates", ["id", "project", "status", "date", "meaning",
                                   "business days left", "note"],
                 [(r.project_id, r.name, r.status, r.due, r.meaning,
                   f"[red]{r.business_days_left}[/red]" if r.business_days_left < 10
                   else r.business_days_left,
                   "provisional: no notice yet" if r.provisional else "")
                  for r in rows], justify_right=["business days left"])


def commitments(framework: Annotated[str, typer.Option(help="Framework key")],
                on: Annotated[str | None, typer.Option("--on", help="As of (default today)")
                              ] = None,
                as_of: AsOfOpt = None,
                json: JsonOpt = False) -> None:
    """What is committed against the cap.
    Allocated and disbursed against the cap, and the pace needed.

    \b
    Example:
      pledge commitments --framework japan --on 2026-03-01
      pledge commitments --framework japan --as-of 2026-03-31
    """
    from pledge.models import frameworks as fwm
    from pledge.services.as_of import commitments_known
    c = commitments_known(_engine(), framework, day_or_none(on, "on"),
                          day_or_none(as_of, "as_of"))
    if not c.ledger_balanced:
        _unbalanced(c.framework)
    if json:
        render.emit_json(fwm.Commitments.of(c).document())
        return
    share = (c.allocated / c.cap * 100) if c.cap else 0
    render.pairs(f"{c.framework}: commitments on {c.as_of}", [
        ("cap", render.usd(c.cap, short=False)),
        ("allocated", f"{render.usd(c.allocated, short=False)} ({share:.2f}%)"),
        ("disbursed (cash)", render.usd(c.disbursed, short=False)),
        ("guaranteed (outstanding)", render.usd(c.guaranteed, short=False)),
        ("remaining", render.usd(c.remaining, short=False)),
        ("period ends", c.period_end),
        ("needed per month", render.usd(c.required_per_month, short=False)),
    ])
    if not c.reachable:
        render.console.print(
            f"not reachable: the annual cap allows at most "
            f"{render.usd(c.max_reachable, short=False)} of the "
            f"{render.usd(c.cap, short=False)} cap by {c.period_end}; the pace needed is to "
            f"that (reaching the cap would need "
            f"{render.usd(c.required_per_month_to_cap, short=False)} a month)")
    if len(c.components) > 1:
        render.table("Components", ["component", "kind", "cap", "allocated", "annual cap"],
                     [(x.key, x.mechanism, render.usd(x.utilisation.cap),
                       render.usd(x.utilisation.allocated), render.usd(x.annual_cap))
                      for x in c.components])


def _unbalanced(framework: str) -> None:
    """Say on stderr (the output stays what scripts parse) that the figures cannot be
    trusted: some entry of the ledger does not balance."""
    sys.stderr.write(f"warning: the {framework} ledger does not balance (an entry's postings "
                     f"do not sum to zero): these figures cannot be trusted; run "
                     f"`pledge audit verify`\n")


def fund(id: Annotated[str, typer.Argument(help="Project id")],
         amount: Annotated[str, typer.Option(help="e.g. 'US$1.5bn'")],
         on: OnOpt,
         instrument: Annotated[str, typer.Option(help="equity | loan | guarantee")],
         provider: Annotated[str, typer.Option(help="JBIC, NEXI, a bank")],
         actor: ActorOpt = None,
         role: Annotated[str, typer.Option(
             help="The funder's role: a funder records their own funding, an administrator "
                  "records one for them")] = "funder",
         idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Fund a notified project.
    Within its window and under the cap (recorded by the funder, or by an administrator
    for them).

    \b
    Example:
      pledge fund 25 --amount 'US$1.5bn' --on 2026-03-02 --instrument equity \\
          --provider JBIC
    """
    from pledge.models import projects as pm
    from pledge.services import funding as funding_svc
    engine, who = _engine(), acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: funding_svc.fund(
        engine, id, amount, day(on, "on"), instrument, provider, who), pm.funding_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        what = ("guaranteed (contingent: no cash disbursed)" if r.instrument == "guarantee"
                else "funded")
        render.console.print(f"project {r.project_id} {what} "
                             f"{render.usd(r.amount, short=False)} ({r.instrument}, "
                             f"{r.provider}); cap remaining "
                             f"{render.usd(r.remaining, short=False)}")


def allocate(id: Annotated[str, typer.Argument(help="Project id")],
             amount: Annotated[str, typer.Option(help="The project's allocation from now, "
                                                      "e.g. 'US$33bn'")],
             reason: Annotated[str, typer.Option(help="Why it changes")],
             on: Annotated[str | None, typer.Option("--on", help="Date (default today)")
                           ] = None,
             actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
             json: JsonOpt = False) -> None:
    """Change a project's allocation under the cap.
    Up or down (never below what has been funded): the investment committee, with a
    reason.

    \b
    Example:
      pledge allocate 24 --amount 'US$30bn' --reason 'Revised estimate' \\
          --actor 'IC chair' --role ic
    """
    from pledge.models import projects as pm
    from pledge.services import funding as funding_svc
    engine, when = _engine(), day(on, "on")
    who = acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: funding_svc.allocate(
        engine, id, amount, when, who, reason), pm.allocation_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        render.console.print(f"project {r.project_id} allocated "
                             f"{render.usd(r.allocation, short=False)} (was "
                             f"{render.usd(r.previous, short=False)}; funded "
                             f"{render.usd(r.funded, short=False)}); "
                             f"{render.usd(r.unallocated, short=False)} left unallocated")



def guarantee_call(id: Annotated[str, typer.Argument(help="Project id")],
                   amount: Annotated[str, typer.Option(help="The amount called, US dollars")],
                   on: OnOpt,
                   provider: Annotated[str | None, typer.Option(
                       help="Whose guarantee (needed when several are outstanding)")] = None,
                   actor: ActorOpt = None,
                   role: Annotated[str, typer.Option(
                       help="The funder's role: a funder records the call, an administrator "
                            "records it for them")] = "funder",
                   idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record a call on a project's guarantee.
    The called part becomes cash paid into the SPV (never more than is outstanding).

    \b
    Example:
      pledge guarantee-call 25 --amount 'US$200m' --on 2026-06-30
    """
    from pledge.models import projects as pm
    from pledge.services import funding as funding_svc
    engine, when = _engine(), day(on, "on")
    who = acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: funding_svc.call_guarantee(
        engine, id, amount, when, who, provider), pm.guarantee_call_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        render.console.print(f"project {r.project_id}: {render.usd(r.amount, short=False)} of "
                             f"{r.provider}'s guarantee called and disbursed; "
                             f"{render.usd(r.outstanding, short=False)} still guaranteed")



def in_kind(id: Annotated[str, typer.Argument(help="Project id")],
            kind: Annotated[str, typer.Option(help="land | utilities | offtake | permits | "
                                                   "other")],
            value: Annotated[str, typer.Option(help="Value in US dollars")], on: OnOpt,
            actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
            json: JsonOpt = False) -> None:
    """Record a US in-kind contribution.
    To a project's SPV (valued apart from the cap).

    \b
    Example:
      pledge in-kind 24 --kind land --value 'US$150m' --on 2026-03-02
    """
    from pledge.models import projects as pm
    from pledge.services import funding as funding_svc
    engine, when = _engine(), day(on, "on")
    who = acting(actor, role)
    ran = once(engine, who, idempotency_key, lambda: funding_svc.contribute_in_kind(
        engine, id, kind, value, when, who), lambda _none: pm.InKind(
            project=int(id), on=when, kind=kind.strip().lower(),
            value=funding_svc.parse_usd(value, "value").amount).document())
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"recorded {kind} worth {value} for project {id}")


def balances(framework: Annotated[str, typer.Option(help="Framework key")],
             by: Annotated[str, typer.Option(help="account | party | project | instrument | "
                                                  "provider")] = "account",
             json: JsonOpt = False) -> None:
    """Ledger balances, grouped as you choose.
    By account, party, project, instrument or provider.

    \b
    Example:
      pledge balances --framework japan --by project
    """
    from pledge.models import frameworks as fwm
    from pledge.services import funding as funding_svc
    rows = funding_svc.ledger_balances(_engine(), framework, by)
    if not funding_svc.ledger_balanced(_engine(), framework):
        _unbalanced(framework)
    if json:
        render.emit_json([b.document() for b in fwm.balances(rows, by)])
        return
    columns = ["account", "balance"] if by == "account" else ["account", by, "balance"]
    render.table(f"{framework} balances by {by}", columns,
                 [(a, render.usd(v, short=False)) if by == "account" else
                  (a, k, render.usd(v, short=False)) for (a, k), v in rows.items()],
                 justify_right=["balance"])


def history(id: Annotated[str, typer.Argument(help="Project id")],
            json: JsonOpt = False) -> None:
    """A project's transitions and audit entries.
    Every audit entry about it.

    \b
    Example:
      pledge history 24
    """
    from pledge.models import projects as pm
    from pledge.services import projects as projects_svc
    h = projects_svc.history(_engine(), id)
    if h.unverified:
        sys.stderr.write(f"warning: audit rows {', '.join(map(str, h.unverified))} were changed "
                         f"after they were written (their content does not match their hash); "
                         f"run `pledge audit verify`\n")
    if json:
        render.emit_json(pm.History.of(h).document())
        return
    render.table(f"Project {h.project_id}: stages", ["on", "from", "to", "actor", "role",
                                                     "reason", "sources"],
                 [(x["on"], x["from_stage"] or "", x["to_stage"], x["actor"], x["role"],
                   x["reason"], "\n".join(x["sources"])) for x in h.transitions])
    render.table("Audit", ["at", "user", "actor", "role", "action", "before", "after"],
                 [(x["at"], x["user_name"] or "", x["actor"], x["role"], x["action"],
                   render.value_text(x["before"]), render.value_text(x["after"]))
                  for x in h.audit])


def register(app: typer.Typer) -> None:
    app.add_typer(frameworks_app, name="frameworks")
    for fn, name in ((init, "init"), (deadline, "deadline"), (deadlines, "deadlines"),
                     (commitments, "commitments"), (fund, "fund"), (allocate, "allocate"),
                     (guarantee_call, "guarantee-call"),
                     (in_kind, "in-kind"), (balances, "balances"),
                     (history, "history")):
        app.command(name)(fn)
    from pledge.cli.users_cmds import whoami
    app.command("whoami")(whoami)

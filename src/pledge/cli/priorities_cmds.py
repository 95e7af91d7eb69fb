"""Priorities: scores and weights per side, rankings, the batch optimiser, fund-or-decline."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import ActorOpt, JsonOpt, RoleOpt, acting, day, read_text
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

scores_app = typer.Typer(no_args_is_help=True, help="Each side's scores of a project.\n\n"
                         "\b\nExample:\n  pledge scores show 24")
weights_app = typer.Typer(no_args_is_help=True, help="Each side's weights of the criteria.\n\n"
                          "\b\nExample:\n  pledge weights show --framework japan")


def _engine() -> Engine:
    from pledge.cli import state
    return state.engine()


SideOpt = Annotated[str, typer.Option(help="us | partner")]


@scores_app.command("set")
def scores_set(id: Annotated[str, typer.Argument(help="Project id")], side: SideOpt,
               criterion: Annotated[str, typer.Option(help="e.g. strategic, jobs, risk")],
               value: Annotated[float, typer.Option(help="0 to 10")],
               on: Annotated[str | None, typer.Option("--on", help="Date (default today)")
                             ] = None,
               note: Annotated[str, typer.Option(help="Why this score")] = "",
               actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
               json: JsonOpt = False) -> None:
    """Record a side's score of a project.

    Record a side's score of a project on one criterion (yours, or the --actor's of the
    side's --role whose judgement you record).

    \b
    Example:
      pledge scores set 24 --side us --criterion jobs --value 7
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    engine, who = _engine(), acting(actor, role)

    def score() -> dict[str, Any]:
        svc.set_score(engine, id, side, criterion, value, who, day(on, "on"), note)
        return m.Scores.model_validate(svc.scores_document(engine, id)).document()

    ran = once(engine, who, idempotency_key, score, lambda doc: doc)
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"project {id}: {side} scores {criterion} {value:g}")


@scores_app.command("show")
def scores_show(id: Annotated[str, typer.Argument(help="Project id")],
                json: JsonOpt = False) -> None:
    """Both sides' current scores of a project.

    Both sides' current scores of a project, with author, date and note.

    \b
    Example:
      pledge scores show 24
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    scores = m.Scores.model_validate(svc.scores_document(_engine(), id))
    if json:
        render.emit_json(scores.document())
        return
    render.table(f"Project {id}: scores", ["side", "criterion", "value", "author", "on",
                                           "note"],
                 [(side, crit, v.value, v.author, v.on, v.note)
                  for side, crits in (("us", scores.us), ("partner", scores.partner))
                  for crit, v in crits.items()])


@weights_app.command("set")
def weights_set(framework: Annotated[str, typer.Option(help="Framework key")], side: SideOpt,
                criterion: Annotated[str, typer.Option(help="Criterion key")],
                weight: Annotated[float, typer.Option(help="Weight >= 0 (normalised)")],
                on: Annotated[str | None, typer.Option("--on", help="Date (default today)")
                              ] = None,
                actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
                json: JsonOpt = False) -> None:
    """Record a side's weight for a criterion.

    Record a side's weight for a criterion (yours, or the --actor's of the side's
    --role whose judgement you record).

    \b
    Example:
      pledge weights set --framework japan --side partner --criterion risk \\
          --weight 0.2
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    engine, who = _engine(), acting(actor, role)

    def weigh() -> dict[str, Any]:
        svc.set_weight(engine, framework, side, criterion, weight, who, day(on, "on"))
        return m.Weights.model_validate(svc.weights(engine, framework)).document()

    ran = once(engine, who, idempotency_key, weigh, lambda doc: doc)
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"{framework}: {side} weighs {criterion} {weight:g}")


@weights_app.command("show")
def weights_show(framework: Annotated[str, typer.Option(help="Framework key")],
                 json: JsonOpt = False) -> None:
    """Each side's weights of the criteria.

    Each side's weights (defaults, then what the side recorded).

    \b
    Example:
      pledge weights show --framework japan
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    w = svc.weights(_engine(), framework)
    if json:
        render.emit_json(m.Weights.model_validate(w).document())
        return
    crits = [c.key for c in svc.criteria()]
    render.table(f"{framework}: weights", ["criterion", "us", "partner"],
                 [(c, w["us"].get(c, 0.0), w["partner"].get(c, 0.0)) for c in crits])


def prioritise(framework: Annotated[str, typer.Option(help="Framework key")],
               top: Annotated[int, typer.Option(help="k for the top-k overlap")] = 5,
               paths: Annotated[int, typer.Option(help="Paths per project for the simulated "
                                                       "criteria")] = 2000,
               json: JsonOpt = False) -> None:
    """Both sides' rankings side by side.

    Both sides' rankings side by side, and how far apart they are.

    \b
    Example:
      pledge prioritise --framework japan --top 3
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    r = svc.prioritise(_engine(), framework, top_k=top, paths=paths)
    c = r.comparison
    rows = sorted(r.names, key=lambda p: c.us.ranks[p])
    if json:
        render.emit_json(m.Rankings.of(r).document())
        return
    render.table(f"{r.framework}: priorities (US order)",
                 ["US", "partner", "id", "project", "US score", "partner score",
                  "why the sides differ"],
                 [(c.us.ranks[p], c.partner.ranks[p], p, r.names[p],
                   f"{c.us.scores[p]:.3f}", f"{c.partner.scores[p]:.3f}",
                   "\n".join(r.explanations.get(p, [])) or "—")
                  for p in rows])
    tau = "undefined" if c.tau is None else f"{c.tau:.3f}"
    render.console.print(f"Kendall's tau {tau}; top-{c.top_k} overlap {c.top_overlap:.0%}")


def _pairs(values: list[str] | None, field: str) -> dict[str, int]:
    out = {}
    for v in values or []:
        name, sep, k = v.partition("=")
        if not sep or not k.strip().isdigit():
            raise InvalidInput.single(field, v, "input.bad_assignment", "expected SECTOR=COUNT")
        out[name.strip()] = int(k)
    return out


def batch(input: Annotated[Path | None, typer.Option(
              "--input", help="Instance JSON (see the docs); or use --framework")] = None,
          framework: Annotated[str | None, typer.Option(
              help="Build the instance from the stored projects")] = None,
          objective: Annotated[str, typer.Option(help="us | partner | maxmin | nash")
                               ] = "nash",
          time_limit: Annotated[float | None, typer.Option(
              "--time-limit", help="Seconds; returns the best feasible batch and its gap")
                                ] = None,
          budget: Annotated[str | None, typer.Option(help="Batch budget (with --framework)")
                            ] = None,
          sector_max: Annotated[list[str] | None, typer.Option(
              "--sector-max", help="SECTOR=COUNT (repeatable)")] = None,
          sector_min: Annotated[list[str] | None, typer.Option(
              "--sector-min", help="SECTOR=COUNT (repeatable)")] = None,
          max_per_sponsor: Annotated[int | None, typer.Option(
              "--max-per-sponsor", help="At most k per lead sponsor")] = None,
          must_include: Annotated[list[str] | None, typer.Option(
              "--must-include", help="Project id (repeatable)")] = None,
          exclude: Annotated[list[str] | None, typer.Option(
              "--exclude", help="Project id (repeatable)")] = None,
          pareto: Annotated[bool, typer.Option(
              "--pareto", help="Print the Pareto frontier instead")] = False,
          json: JsonOpt = False) -> None:
    """Choose a first batch exactly (HiGHS MILP).

    Choose a first batch exactly (HiGHS MILP) for one side or a compromise.

    The same use case as the API's (``services.priorities``): the same checks, and a
    batch not found within --time-limit is ``batch.timeout`` (exit 2; 409 on the API).
    --json prints the API's batch document (``models.priorities.Batch``); with --pareto,
    a bare list of the frontier's points (each the API's ``data`` item).

    \b
    Examples:
      pledge batch --input examples/batch_instance.json --objective maxmin
      pledge batch --framework japan --budget 'US$40bn' --pareto
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    obj = svc.check_objective(objective)
    if (input is None) == (framework is None):
        raise InvalidInput.single("input", None, "input.missing",
                                  "give --input INSTANCE.json or --framework F")
    seconds = svc.check_time_limit(time_limit)
    if input is not None:
        try:
            doc = jsonlib.loads(read_text(input, "input"))
        except jsonlib.JSONDecodeError as exc:
            raise InvalidInput.single("input", f"line {exc.lineno} column {exc.colno}",
                                      "batch.bad_json", exc.msg) from None
        from pledge.domain.selection import instance_from_document
        instance = instance_from_document(doc)
        if pareto:
            points, _ = svc.instance_frontier(instance, time_limit=seconds)
            solutions = [m.Solution.of(p) for p in points]
        else:
            chosen = m.Batch.of_instance(svc.solve_instance(instance, obj, seconds),
                                         obj.value, instance.budget)
    else:
        limits = svc.BatchLimits(
            budget=budget, sector_max=_pairs(sector_max, "sector_max"),
            sector_min=_pairs(sector_min, "sector_min"), max_per_sponsor=max_per_sponsor,
            must_include=must_include or [], exclude=exclude or [])
        if pareto:
            frontier = m.Frontier.of(svc.batch_frontier(_engine(), framework or "", limits,
                                                        time_limit=seconds))
            solutions = frontier.data
        else:
            chosen = m.Batch.of_choice(svc.choose_batch(_engine(), framework or "",
                                                        obj.value, limits,
                                                        time_limit=seconds))
    if pareto:
        if json:
            render.emit_json([p.document() for p in solutions])
            return
        render.table("Pareto frontier", ["U_us", "U_partner", "cost", "selected"],
                     [(f"{p.u_us:.4f}", f"{p.u_partner:.4f}", render.usd(p.cost),
                       ", ".join(p.selected)) for p in solutions])
        return
    if json:
        render.emit_json(chosen.document())
        return
    render.pairs(f"Batch ({obj.value})", [
        ("selected", ", ".join(chosen.selected) or "none"), ("cost", render.usd(chosen.cost)),
        ("budget", render.usd(chosen.budget)), ("U_us", f"{chosen.u_us:.4f}"),
        ("U_partner", f"{chosen.u_partner:.4f}"), ("objective", f"{chosen.objective:.6f}"),
        ("status", f"{chosen.status} (gap {chosen.gap:.2e})")])


def decline_advice(id: Annotated[str, typer.Argument(help="Project id")],
                   probability: Annotated[float | None, typer.Option(
                       help="Probability the US acts on a decline")] = None,
                   duration: Annotated[float | None, typer.Option(
                       "--duration-years", help="Years the higher tariff lasts")] = None,
                   exports: Annotated[str | None, typer.Option(
                       help="Partner's annual exports to the US")] = None,
                   incidence: Annotated[float | None, typer.Option(
                       help="Share of the tariff the partner's exporters bear")] = None,
                   funding_cost: Annotated[float | None, typer.Option(
                       "--funding-cost", help="Annual funding cost rate")] = None,
                   paths: Annotated[int, typer.Option(help="Simulation paths")] = 5000,
                   json: JsonOpt = False) -> None:
    """Funding a selected project or declining it.

    The partner's expected cost of funding a selected project against declining it.

    \b
    Example:
      pledge decline-advice 24 --probability 0.5
    """
    from pledge.models import priorities as m
    from pledge.services import priorities as svc
    r = svc.decline_advice(_engine(), id, paths=paths, probability=probability,
                           duration_years=duration, incidence=incidence,
                           funding_cost=funding_cost,
                           exports=exports or None)
    a, x = r.advice, r.inputs
    if json:
        render.emit_json(m.DeclineAdvice.of(r).document())
        return
    be = "—" if a.break_even_probability is None else f"{a.break_even_probability:.1%}"
    render.pairs(f"Project {r.project_id}: fund or decline", [
        ("PV of funding", render.approx_usd(x.pv_funding)),
        ("PV of expected distributions", render.approx_usd(x.pv_distributions)),
        ("expected cost of funding", render.approx_usd(a.cost_fund)),
        ("tariff increase", f"{x.tariff_increase:.1%} on {render.approx_usd(x.exports)}/yr "
                            f"for {x.duration_years:g} yr, incidence {x.incidence:.0%}"),
        ("expected cost of declining", f"{render.approx_usd(a.cost_decline)} "
                                       f"(probability {x.probability:.0%})"),
        ("break-even probability", be), ("advice", a.advice)])
    render.table("Sensitivity", ["probability / duration", "cost of funding",
                                 "cost of declining", "advice / break-even"],
                 [(f"p={s['probability']:.0%}" if "probability" in s else
                   f"{s['duration_years']:g} yr",
                   render.approx_usd(float(s["cost_fund"])) if "cost_fund" in s else "",  # type: ignore[arg-type]  # a number in the JSON
                   render.approx_usd(float(s["cost_decline"])) if "cost_decline" in s  # type: ignore[arg-type]  # a number in the JSON
                   else "",
                   s.get("advice") or (f"{s['break_even_probability']:.1%}"
                                       if s.get("break_even_probability") is not None else "—"))
                  for s in r.sensitivity])


def register(app: typer.Typer) -> None:
    app.add_typer(scores_app, name="scores")
    app.add_typer(weights_app, name="weights")
    app.command("prioritise")(prioritise)
    app.command("batch")(batch)
    app.command("decline-advice")(decline_advice)


"""Priorities: scores and weights per side, rankings, the batch optimiser, fund-or-decline."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import ActorOpt, JsonOpt, RoleOpt, acting, day, read_text
from pledge.domain.errors import InvalidInput
from pledge.domain.selection import Objective, instance_from_document
from pledge.services import priorities as svc

scores_app = typer.Typer(no_args_is_help=True, help="Each side's scores of a project.")
weights_app = typer.Typer(no_args_is_help=True, help="Each side's weights of the criteria.")


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
    """Record a side's score of a project on one criterion (yours, or the --actor's of the
    side's --role whose judgement you record)."""
    engine, who = _engine(), acting(actor, role)

    def score() -> dict[str, Any]:
        svc.set_score(engine, id, side, criterion, value, who, day(on, "on"), note)
        return svc.scores_document(engine, id)

    ran = once(engine, who, idempotency_key, score, lambda doc: doc)
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"project {id}: {side} scores {criterion} {value:g}")


@scores_app.command("show")
def scores_show(id: Annotated[str, typer.Argument(help="Project id")],
                json: JsonOpt = False) -> None:
    """Both sides' current scores of a project, with author, date and note."""
    data = svc.project_scores(_engine(), id)
    if json:
        render.emit_json({"project_id": int(id), **data})
        return
    render.table(f"Project {id}: scores", ["side", "criterion", "value", "author", "on",
                                           "note"],
                 [(side, crit, v["value"], v["author"], v["on"], v["note"])
                  for side, crits in data.items() for crit, v in crits.items()])


@weights_app.command("set")
def weights_set(framework: Annotated[str, typer.Option(help="Framework key")], side: SideOpt,
                criterion: Annotated[str, typer.Option(help="Criterion key")],
                weight: Annotated[float, typer.Option(help="Weight >= 0 (normalised)")],
                on: Annotated[str | None, typer.Option("--on", help="Date (default today)")
                              ] = None,
                actor: ActorOpt = None, role: RoleOpt = None, idempotency_key: KeyOpt = None,
                json: JsonOpt = False) -> None:
    """Record a side's weight for a criterion (yours, or the --actor's of the side's
    --role whose judgement you record)."""
    engine, who = _engine(), acting(actor, role)

    def weigh() -> dict[str, Any]:
        svc.set_weight(engine, framework, side, criterion, weight, who, day(on, "on"))
        return dict(svc.weights(engine, framework))

    ran = once(engine, who, idempotency_key, weigh, lambda doc: doc)
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"{framework}: {side} weighs {criterion} {weight:g}")


@weights_app.command("show")
def weights_show(framework: Annotated[str, typer.Option(help="Framework key")],
                 json: JsonOpt = False) -> None:
    """Each side's weights (defaults, then what the side recorded)."""
    w = svc.weights(_engine(), framework)
    if json:
        render.emit_json(w)
        return
    crits = [c.key for c in svc.criteria()]
    render.table(f"{framework}: weights", ["criterion", "us", "partner"],
                 [(c, w["us"].get(c, 0.0), w["partner"].get(c, 0.0)) for c in crits])


def prioritise(framework: Annotated[str, typer.Option(help="Framework key")],
               top: Annotated[int, typer.Option(help="k for the top-k overlap")] = 5,
               paths: Annotated[int, typer.Option(help="Paths per project for the simulated "
                                                       "criteria")] = 2000,
               json: JsonOpt = False) -> None:
    """Both sides' rankings side by side, and how far apart they are."""
    r = svc.prioritise(_engine(), framework, top_k=top, paths=paths)
    c = r.comparison
    rows = sorted(r.names, key=lambda p: c.us.ranks[p])
    if json:
        render.emit_json({
            "framework": r.framework, "kendall_tau": c.tau, "top_k": c.top_k,
            "top_k_overlap": c.top_overlap,
            "projects": [{"id": p, "name": r.names[p], "us_rank": c.us.ranks[p],
                          "partner_rank": c.partner.ranks[p], "us_score": c.us.scores[p],
                          "partner_score": c.partner.scores[p],
                          "drivers": [{"criterion": k, "us_minus_partner": v}
                                      for k, v in c.drivers[p]],
                          "missing_us": list(c.us.missing[p]),
                          "missing_partner": list(c.partner.missing[p])} for p in rows]})
        return
    render.table(f"{r.framework}: priorities (US order)",
                 ["US", "partner", "id", "project", "US score", "partner score", "drivers"],
                 [(c.us.ranks[p], c.partner.ranks[p], p, r.names[p][:60],
                   f"{c.us.scores[p]:.3f}", f"{c.partner.scores[p]:.3f}",
                   ", ".join(f"{k} {v:+.3f}" for k, v in c.drivers[p]))
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


def _solution_json(sol: Any) -> dict[str, Any]:
    return {"selected": list(sol.selected), "cost": sol.cost, "u_us": sol.u_us,
            "u_partner": sol.u_partner, "objective": sol.objective, "status": sol.status,
            "gap": sol.gap}


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
    """Choose a first batch exactly (HiGHS MILP) for one side or a compromise."""
    from pledge.analytics.selection import pareto_frontier, solve

    try:
        obj = Objective(objective.strip().lower())
    except ValueError:
        raise InvalidInput.single("objective", objective, "batch.unknown_objective",
                                  "one of: us, partner, maxmin, nash") from None
    if (input is None) == (framework is None):
        raise InvalidInput.single("input", None, "input.missing",
                                  "give --input INSTANCE.json or --framework F")
    if input is not None:
        try:
            doc = jsonlib.loads(read_text(input, "input"))
        except jsonlib.JSONDecodeError as exc:
            raise InvalidInput.single("input", f"line {exc.lineno} column {exc.colno}",
                                      "batch.bad_json", exc.msg) from None
        instance = instance_from_document(doc)
    else:
        stored = svc.batch_instance(
            _engine(), framework or "", budget=svc.usd_amount(budget, "budget")
            if budget else None, sector_max_count=_pairs(sector_max, "sector_max"),
            sector_min_count=_pairs(sector_min, "sector_min"), max_per_sponsor=max_per_sponsor,
            must_include=must_include or [], exclude=exclude or [])
        instance = stored.instance
    if pareto:
        points = pareto_frontier(instance)
        if json:
            render.emit_json([_solution_json(p) for p in points])
            return
        render.table("Pareto frontier", ["U_us", "U_partner", "cost", "selected"],
                     [(f"{p.u_us:.4f}", f"{p.u_partner:.4f}", render.usd(p.cost),
                       ", ".join(p.selected)) for p in points])
        return
    sol = solve(instance, obj, time_limit=time_limit)
    if json:
        render.emit_json(_solution_json(sol))
        return
    render.pairs(f"Batch ({obj.value})", [
        ("selected", ", ".join(sol.selected) or "none"), ("cost", render.usd(sol.cost)),
        ("budget", render.usd(instance.budget)), ("U_us", f"{sol.u_us:.4f}"),
        ("U_partner", f"{sol.u_partner:.4f}"), ("objective", f"{sol.objective:.6f}"),
        ("status", f"{sol.status} (gap {sol.gap:.2e})")])


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
    """The partner's expected cost of funding a selected project against declining it."""
    r = svc.decline_advice(_engine(), id, paths=paths, probability=probability,
                           duration_years=duration, incidence=incidence,
                           funding_cost=funding_cost,
                           exports=exports or None)
    a, x = r.advice, r.inputs
    if json:
        render.emit_json({
            "project_id": r.project_id, "advice": a.advice, "cost_fund": a.cost_fund,
            "cost_decline": a.cost_decline, "break_even_probability": a.break_even_probability,
            "inputs": {"pv_funding": x.pv_funding, "pv_distributions": x.pv_distributions,
                       "exports": x.exports, "tariff_increase": x.tariff_increase,
                       "duration_years": x.duration_years, "probability": x.probability,
                       "incidence": x.incidence, "funding_cost": r.funding_cost},
            "sensitivity": r.sensitivity, "sources": r.sources})
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


"""Economics commands: the exact waterfall of one case, project cash flows, simulation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import JsonOpt, me, read_text
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pledge.models import economics as m
    from pledge.services import simulation as sim

economics_app = typer.Typer(no_args_is_help=True, help="Project economics: the cash-flow model.\n\n"
                            "\b\nExample:\n  pledge economics show 24")


def _cents(v: Decimal) -> Decimal:
    return v.quantize(Decimal("0.01"))


def waterfall(input: Annotated[Path | None, typer.Option(
                  "--input", help="CSV: period,funding,distributable")] = None,
              project: Annotated[str | None, typer.Option(
                  "--project", help="Instead of a CSV: a project's base case")] = None,
              framework: Annotated[str, typer.Option(help="Framework whose split applies")
                                   ] = "japan",
              deemed_rate: Annotated[str | None, typer.Option(
                  "--deemed-rate", help="Annual deemed rate, e.g. 0.06 or 6%")] = None,
              periods_per_year: Annotated[int | None, typer.Option(
                  "--periods-per-year", help="Periods a year (default 4)")] = None,
              pre_split: Annotated[str | None, typer.Option(
                  "--pre-split", help="Partner's share before recovery")] = None,
              post_split: Annotated[str | None, typer.Option(
                  "--post-split", help="Partner's share after recovery")] = None,
              json: JsonOpt = False) -> None:
    """Split one case's cash exactly.

    Split one case's cash exactly (Decimal) and report the partner's returns.

    \b
    Examples:
      pledge waterfall --input examples/waterfall_case.csv
      pledge waterfall --project 24 --deemed-rate 6%
    """
    from pledge.cli import state
    from pledge.models import economics as m
    from pledge.services import economics as svc
    try:
        engine = state.engine()
    except Exception:  # the split needs only the shipped terms when no database is usable
        engine = None
    if (input is None) == (project is None):
        raise InvalidInput.single("input", None, "input.missing",
                                  "give --input FILE.csv or --project ID")
    if project is not None:
        from pledge.services.simulation import project_waterfall
        rep = project_waterfall(state.engine(), project, deemed_rate=deemed_rate)
    else:
        assert input is not None
        rep = svc.waterfall_from_csv(engine, read_text(input, "input"),
                                     framework=framework, deemed_rate=deemed_rate,
                                     periods_per_year=periods_per_year, pre_split=pre_split,
                                     post_split=post_split)
    r = rep.result
    if json:
        render.emit_json(m.Waterfall.of(rep).document())
        return
    render.table("Waterfall", ["period", "funding", "distributable", "partner", "US",
                               "balance"],
                 [(p.period, f"{_cents(p.funding):,}", f"{_cents(p.distributable):,}",
                   f"{_cents(p.partner):,}", f"{_cents(p.us):,}", f"{_cents(p.balance):,}")
                  for p in r.periods],
                 justify_right=["funding", "distributable", "partner", "US", "balance"])
    irr = "none (no rate solves it)" if rep.partner_irr is None else f"{rep.partner_irr:.4%}"
    moic = "—" if rep.partner_moic is None else f"{rep.partner_moic:.4f}x"
    recoup = "not recouped" if r.recoup_period is None else f"recouped in period " \
        f"{r.recoup_period}"
    render.console.print(
        f"partner {_cents(r.partner_total):,} / US {_cents(r.us_total):,}; {recoup}; "
        f"partner IRR {irr}; MOIC {moic} (deemed rate {rep.terms.deemed_rate:%}, "
        f"{rep.terms.periods_per_year}/yr, split {rep.terms.pre_share}/{rep.terms.post_share})")


def _model_rows(e: sim.ProjectEconomics) -> list[tuple[str, object, str, str]]:
    from pledge.services.project_models import PARAMETER_UNITS

    return [(k, v, PARAMETER_UNITS.get(k, ""), e.sources.get(k, "")) for k, v in
            e.model.as_dict().items()]


def _show(e: sim.ProjectEconomics) -> None:
    """The project's model for people: drivers, unit economics, then every parameter."""
    from pledge.domain.drivers import KIND_WORDS, Kind

    render.console.print(f"Project {e.project_id}: {e.name} ({e.sector}); model: "
                         f"{KIND_WORDS[Kind(e.kind)]}", markup=False, highlight=False)
    if e.note:
        render.console.print(e.note, markup=False, highlight=False)
    if e.drivers:
        render.table("Drivers", ["driver", "value", "unit", "source"],
                     [(k, f"{d.value}", d.unit, d.source) for k, d in e.drivers.items()])
    if e.units:
        render.table("Implied unit economics (a year at full output, base-year US$)",
                     ["figure", "value", "unit"],
                     [(u.name, f"{u.value:,.2f}", u.unit) for u in e.units],
                     justify_right=["value"])
    render.table("Cash-flow parameters", ["parameter", "value", "unit", "from"],
                 _model_rows(e))


@economics_app.command("show")
def economics_show(id: Annotated[str, typer.Argument(help="Project id")],
                   json: JsonOpt = False) -> None:
    """A project's model, drivers and sources.

    The project's model: its type's drivers with units and sources, the unit
    economics they imply (US$/MWh, US$/bbl, revenue per dollar of capex) and every
    cash-flow parameter with where it comes from.

    \b
    Example:
      pledge economics show 24
    """
    from pledge.cli import state
    from pledge.models import economics as m
    from pledge.services import simulation as sim
    e = sim.get_economics(state.engine(), id)
    if json:
        render.emit_json(m.Economics.of(e).document())
        return
    _show(e)


@economics_app.command("set")
def economics_set(id: Annotated[str, typer.Argument(help="Project id")],
                  values: Annotated[list[str], typer.Argument(help="NAME=VALUE ...")],
                  idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Change a project's drivers or parameters.

    Change the project's drivers (capacity_mw, gas_price, tariff, ...), its model
    (model=generic|gas_power|nuclear|terminal|manufacturing) or cash-flow parameters;
    stored with the project and audited.

    \b
    Example:
      pledge economics set 24 gas_price=3.5 construction_years=4
    """
    from pledge.cli import state
    from pledge.models import economics as m
    from pledge.services import simulation as sim
    from pledge.services.frameworks import parse_assignments
    engine, who = state.engine(), me()
    ran = once(engine, who, idempotency_key,
               lambda: sim.set_economics(engine, id, parse_assignments(values), who),
               lambda e: m.Economics.of(e).document())
    if json:
        render.emit_json(ran.json())
    elif (e := ran.value) is not None:
        _show(e)


@economics_app.command("sensitivity")
def economics_sensitivity(
        id: Annotated[str, typer.Argument(help="Project id")],
        discount_rate: Annotated[str | None, typer.Option(
            "--discount-rate", help="Annual rate of the present values (default: the "
            "deemed rate in force), e.g. 4%")] = None,
        deemed_rate: Annotated[str | None, typer.Option(
            "--deemed-rate", help="Override the framework's deemed rate")] = None,
        sweep: Annotated[str | None, typer.Option(
            "--sweep", help="Run this driver or parameter through a range instead "
            "(a scenario sweep), e.g. power_price")] = None,
        low: Annotated[str | None, typer.Option(
            "--from", help="The sweep's first value (default: the tornado's low)")] = None,
        high: Annotated[str | None, typer.Option(
            "--to", help="The sweep's last value (default: the tornado's high)")] = None,
        steps: Annotated[int, typer.Option(
            "--steps", help="Values the sweep runs, ends included (2-41)")] = 9,
        json: JsonOpt = False) -> None:
    """Tornado: each driver moved down and up.

    Each driver (and the main cash-flow parameters) moved down and up by a stated share
    of its value, the rest held: the partner's IRR, the present value of its net cash and
    its recoup year for each, largest IRR swing first. With --sweep, one of them run
    through evenly spaced values instead (--from, --to, --steps).

    \b
    Example:
      pledge economics sensitivity 24 --discount-rate 4%
      pledge economics sensitivity 24 --sweep gas_price --from 2 --to 6 --steps 5
    """
    from pledge.cli import state
    from pledge.models import economics as m
    from pledge.services import sensitivity as sv
    if sweep is not None:
        _print_sweep(sv.sweep(state.engine(), id, sweep, low=low, high=high, steps=steps,
                              discount_rate=discount_rate, deemed_rate=deemed_rate), json)
        return
    t = sv.sensitivity(state.engine(), id, discount_rate=discount_rate,
                       deemed_rate=deemed_rate)
    if json:
        render.emit_json(m.Sensitivity.of(sv.tornado_document(t)).document())
        return

    def irr(v: float | None) -> str:
        return "—" if v is None else f"{v:.2%}"

    def years(v: float | None) -> str:
        return "never" if v is None else f"{v:.1f}"

    b = t.base
    render.console.print(
        f"Project {t.project_id}: {t.name} ({t.kind} model). Base case: partner IRR "
        f"{irr(b.irr)}, NPV {render.approx_usd(float(b.npv))} at {t.discount_rate:.2%} "
        f"({t.discount_basis}), "
        + ("never recovered." if b.recoup_years is None else
           f"recovered after {b.recoup_years:.1f} years."),
        markup=False, highlight=False)
    render.table("Sensitivity (largest IRR swing first)",
                 ["moved", "base", "low / high", "IRR low / high", "NPV low / high",
                  "recovered (years) low / high"],
                 [(f"{x.name} ({x.unit}) ±{x.swing:.0%}" if x.unit else
                   f"{x.name} ±{x.swing:.0%}", x.base, f"{x.low} / {x.high}",
                   f"{irr(x.low_outcome.irr)} / {irr(x.high_outcome.irr)}",
                   f"{render.approx_usd(float(x.low_outcome.npv))} / "
                   f"{render.approx_usd(float(x.high_outcome.npv))}",
                   f"{years(x.low_outcome.recoup_years)} / "
                   f"{years(x.high_outcome.recoup_years)}") for x in t.bars])


def _irr_text(v: float | None) -> str:
    return "—" if v is None else f"{v:.2%}"


def _years_text(v: float | None) -> str:
    return "never" if v is None else f"{v:.1f}"


def _print_sweep(s: Any, json: bool) -> None:
    """A scenario sweep (``services.sensitivity.Sweep``) as JSON or a table."""
    from pledge.models import economics as m
    from pledge.services import sensitivity as sv
    if json:
        render.emit_json(m.SensitivitySweep.of(sv.sweep_document(s)).document())
        return
    unit = f" ({s.unit})" if s.unit else ""
    render.console.print(
        f"Project {s.project_id}: {s.name} ({s.kind} model). {s.moved}{unit} from "
        f"{s.points[0][0]} to {s.points[-1][0]} (base {s.base}), the rest held; present "
        f"values at {s.discount_rate:.2%} ({s.discount_basis}).", markup=False,
        highlight=False)
    render.table(f"Sweep of {s.moved}", [s.moved, "partner IRR", "NPV",
                                         "recovered (years)"],
                 [(v, _irr_text(o.irr), render.approx_usd(float(o.npv)),
                   _years_text(o.recoup_years)) for v, o in s.points])


@economics_app.command("cashflows")
def cashflows(id: Annotated[str, typer.Argument(help="Project id")],
              json: JsonOpt = False) -> None:
    """A project's base case as CSV.

    The base case as CSV (period,funding,distributable), ready for `pledge waterfall`.

    \b
    Example:
      pledge economics cashflows 24 > case.csv
    """
    from pledge.cli import state
    from pledge.models import economics as m
    from pledge.services import simulation as sim
    _, f, d, _terms = sim.base_case(state.engine(), id)
    if json:
        render.emit_json([m.CashflowPeriod(period=t, funding=a, distributable=b).document()
                          for t, (a, b) in enumerate(zip(f, d, strict=True))])
        return
    lines = ["period,funding,distributable"] + [f"{t},{a},{b}" for t, (a, b)
                                                in enumerate(zip(f, d, strict=True))]
    render.console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def _summary(summary: Any, extra: dict[str, object]) -> m.Simulation:
    """The API's simulation summary, its expected money as the float estimates
    ``pledge simulate --json`` has always printed."""
    from pledge.models import economics as m
    from pledge.services import simulation as sim
    return m.Simulation.of({
        **sim.summary_document(summary, extra), "us_expected_take": summary.us_expected_take,
        "partner_expected_take": summary.partner_expected_take,
        "expected_funding": summary.expected_funding})


def simulate(id: Annotated[str | None, typer.Argument(help="Project id")] = None,
             paths: Annotated[int, typer.Option(help="Number of paths")] = 10_000,
             seed: Annotated[int, typer.Option(help="Random seed")] = 0,
             framework: Annotated[str | None, typer.Option(help="With --portfolio")] = None,
             portfolio: Annotated[bool, typer.Option(
                 "--portfolio", help="Every selected, notified and funded project")] = False,
             deemed_rate: Annotated[str | None, typer.Option(
                 "--deemed-rate", help="Override the framework's deemed rate")] = None,
             discount_rate: Annotated[str | None, typer.Option(
                 "--discount-rate", help="Annual rate of the present values (default: the "
                 "deemed rate in force), e.g. 5%")] = None,
             dask: Annotated[str | None, typer.Option(
                 "--dask", help="'local' or a scheduler address tcp://HOST:PORT")] = None,
             json: JsonOpt = False) -> None:
    """Monte Carlo of the partner's recovery.

    Monte Carlo: will the partner recover its deemed allocation, and what does each side get?
    Each probability and mean comes with its standard error and 95% interval (Wilson's
    for probabilities, normal for means); IRR percentiles count total losses as -100%.

    \b
    Examples:
      pledge simulate 24 --paths 2000 --seed 1
      pledge simulate --portfolio --framework japan
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from pledge.cli import state
    from pledge.services import simulation as sim
    if portfolio == (id is not None):
        raise InvalidInput.single("id", id, "input.missing",
                                  "give a project id, or --framework F --portfolio")
    if portfolio and not framework:
        raise InvalidInput.single("framework", None, "input.missing",
                                  "--portfolio needs --framework")
    spec, extra = sim.simulation_spec(state.engine(), project_id=id,
                                      framework=framework if portfolio else None,
                                      paths=paths, seed=seed, deemed_rate=deemed_rate,
                                      discount_rate=discount_rate)
    with Progress(TextColumn("simulating"), BarColumn(), TextColumn("{task.completed:,}/"
                                                                    "{task.total:,} paths"),
                  TimeRemainingColumn(), console=render.err_console, transient=True,
                  disable=paths <= 20_000) as bar:
        task = bar.add_task("paths", total=paths)
        summary, _ = sim.simulate(spec, dask=dask,
                                  progress=lambda k: bar.advance(task, k))
    doc = _summary(summary, extra)
    if json:
        render.emit_json(doc.document())
        return

    def pct(x: object) -> str:
        return "—" if x is None else f"{float(x):.2%}"  # type: ignore[arg-type]  # a number or None, checked first

    def usd(x: float) -> str:
        return render.approx_usd(x).removeprefix("≈ ")

    irr = doc.partner_irr.model_dump()
    rec = doc.recoup_years.model_dump()
    render.pairs(f"Simulation of {paths:,} paths (seed {seed})", [
        (_recovers_label(summary.recover_definition),
         _with_error(summary, "prob_recover", pct)),
        *_portfolio_rows(summary, pct),
        ("partner IRR p5 / p50 / p95 (total losses at -100%)",
         f"{pct(irr['p5'])} / {pct(irr['p50'])} / {pct(irr['p95'])}"),
        ("paths with no IRR", _with_error(summary, "irr_none_share", pct)),
        ("paths where the partner gets nothing back",
         _with_error(summary, "irr_total_loss_share", pct)),
        ("expected MOIC", "—" if summary.expected_moic is None
         else _with_error(summary, "expected_moic", lambda x: f"{float(x):.3f}x")),
        ("recoup (years) p5 / p50 / p95", " / ".join(
            "—" if rec[k] is None else f"{rec[k]:.1f}" for k in ("p5", "p50", "p95"))),
        ("expected funding (undiscounted)",
         _with_error(summary, "expected_funding", usd)),
        ("expected partner take (undiscounted)",
         _with_error(summary, "partner_expected_take", usd)),
        ("expected US take (undiscounted)",
         _with_error(summary, "us_expected_take", usd)),
        (f"present values at {summary.discount_rate:.2%} a year ({extra['discount_basis']})",
         ""),
        ("  partner's expected receipts, PV",
         _with_error(summary, "partner_expected_pv", usd)),
        ("  partner's expected funding, PV",
         _with_error(summary, "expected_funding_pv", usd)),
    ])
    render.console.print("± one standard error; [..] the 95% interval (Wilson for "
                         "probabilities, normal for means).", markup=False, highlight=False)


def _recovers_label(definition: str) -> str:
    from pledge.services.simulation import RECOVERS_WORDS
    return RECOVERS_WORDS.get(definition, RECOVERS_WORDS["project"])


def _with_error(summary: Any, key: str, fmt: Callable[[Any], str]) -> str:
    """A figure, its standard error and its 95% interval in one line."""
    e = summary.estimates.get(key)
    if e is None or e.value != e.value:
        return "—"
    if e.se != e.se:
        return fmt(e.value)
    return f"{fmt(e.value)} ± {fmt(e.se)} [{fmt(e.low)}, {fmt(e.high)}]"


def _portfolio_rows(summary: Any, pct: Callable[[Any], str]) -> list[tuple[str, str]]:
    """The portfolio's other readings of "recovers" (none for a single project)."""
    if summary.recover_definition == "project":
        return []
    rows = [("  … on at least one project", _with_error(summary, "prob_recover_any", pct))]
    if summary.recover_definition == "every project":
        rows.append(("  … on the pooled cash (one waterfall over the sum)",
                     _with_error(summary, "prob_recover_pooled", pct)))
    return [r for r in rows if r[1] != "—"]


def register(app: typer.Typer) -> None:
    app.command("waterfall")(waterfall)
    app.command("simulate")(simulate)
    app.add_typer(economics_app, name="economics")

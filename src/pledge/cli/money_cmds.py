"""``pledge money ...``: parse amounts, convert them at a date, load rates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import JsonOpt, OnOpt, day, me, read_text
from pledge.domain.money import format_amount, format_range, format_rate

if TYPE_CHECKING:
    from sqlalchemy import Engine

STALE_DAYS = 90
money_app = typer.Typer(no_args_is_help=True, help="Amounts, currencies and rates.\n\n"
                        "\b\nExample:\n  pledge money parse 'US$1.2bn'")


# "-$5 billion" is an amount (a bad one), not an option
_AMOUNT_ARGS = {"ignore_unknown_options": True}


@money_app.command("parse", context_settings=_AMOUNT_ARGS)
def parse(text: Annotated[str, typer.Argument(help="e.g. '6 to 7 trillion yen'")],
          json: JsonOpt = False) -> None:
    """Parse an amount or range as people write it.

    \b
    Example:
      pledge money parse '6 to 7 trillion yen'
    """
    # the rule itself (what ``services.money.parse`` calls): parsing needs no database
    from pledge.domain.money import parse_amount
    r = parse_amount(text)
    if json:
        render.emit_json({"low": r.low, "high": r.high, "currency": r.currency})
        return
    bounds = ", ".join(
        f"{name} {'open' if v is None else format_amount(v, r.currency, short=False)}"
        for name, v in (("low", r.low), ("high", r.high)))
    render.console.print(f"{format_range(r)}  ({bounds})", markup=False)


def _engine_or_none() -> Engine | None:
    from pledge.cli import state
    try:
        return state.engine()
    except Exception:  # conversion works on the shipped rates without a database
        return None


@money_app.command("convert", context_settings=_AMOUNT_ARGS)
def convert(text: Annotated[str, typer.Argument(help="Amount or range")],
            to: Annotated[str, typer.Option("--to", help="Target currency, e.g. USD")],
            on: OnOpt, json: JsonOpt = False) -> None:
    """Convert at the rate in force on a date.

    Convert at the latest rate on or before a date (never a guess).

    \b
    Example:
      pledge money convert '5.2兆円' --to USD --on 2026-02-17
    """
    from pledge.services import money as svc
    when = day(on, "on")
    result = svc.convert(_engine_or_none(), text, to, when)
    c = result.conversion
    age = (when - c.rate_date).days
    if age > STALE_DAYS:
        render.err_console.print(f"warning: the latest rate on or before {when} is {age} days "
                                 f"old ({c.rate_date})")
    if json:
        render.emit_json({"low": c.result.low, "high": c.result.high,
                          "currency": c.result.currency, "rate": c.rate,
                          "rate_date": c.rate_date, "rate_age_days": age, "source": c.source,
                          "from": {"low": result.original.low, "high": result.original.high,
                                   "currency": result.original.currency}})
        return
    shown = format_range(c.result, digits=4)
    exact = shown == format_range(c.result)
    render.console.print(f"{format_range(result.original)} {'=' if exact else '≈'} {shown}  "
                         f"(1 {result.original.currency} = {format_rate(c.rate)} "
                         f"{c.result.currency} on {c.rate_date}; {c.source})", markup=False)


rates_app = typer.Typer(no_args_is_help=True, help="Exchange rates.\n\n"
                        "\b\nExample:\n  pledge money rates list")
money_app.add_typer(rates_app, name="rates")


@rates_app.command("load")
def load(file: Annotated[Path, typer.Argument(help="CSV: date,base,quote,rate,source,note")],
         idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Load your own exchange rates from CSV.

    Load your own rates (they take precedence over the shipped ones on the same date).

    \b
    Example:
      pledge money rates load my_rates.csv
    """
    from pledge.cli import state
    from pledge.services import money as svc
    text, engine = read_text(file), state.engine()
    who = me()
    ran = once(engine, who, idempotency_key, lambda: svc.load_rates(engine, text, who),
               lambda n: {"loaded": n})
    if json:
        render.emit_json(ran.json())
    elif ran.value is not None:
        render.console.print(f"loaded {ran.value} rates")


@rates_app.command("list")
def list_(json: JsonOpt = False) -> None:
    """List the exchange rates in force.

    List the rates in force: shipped reference points and your own.

    \b
    Example:
      pledge money rates list
    """
    from pledge.cli import state
    from pledge.services import money as svc
    rates = svc.rate_table(state.engine()).rates
    if json:
        render.emit_json([{"date": r.on, "base": r.base, "quote": r.quote, "rate": r.rate,
                           "source": r.source, "note": r.note} for r in rates])
        return
    render.table(f"{len(rates)} rates", ["date", "pair", "rate", "source"],
                 [(r.on, f"{r.base}/{r.quote}", r.rate, r.source) for r in rates],
                 justify_right=["rate"])


def register(app: typer.Typer) -> None:
    app.add_typer(money_app, name="money")

"""Use cases on amounts: parse, convert at a date, load a user's rate table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.resources import files

from sqlalchemy import Connection, Engine, select

from pledge.domain.access import Action
from pledge.domain.fx import Conversion, Rate, RateTable, parse_rates_csv
from pledge.domain.money import MoneyRange, parse_amount
from pledge.services.base import Actor, audit, permit
from pledge.store import tables as t
from pledge.store.db import transaction


def parse(text: str) -> MoneyRange:
    """An amount or range as people write it (see ``domain.money.parse_amount``)."""
    return parse_amount(text)


def shipped_rates() -> list[Rate]:
    """The reference rates shipped in ``pledge/data/fx_rates.csv``, each with its source."""
    text = (files("pledge") / "data" / "fx_rates.csv").read_text(encoding="utf-8")
    return parse_rates_csv(text)


def rate_table_in(session: Connection) -> RateTable:
    """The shipped rates merged with the rates users loaded, read inside ``session``."""
    table = RateTable(shipped_rates())
    user = [Rate(r.on, r.base, r.quote, r.rate, r.source, r.note)
            for r in session.execute(select(t.fx_rates).order_by(t.fx_rates.c.id))]
    return table.merged(user) if user else table


def rate_table(engine: Engine | None) -> RateTable:
    """The shipped rates merged with the rates users loaded into the database."""
    if engine is None:
        return RateTable(shipped_rates())
    with transaction(engine) as s:
        return rate_table_in(s)


@dataclass(frozen=True, slots=True)
class Converted:
    original: MoneyRange
    conversion: Conversion


def convert(engine: Engine | None, text: str, to: str, on: date) -> Converted:
    """``text`` converted to ``to`` at the latest rate on or before ``on``; never a guess."""
    original = parse_amount(text)
    return Converted(original, rate_table(engine).convert(original, to.strip().upper(), on))


def load_rates(engine: Engine, csv_text: str, actor: Actor) -> int:
    """Store a user's rates (replacing any on the same date and pair); returns how many."""
    permit(actor, Action.ADMIN)
    rates = parse_rates_csv(csv_text)
    with transaction(engine) as s:
        for r in rates:
            s.execute(t.fx_rates.delete().where(t.fx_rates.c.on == r.on,
                                                t.fx_rates.c.base == r.base,
                                                t.fx_rates.c.quote == r.quote))
            s.execute(t.fx_rates.insert().values(on=r.on, base=r.base, quote=r.quote,
                                                 rate=r.rate, source=r.source, note=r.note))
        audit(s, actor, "fx.load", "fx_rates", len(rates), after={"count": len(rates)})
    return len(rates)

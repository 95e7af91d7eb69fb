"""The books of a project: its capital account statement, and distributions split by the rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import ActorOpt, JsonOpt, OnOpt, RoleOpt, acting, day

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _engine() -> Engine:
    from pledge.cli import state
    return state.engine()


def _money(value: object) -> str:
    return render.usd(value, short=False)  # type: ignore[arg-type]  # callers pass a Decimal or None


def statement(id: Annotated[str, typer.Argument(help="Project id")],
              as_of: Annotated[str | None, typer.Option(
                  "--as-of", help="Date of the statement, YYYY-MM-DD (default: today)")] = None,
              xlsx: Annotated[Path | None, typer.Option(
                  "--xlsx", help="Also write the statement as an XLSX workbook to this file",
                  show_default=False)] = None,
              json: JsonOpt = False) -> None:
    """The partner's capital account in a project.

    The partner's capital account in a project: contributions, deemed interest,
    distributions to each side, the balance still owed, recovery, realised IRR and MOIC.

    \b
    Example:
      pledge statement 25 --as-of 2026-12-31
    """
    from pledge.models.books import Statement
    from pledge.services import capital as svc
    st = svc.statement(_engine(), id, day(as_of, "as_of"))
    if xlsx is not None:
        from pledge.services.exports import write_atomic
        data = svc.statement_xlsx(st)
        write_atomic(xlsx, data)
        render.err_console.print(f"wrote the statement to {xlsx} ({len(data):,} bytes)")
    if json:
        render.emit_json(Statement.of(st).document())
        return
    a = st.account
    render.table(f"Project {st.project_id}: {st.name} — capital account of {st.partner} on "
                 f"{a.as_of.isoformat()}",
                 ["on", "movement", "amount", st.partner, "United States", "balance owed"],
                 [(ln.on.isoformat(),
                   ln.kind.value + (f" ({ln.instrument}, {ln.provider})" if ln.instrument
                                    else f" ({ln.phase.value})" if ln.phase else ""),
                   _money(ln.amount), _money(ln.partner) if ln.partner else "",
                   _money(ln.us) if ln.us else "", _money(ln.balance_after))
                  for ln in a.lines],
                 justify_right=["amount", st.partner, "United States", "balance owed"])
    irr = "—" if a.partner_irr is None else f"{a.partner_irr:.2%}"
    moic = "—" if a.partner_moic is None else f"{a.partner_moic:.4f}x"
    render.pairs("Statement", [
        ("contributed (cash)", _money(a.contributed) + "".join(
            f"; {k} {_money(v)}" for k, v in sorted(a.by_instrument.items()))),
        ("guarantees (contingent, not cash: outside the account)",
         _money(sum((g.amount for g in st.guarantees), Decimal(0)))),
        ("deemed interest", _money(a.deemed_interest)),
        (f"distributed to {st.partner}", _money(a.partner_distributions)),
        ("distributed to the United States", _money(a.us_distributions)),
        ("balance owed to the partner", _money(a.balance)),
        ("recouped", "not yet" if a.recouped_on is None else f"on {a.recouped_on}"),
        ("partner IRR (realised) / MOIC", f"{irr} / {moic}"),
        ("convention", a.terms.convention),
    ])


def distribute(id: Annotated[str, typer.Argument(help="Project id")],
               on: OnOpt,
               amount: Annotated[str | None, typer.Option(
                   help="Cash the SPV distributed, US dollars; the rule splits it")] = None,
               partner: Annotated[str | None, typer.Option(
                   help="Partner's share (accepted only when it is the rule's split)")
                   ] = None,
               us: Annotated[str | None, typer.Option(
                   "--us", help="US share (accepted only when it is the rule's split)")
                   ] = None,
               actor: ActorOpt = None, role: RoleOpt = None,
               idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Record cash a project's SPV distributed.

    Record cash a project's SPV distributed, split by the rule from the capital account
    on that date: 50/50 until the partner's balance is recovered (switching inside the
    distribution that crosses), then 90/10 (every share a framework setting).

    \b
    Example:
      pledge distribute 25 --on 2026-09-30 --amount 'US$50m'
    """
    from pledge.models.books import distribution_document
    from pledge.services import capital as svc
    who, engine, when = acting(actor, role), _engine(), day(on, "on")
    ran = once(engine, who, idempotency_key, lambda: svc.distribute(
        engine, id, when, who, amount=amount, partner=partner, us=us),
        distribution_document)
    if json:
        render.emit_json(ran.json())
    elif (r := ran.value) is not None:
        render.console.print(
            f"recorded a distribution of {_money(r.amount)} for project {r.project} on "
            f"{r.on}: partner {_money(r.partner)}, United States {_money(r.us)} "
            f"({r.phase.value}); balance owed {_money(r.balance_before)} -> "
            f"{_money(r.balance_after)}")


def register(app: typer.Typer) -> None:
    app.command("statement")(statement)
    app.command("distribute")(distribute)

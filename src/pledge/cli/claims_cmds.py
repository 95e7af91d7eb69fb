"""``pledge review claims`` and ``pledge review tranches``: what the news says beyond costs
and stages, as recorded (term claims beside the terms in force; tranches)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledge.cli import render
from pledge.cli.options import JsonOpt

if TYPE_CHECKING:
    from pledge.services import news as svc


def _engine() -> Any:
    from pledge.cli import state
    return state.engine()


def claims(framework: Annotated[str, typer.Argument(help="Framework key, e.g. japan")],
           json: JsonOpt = False) -> None:
    """Term claims from news beside the terms.

    What sources say a framework's terms are (window, tariff, split), each beside the
    term in force on its date and whether they agree. A claim never amends the terms.

    \b
    Example:
      pledge review claims japan
    """
    from pledge.services import claims as claims_svc
    rows = claims_svc.term_claims(_engine(), framework)
    if json:
        render.emit_json([c.record() for c in rows])
        return
    claims_table(framework, rows)


def claims_beside(engine: Any, framework: str) -> None:
    """After a framework's terms (``pledge frameworks show``): the claims about them, if any."""
    from pledge.services import claims as claims_svc
    if rows := claims_svc.term_claims(engine, framework):
        claims_table(framework, rows)


def claims_table(framework: str, rows: list[Any]) -> None:
    """The claims about a framework's terms, each beside the term in force on its date
    (``pledge review claims``, and after the terms in ``pledge frameworks show``)."""
    render.table(f"{render.plural(len(rows), 'claim')} about the terms of {framework} "
                 "(the terms are unchanged)",
                 ["setting", "claimed", "terms in force", "agrees", "as of", "source"],
                 [(name, render.setting_text(name, value),
                   "—" if c.terms.get(name) is None else render.setting_text(name, c.terms[name]),
                   {True: "yes", False: "NO", None: "—"}[c.agrees.get(name)],
                   c.as_of.isoformat(), c.source)
                  for c in rows for name, value in c.settings.items()])


def tranches(project: Annotated[str | None, typer.Option(
                 "--project", help="Only this project's tranches (id)", show_default=False)
             ] = None,
             framework: Annotated[str | None, typer.Option(
                 "--framework", help="Only this framework's (its programme's and its "
                                     "projects')", show_default=False)] = None,
             json: JsonOpt = False) -> None:
    """List recorded tranches and phases.

    Tranches (phases) sources give, of a project or of a framework's programme, each with
    its amount as written and its source.

    \b
    Example:
      pledge review tranches --framework japan
    """
    from pledge.services import claims as claims_svc
    rows = claims_svc.list_tranches(_engine(), project_id=project, framework=framework)
    if json:
        render.emit_json([v.record() for v in rows])
        return
    render.table(f"{render.plural(len(rows), 'tranche')}",
                 ["id", "framework", "project", "tranche", "no.", "amount", "as of", "source"],
                 [(v.id, v.framework, v.project_id or "programme", v.label, v.ordinal or "",
                   v.amount, v.as_of.isoformat(), v.source) for v in rows])


def in_force(p: svc.ProposalView) -> str | None:
    """For a term claim: the terms in force beside it (the terms are never changed by it)."""
    if p.kind != "term_claim" or not p.payload.get("framework"):
        return None
    from pledge.services.claims import beside_terms
    terms, agrees = beside_terms(_engine(), str(p.payload["framework"]),
                                 dict(p.payload.get("settings") or {}))
    return "; ".join(f"{k} = {'—' if v is None else render.setting_text(k, v)} ("
                     f"{ {True: 'agrees', False: 'DIFFERS', None: 'not set'}[agrees[k]]})"
                     for k, v in terms.items())


def register_review(review_app: typer.Typer) -> None:
    """Add these commands to ``pledge review``."""
    review_app.command("claims")(claims)
    review_app.command("tranches")(tranches)

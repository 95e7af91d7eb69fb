"""``pledge audit verify``: recompute the audit log's and the ledger's hash chains."""

from __future__ import annotations

import typer

from pledge.cli import render
from pledge.cli.options import JsonOpt

audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident record.\n\n"
                        "\b\nExample:\n  pledge audit verify")


@audit_app.command("verify")
def verify(json: JsonOpt = False) -> None:
    """Check the audit log and ledgers are intact.

    Recompute the hash chains of the audit log and of each framework's ledger, and the
    ledger's balance. Exits 0 when the record is intact and 2 naming the first broken row
    of each chain (edited, deleted, inserted or reordered) and any unbalanced entry.

    \b
    Example:
      pledge audit verify
    """
    from pledge.cli import state
    from pledge.domain.errors import RuleViolation
    from pledge.models.audit import Verification
    from pledge.services import audit as audit_svc

    result = audit_svc.verify(state.engine())
    if json:
        render.emit_json(Verification.of(result).document())
        if not result.ok:
            raise typer.Exit(2)
        return
    render.console.print(
        f"audit log: {result.audit_rows} rows, chain "
        f"{'intact' if result.audit_intact else 'BROKEN'}"
        + (f", ends {result.audit_head}" if result.audit_head else ""))
    for x in result.ledgers:
        render.console.print(
            f"ledger {x.framework}: {x.entries} entries, {x.postings} postings, chain "
            f"{'intact' if x.intact else 'BROKEN'}, "
            f"{'balanced' if x.balanced else 'NOT BALANCED'}"
            + (f", ends {x.head}" if x.head else ""))
    if not result.ok:
        raise RuleViolation([f.problem() for f in result.problems])
    render.console.print("the record is intact")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")

"""``pledge users ...``: add users with a role (their token is printed once), revoke them."""

from __future__ import annotations

from typing import Annotated

import typer

from pledge.cli import render
from pledge.cli.options import JsonOpt
from pledge.domain.lifecycle import Role
from pledge.services import users as svc
from pledge.services.base import Actor

users_app = typer.Typer(no_args_is_help=True, help="Users, roles and API tokens.")
# Whoever runs the command line on the database's machine administers it.
LOCAL_ADMIN = Actor("pledge-cli", Role.ADMIN)


@users_app.command("add")
def add(name: Annotated[str, typer.Argument(help="User name")],
        role: Annotated[str, typer.Option(help="admin | ic | president | cc_us | cc_jp | "
                                               "funder | analyst")],
        password: Annotated[bool, typer.Option(
            "--password", help="Also generate a password for the pages")] = False,
        json: JsonOpt = False) -> None:
    """Add a user; prints their API token once (it is stored only as a hash)."""
    from pledge.cli import state
    u = svc.add_user(state.engine(), name, role, LOCAL_ADMIN, generate_password=password)
    if json:
        out: dict[str, object] = {"name": u.name, "role": u.role.value, "token": u.token}
        if u.password is not None:
            out["password"] = u.password
        render.emit_json(out)
        return
    render.console.print(f"user {u.name} ({u.role.value}); token (shown once): {u.token}")
    if u.password:
        render.console.print(f"password (shown once): {u.password}")


@users_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Revoke a user and all their tokens."""
    from pledge.cli import state
    svc.revoke_user(state.engine(), name, LOCAL_ADMIN)
    render.console.print(f"revoked {name}")


@users_app.command("list")
def list_(json: JsonOpt = False) -> None:
    """List users and their roles."""
    from pledge.cli import state
    rows = svc.list_users(state.engine())
    if json:
        render.emit_json([{"name": u.name, "role": u.role.value, "revoked": u.revoked,
                           "created_at": u.created_at} for u in rows])
        return
    render.table("Users", ["name", "role", "revoked", "created"],
                 [(u.name, u.role.value, "yes" if u.revoked else "", u.created_at)
                  for u in rows])

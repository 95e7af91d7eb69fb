"""``pledge users ...``: add users with a role (their token is printed once), revoke them,
set passwords, rotate tokens, map operating-system logins to them; ``pledge whoami``.

Each of these is done by the user the command line acts as (``services.identity``), and
only an administrator may change users.

A new token expires after ``$PLEDGE_TOKEN_DAYS`` days (90 unless set) unless
``--expires`` says otherwise (``30d``, a last valid date, or ``never``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from pledge.cli import render
from pledge.cli.once import KeyOpt, once
from pledge.cli.options import JsonOpt, me
from pledge.domain.credentials import DEFAULT_TOKEN_DAYS
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pledge.services import users as svc
    from pledge.services.base import Actor

users_app = typer.Typer(no_args_is_help=True, help="Users, roles, passwords and API tokens.\n\n"
                        "\b\nExample:\n  pledge users list")
TOKEN_DAYS_VAR = "PLEDGE_TOKEN_DAYS"

ExpiresOpt = Annotated[str | None, typer.Option(
    "--expires", help="When the token stops working: a lifetime (90d, 12w, 24h), a last "
                      f"valid date (YYYY-MM-DD) or 'never' [default: ${TOKEN_DAYS_VAR} days, "
                      f"else {DEFAULT_TOKEN_DAYS}d]", show_default=False)]


def token_days() -> int:
    """The default lifetime of a new token, in days (the setting ``PLEDGE_TOKEN_DAYS``)."""
    from pledge.cli import state
    return state.settings().token_days


def _when(value: datetime | None, none: str = "never") -> str:
    return none if value is None else value.isoformat(timespec="minutes")


@users_app.command("add")
def add(name: Annotated[str, typer.Argument(help="User name")],
        role: Annotated[str, typer.Option(help="admin | ic | president | cc_us | cc_jp | "
                                               "funder | analyst")],
        password: Annotated[bool, typer.Option(
            "--password", help="Also generate a password for the pages")] = False,
        expires: ExpiresOpt = None,
        os_user: Annotated[str | None, typer.Option(
            "--os-user", help="The operating-system login the command line recognises as "
                              "this user", show_default=False)] = None,
        json: JsonOpt = False) -> None:
    """Add a user and print their API token.

    Add a user; prints their API token once (it is stored only as a hash).

    \b
    Example:
      pledge users add alice --role analyst --expires 90d
    """
    from pledge.cli import state
    from pledge.models import users as um
    from pledge.services import users as svc
    u = svc.add_user(state.engine(), name, role, me(), generate_password=password,
                     expires=expires, os_user=os_user, default_token_days=token_days())
    if json:
        render.emit_json(um.NewUser.of(u).document())
        return
    render.console.print(f"user {u.name} ({u.role.value}); token (shown once): {u.token}; "
                         f"expires: {_when(u.token_expires_at)}")
    if u.password:
        render.console.print(f"password (shown once): {u.password}")


@users_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Revoke a user, their tokens and sessions.

    Revoke a user, all their tokens and their page sessions.

    \b
    Example:
      pledge users revoke alice
    """
    from pledge.cli import state
    from pledge.services import users as svc
    svc.revoke_user(state.engine(), name, me())
    render.console.print(f"revoked {name}")


@users_app.command("password")
def password(name: Annotated[str, typer.Argument(help="User name")],
             generate: Annotated[bool, typer.Option(
                 "--generate", help="Generate the password and print it once (otherwise "
                                    "it is asked for twice, unseen)")] = False,
             json: JsonOpt = False) -> None:
    """Set a user's password for the pages.

    Set a user's password for the pages; every page session they have open ends.

    \b
    Example:
      pledge users password alice --generate
    """
    from pledge.cli import state
    from pledge.models import users as um
    from pledge.services import users as svc
    given = None if generate else typer.prompt("New password", hide_input=True,
                                               confirmation_prompt=True)
    chosen = svc.set_password(state.engine(), name, me(), password=given,
                              generate=generate)
    if json:
        render.emit_json((um.PasswordSet(name=name, sessions_ended=True, password=chosen)
                          if generate else um.PasswordSet(name=name, sessions_ended=True)
                          ).document())
        return
    render.console.print(f"password of {name} changed; their page sessions have ended")
    if generate:
        render.console.print(f"password (shown once): {chosen}")


@users_app.command("reset-password")
def reset_password(name: Annotated[str, typer.Argument(help="User name")],
                   json: JsonOpt = False) -> None:
    """Give a user a new password.

    Give a user who lost their password a new one, generated and printed once; every
    page session they have open ends. The first administrator's too: `pledge serve`
    prints admin's password only on the first start.

    \b
    Examples:
      pledge users reset-password alice
      pledge users reset-password admin
    """
    password(name, generate=True, json=json)


@users_app.command("rotate-token")
def rotate_token(name: Annotated[str, typer.Argument(help="User name")],
                 grace: Annotated[str | None, typer.Option(
                     "--grace", help="How long the old token keeps working (such as 1h, "
                                     "2d; at most 30d) [default: it stops now]",
                     show_default=False)] = None,
                 expires: ExpiresOpt = None,
                 json: JsonOpt = False) -> None:
    """Issue a user a new API token.

    Issue a new API token (printed once); the old ones stop now or after --grace.

    \b
    Example:
      pledge users rotate-token alice --grace 1d
    """
    from pledge.cli import state
    from pledge.models import users as um
    from pledge.services import users as svc
    t = svc.rotate_token(state.engine(), name, me(), expires=expires, grace=grace,
                         default_token_days=token_days())
    if json:
        render.emit_json(um.NewToken.of(t).document())
        return
    render.console.print(f"new token for {t.name} (shown once): {t.token}; "
                         f"expires: {_when(t.expires_at)}")
    if t.old_tokens:
        render.console.print(f"{t.old_tokens} old token(s) valid until "
                             f"{_when(t.old_valid_until)}")


@users_app.command("list")
def list_(json: JsonOpt = False) -> None:
    """List users, their roles and tokens.

    List users, their roles, when their tokens expire and when one was last used.

    \b
    Example:
      pledge users list
    """
    from pledge.cli import state
    from pledge.models import documents
    from pledge.models import users as um
    from pledge.services import users as svc
    rows = svc.list_users(state.engine())
    if json:
        render.emit_json(documents(um.User.of(u) for u in rows))
        return
    render.table("Users", ["name", "role", "revoked", "created", "token expires", "last used",
                           "login"],
                 [(u.name, u.role.value, "yes" if u.revoked else "", u.created_at,
                   _expiry_cell(u), _when(u.last_used_at, "—"), u.os_user or "")
                  for u in rows])


def _expiry_cell(u: svc.UserInfo) -> str:
    if not u.tokens:
        return "—"
    if all(x.expired for x in u.tokens):
        return "expired"
    return _when(u.token_expires_at)


@users_app.command("os-user")
def os_user(name: Annotated[str, typer.Argument(help="User name")],
            login: Annotated[str | None, typer.Argument(
                help="Operating-system login (omit with --clear)", show_default=False)] = None,
            clear: Annotated[bool, typer.Option(
                "--clear", help="Remove the user's login mapping")] = False,
            idempotency_key: KeyOpt = None, json: JsonOpt = False) -> None:
    """Map an operating-system login to a user.

    Map an operating-system login to a user: the command line run by that login acts as
    the user (one user per login).

    \b
    Example:
      pledge users os-user alice asmith
    """
    from pledge.cli import state
    from pledge.models import users as um
    from pledge.services import users as svc
    if (login is None) != clear:
        raise InvalidInput.single("login", login or "", "users.os_user_or_clear",
                                  "give a login, or --clear to remove the mapping")
    engine, who = state.engine(), me()
    ran = once(engine, who, idempotency_key,
               lambda: svc.set_os_user(engine, name, login, who),
               lambda mapped: um.OsUser(name=name.strip(), os_user=mapped).document())
    if json:
        render.emit_json(ran.json())
    elif not ran.replayed:
        render.console.print(f"{name}: login {login} mapped" if login else
                             f"{name}: login mapping removed")


def whoami(json: JsonOpt = False) -> None:
    """The user this command line acts as.

    The pledge user this command line acts as, their role, and how they were identified
    (token: --user and $PLEDGE_TOKEN; os_user: your login's mapping; local: a database only
    you use).

    \b
    Example:
      pledge whoami
    """
    from pledge.cli import state
    from pledge.models import users as um
    me_ = state.identity()
    if json:
        render.emit_json(um.WhoAmI.of(me_).document())
        return
    render.console.print(f"{me_.user} ({me_.role.value}), identified by {me_.via}",
                         markup=False, highlight=False)


def __getattr__(name: str) -> Actor:
    """``LOCAL_ADMIN``: who creates the first administrator when a server starts on a
    database without users. Made on first use, so that loading the command line does not
    load the services."""
    if name == "LOCAL_ADMIN":
        from pledge.domain.lifecycle import Role
        from pledge.services.base import Actor
        return Actor("pledge-cli", Role.ADMIN)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")

"""Options shared by several commands, declared once."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledge.domain.bounds import optional_date, parse_date
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from pledge.services.base import Actor

AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", show_default=False,
    help="As recorded by the end of this day (YYYY-MM-DD): what had been recorded by "
         "then, not today's corrections")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
OnOpt = Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD")]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", help="Source URL (repeatable)")]
# Recording what someone else decided: who, and in which role. The user running the command
# stays who records it (``services.identity.on_behalf``); both are in the audit log.
ActorOpt = Annotated[str | None, typer.Option(
    help="Who decided, when you record it for someone else (default: you)",
    show_default=False)]
RoleOpt = Annotated[str | None, typer.Option(
    help="Their role: your own, or any role if you are an administrator (default: yours)",
    show_default=False)]


def os_login() -> str | None:
    """The operating-system login running the command, or None when there is none."""
    try:
        return getpass.getuser() or None
    except Exception:  # no login name in some containers
        return None


def me() -> Actor:
    """The user the command line acts as (see ``services.identity``)."""
    from pledge.cli import state
    return state.identity().actor


def acting(actor: str | None, role: str | None) -> Actor:
    """Who a change is recorded for: the user, or the actor they name (``--actor``,
    ``--role``) if they may record for that role."""
    from pledge.cli import state
    from pledge.services.identity import on_behalf
    return on_behalf(state.identity(), actor, role)


def read_text(path: Path, field: str = "file") -> str:
    """A UTF-8 text file's contents; a missing, undecodable or too large file is bad
    input."""
    try:
        return read_bytes(path, field).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.single(field, str(path), "input.encoding",
                                  "the file is not UTF-8 text") from None


def read_bytes(path: Path, field: str = "file") -> bytes:
    """A file's bytes; a missing, unreadable or too large file
    (``domain.bounds.MAX_INPUT_FILE_BYTES``) is bad input."""
    from pledge.domain import bounds
    try:
        with path.open("rb") as f:
            data = f.read(bounds.MAX_INPUT_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInput.single(field, str(path), "input.unreadable",
                                  exc.strerror or "cannot read the file") from None
    bounds.check_input_size(len(data), field, str(path))
    return data


def day(text: str | None, field: str) -> date:
    """A date option, today when not given."""
    return date.today() if not text else parse_date(text, field)


def day_or_none(text: str | None, field: str) -> date | None:
    """A date option, None when not given (``--as-of``: today's record, read as it is)."""
    return optional_date(text, field)

"""Options shared by several commands, declared once."""

from __future__ import annotations

import getpass
from datetime import date
from typing import Annotated

import typer

from pledge.services.base import Actor, parse_date

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
OnOpt = Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD")]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", help="Source URL (repeatable)")]
ActorOpt = Annotated[str, typer.Option(help="Who acts (default: your login name)")]
RoleOpt = Annotated[str, typer.Option(help="The role they act in")]


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


def actor_of(name: str, role: str) -> Actor:
    return Actor.of(default_actor() if name == "cli" else name, role)


def day(text: str | None, field: str) -> date:
    """A date option, today when not given."""
    return date.today() if not text else parse_date(text, field)

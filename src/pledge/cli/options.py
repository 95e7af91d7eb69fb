"""Options shared by several commands, declared once."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from pledge.domain.errors import InvalidInput
from pledge.services.base import Actor, parse_date

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts")]
OnOpt = Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD")]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", help="Source URL (repeatable)")]
ActorOpt = Annotated[str | None, typer.Option(help="Who acts (default: your login name)",
                                             show_default=False)]
RoleOpt = Annotated[str, typer.Option(help="The role they act in")]


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


def actor_of(name: str | None, role: str) -> Actor:
    return Actor.of(name or default_actor(), role)


def read_text(path: Path, field: str = "file") -> str:
    """A UTF-8 text file's contents; a missing or undecodable file is bad input."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.single(field, str(path), "input.encoding",
                                  "the file is not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInput.single(field, str(path), "input.unreadable",
                                  exc.strerror or "cannot read the file") from None


def read_bytes(path: Path, field: str = "file") -> bytes:
    """A file's bytes; a missing or unreadable file is bad input."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput.single(field, str(path), "input.unreadable",
                                  exc.strerror or "cannot read the file") from None


def day(text: str | None, field: str) -> date:
    """A date option, today when not given."""
    return date.today() if not text else parse_date(text, field)

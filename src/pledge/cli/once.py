"""``--idempotency-key`` on every command that changes data.

Each such command runs its service call through ``once`` with a key: the one given,
or a new random one (a UUID) per run. The command, its options and arguments (files by
their contents) and the user make the request; the first run with a key records its
result in the same transaction as the change, and a later run with the same key and the
same command changes nothing and prints the first result (``--json``: the same
document; a note on stderr says it was replayed). The same key with another command is
refused (``idempotency.key_reused``, exit 2). ``--json`` output carries the key used
(``idempotency_key``), so a script can keep it for its retries.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from pledge.cli import render

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pledge.services.base import Actor

T = TypeVar("T")

# The command being run (its name and parameters make the request), noted by the option.
_COMMAND: ContextVar[typer.Context | None] = ContextVar("pledge_keyed_command", default=None)


def _note_command(ctx: typer.Context, value: str | None) -> str | None:
    _COMMAND.set(ctx)
    return value


KeyOpt = Annotated[str | None, typer.Option(
    "--idempotency-key",
    help="A key that makes a retry safe: this command run again with the same key changes "
         "nothing and prints the first result (default: a new random key per run)",
    show_default=False, callback=_note_command)]

# What does not change the request: how the answer is printed, and the key itself.
_NOT_THE_REQUEST = frozenset({"json", "idempotency_key"})
_EXIT_REFUSED = 2


@dataclass(frozen=True, slots=True)
class Ran(Generic[T]):
    """What a keyed command did: the service's result (None when replayed), the result's
    JSON document, the key used, and whether this run replayed an earlier one."""

    value: T | None
    document: Any
    key: str
    replayed: bool

    def json(self) -> Any:
        """The document with the key used (on each item when it is a list)."""
        def keyed(doc: Any) -> Any:
            return {**doc, "idempotency_key": self.key} if isinstance(doc, dict) else doc
        if isinstance(self.document, list):
            return [keyed(d) for d in self.document]
        return keyed(self.document)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _option(value: Any) -> Any:
    """An option's value as part of the request: files (and folders' files) by content."""
    if isinstance(value, list | tuple):
        return [_option(v) for v in value]
    if isinstance(value, Path):
        if value.is_file():
            return {"path": str(value), "sha256": _digest(value)}
        if value.is_dir():
            return {"path": str(value), "files": [[str(p.relative_to(value)), _digest(p)]
                                                  for p in sorted(value.rglob("*"))
                                                  if p.is_file()]}
        return {"path": str(value)}
    return value


def once(engine: Engine | None, who: Actor, key: str | None, work: Callable[[], T],
         document: Callable[[T], Any]) -> Ran[T]:
    """Run ``work`` once for ``key`` (a new one when None) for ``who``; without a
    database (``engine`` None, e.g. a dry run) it just runs."""
    from pledge.services import idempotency as idem
    used = key if key is not None else str(uuid.uuid4())
    ctx = _COMMAND.get()
    if ctx is None:
        raise RuntimeError("a command that runs once takes the --idempotency-key option")
    if engine is None:
        value = work()
        return Ran(value, document(value), used, False)
    options = {name: _option(v) for name, v in sorted(ctx.params.items())
               if name not in _NOT_THE_REQUEST}
    # keys belong to the user running the command, also when they record for someone else
    request = idem.claim(who.user_name, used, ctx.command_path, options)
    from pledge.cli import state
    settings = state.settings()
    out = idem.once(engine, request, work, document, status=0,
                    refused=lambda _exc: _EXIT_REFUSED, keep=settings.idempotency_keep,
                    wait=settings.idempotency_wait_seconds)
    if out.replayed:
        when = f"{out.first_at:%Y-%m-%d %H:%M:%S} UTC" if out.first_at else "earlier"
        note = (f"already done: idempotency key {used} was first used at {when}; nothing "
                f"was changed this time")
        if ctx.params.get("json"):
            render.err_console.print(f"note: {note}", markup=False, highlight=False)
        else:
            render.console.print(note, markup=False, highlight=False)
    return Ran(out.value, out.document, used, out.replayed)

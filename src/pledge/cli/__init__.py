"""The ``pledge`` command line: Typer commands over ``pledge.services``.

Errors reach the user through one translation point (``main``): a rule broken or
bad input prints one line per problem on stderr (``error: FIELD=VALUE: message
[rule]``) and exits 2; a database that cannot be reached exits 1; nothing is
ever written by a failed command and no traceback is shown (set PLEDGE_DEBUG=1
to see one).

Exit codes: 0 success, 1 environment failure (database unreachable, internal
error), 2 bad input or a broken rule (also a user who cannot be identified, a wrong or
expired ``PLEDGE_TOKEN``, or a role the user may not act in).

Commands act as a pledge user (``services.identity``): ``--user NAME`` with the user's
API token in ``PLEDGE_TOKEN``, else the operating-system login mapped to a user, else, on
a database that is not shared (a SQLite file one user uses), its administrator. The role
is always the user's own; ``--actor``/``--role`` only name someone whose decision the
user records.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from typer.exceptions import TyperException

from pledge.domain.errors import PledgeError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pledge.services.identity import Identity
    from pledge.settings import Settings

EXIT_ENVIRONMENT = 1
EXIT_INPUT = 2


class State:
    """Per-invocation settings: the environment's (``pledge.settings``, read once, on first
    use), the database URL and its engine, made on first use, and the user the command
    acts as, identified on first use (``services.identity``)."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.user: str | None = None
        self._settings: Settings | None = None
        self._engine: Engine | None = None
        self._identity: Identity | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            from pledge.settings import read
            self._settings = read()
        return self._settings

    def database_url(self) -> str:
        """``--db``, else ``$PLEDGE_DATABASE_URL``, else the default file."""
        from pledge.store.db import resolve_url
        return resolve_url(self.url or self.settings().database_url)

    def debug(self) -> bool:
        """``$PLEDGE_DEBUG``: show tracebacks (off when the settings cannot be read)."""
        try:
            return self.settings().debug
        except PledgeError:
            return False

    def identity(self) -> Identity:
        if self._identity is None:
            from pledge.cli.options import os_login
            from pledge.services.identity import identify
            self._identity = identify(self.engine(), user=self.user,
                                      token=self.settings().token_text,
                                      login=os_login())
        return self._identity

    def engine(self, *, ensure: bool = True) -> Engine:
        if self._engine is None:
            from pledge.store.db import is_sqlite, make_engine
            self._engine = make_engine(self.database_url())
            if ensure and is_sqlite(self._engine):
                from pledge.services.setup import ensure_ready
                done = ensure_ready(self._engine)
                if done:
                    from pledge.cli.render import err_console
                    err_console.print(f"[dim]{done} the database {self.database_url()}"
                                      f"[/dim]")
        return self._engine


state = State()


def package_version() -> str:
    """The installed package's version (its metadata), or 'unknown' when it is not installed."""
    from importlib import metadata
    try:
        return metadata.version("pledge")
    except metadata.PackageNotFoundError:
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"pledge {package_version()}\n")
        raise typer.Exit()


def _root(db: Annotated[str | None, typer.Option(
        "--db", help="Database URL (default: $PLEDGE_DATABASE_URL, else sqlite:///pledge.db)",
        show_default=False)] = None,
          user: Annotated[str | None, typer.Option(
              "--user", help="The pledge user you act as; their API token goes in "
                             "$PLEDGE_TOKEN (default: the user your login is mapped to, or "
                             "on a database only you use, its administrator)",
              show_default=False)] = None,
          version: Annotated[bool, typer.Option(
              "--version", help="Print the version and exit", is_eager=True,
              callback=_print_version)] = False) -> None:
    state.url = db
    state.user = user


#: Each top-level command and the module (in ``pledge.cli``) whose ``register`` adds it. A
#: command line names one command, so only its module is loaded and only its commands are
#: built (building every command's options costs a sixth of a second); ``--help``, no
#: command or an unknown one build them all. ``tests/cli`` checks the table is complete.
COMMAND_MODULES: dict[str, str] = {
    "projects": "projects_cmds", "frameworks": "commands", "money": "money_cmds",
    "users": "users_cmds", "export": "export_cmds", "audit": "audit_cmds",
    "init": "commands", "deadline": "commands", "deadlines": "commands",
    "commitments": "commands", "fund": "commands", "allocate": "commands",
    "guarantee-call": "commands", "in-kind": "commands", "balances": "commands",
    "history": "commands", "whoami": "commands",
    "statement": "books_cmds", "distribute": "books_cmds",
    "waterfall": "economics_cmds", "simulate": "economics_cmds", "economics": "economics_cmds",
    "scores": "priorities_cmds", "weights": "priorities_cmds", "prioritise": "priorities_cmds",
    "batch": "priorities_cmds", "decline-advice": "priorities_cmds",
    "ingest": "news_cmds", "review": "news_cmds", "serve": "serve_cmd",
}
# The root options that take a value (so the word after them is no command).
_ROOT_VALUES = ("--db", "--user")


def build_app(command: str | None = None) -> typer.Typer:
    """The command line with every command, or with only ``command``'s module's commands."""
    from importlib import import_module

    cli = typer.Typer(
        name="pledge", no_args_is_help=True, add_completion=False,
        pretty_exceptions_enable=False, rich_markup_mode=None,
        help="Run and model government-to-government strategic investment programmes.\n\n"
             "\b\nExamples:\n  pledge init\n  pledge projects list --status selected\n"
             "  pledge deadline --framework japan --notice 2026-02-17")
    cli.callback()(_root)
    modules = ([COMMAND_MODULES[command]] if command in COMMAND_MODULES
               else list(dict.fromkeys(COMMAND_MODULES.values())))
    for name in modules:
        import_module(f"pledge.cli.{name}").register(cli)
    return cli


def command_of(argv: list[str]) -> str | None:
    """The top-level command ``argv`` names, or None (no command, or help asked of the root)."""
    words = iter(argv)
    for word in words:
        if word in _ROOT_VALUES:
            next(words, None)
        elif word.startswith("-"):
            if word in ("--help", "-h"):
                return None
        else:
            return word
    return None


def __getattr__(name: str) -> typer.Typer:
    """``pledge.cli.app``: the whole command line (built on first use)."""
    if name == "app":
        built = build_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def error_line(exc: PledgeError) -> str:
    """Every problem of ``exc`` on one line: the first in full, then the others, '; '-joined."""
    seen: list[str] = []
    for p in exc.problems:
        text = p.one_line()
        if text not in seen:
            seen.append(text)
    return "error: " + "; ".join(seen)


def _fail(lines: list[str], code: int) -> int:
    for line in lines:
        sys.stderr.write(line + "\n")
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (never raises for user errors)."""
    global state
    state = State()
    args = sys.argv[1:] if argv is None else argv
    try:
        cli = build_app(command_of(args))
        result = cli(args=args, standalone_mode=False, prog_name="pledge")
        return result if isinstance(result, int) else 0
    except PledgeError as exc:
        return _fail([error_line(exc)], EXIT_INPUT)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _fail(["error: aborted"], EXIT_ENVIRONMENT)
    except TyperException as exc:  # usage errors: unknown option, missing argument, ...
        ctx = getattr(exc, "ctx", None)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        return _fail([f"error: {exc.format_message()}{where}"], EXIT_INPUT)
    except OSError as exc:
        if state.debug():
            raise
        return _fail([f"error: file={exc.filename}: {exc.strerror or exc}"], EXIT_INPUT)
    except Exception as exc:
        # The database's errors can only come from a command that loaded SQLAlchemy.
        if "sqlalchemy" in sys.modules:
            from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
            if isinstance(exc, ArgumentError | NoSuchModuleError):
                return _fail([f"error: database={state.database_url()}: not a database URL "
                              f"pledge can use ({str(exc).splitlines()[0]}) "
                              f"[database.bad_url]"], EXIT_INPUT)
            if isinstance(exc, OperationalError):
                if state.debug():
                    raise
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                return _fail([f"error: database={state.database_url()}: cannot use the "
                              f"database: {reason}"], EXIT_ENVIRONMENT)
        # the last line of defence: one line, never a traceback
        if state.debug():
            raise
        return _fail([f"internal error: {type(exc).__name__}: {exc} "
                      f"(set PLEDGE_DEBUG=1 for details)"], EXIT_ENVIRONMENT)


def main() -> None:
    sys.exit(run())

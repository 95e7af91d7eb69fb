"""``pledge serve``: the pages and the API for a team, from one process."""

from __future__ import annotations

from typing import Annotated

import typer

from pledge.cli import render

STARTUP_SECONDS = 120  # how long a worker process may take to start (engines included)


def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8550,
          db: Annotated[str | None, typer.Option(
              "--db", help="Database URL (default: the one given before the command, "
                           "$PLEDGE_DATABASE_URL, else sqlite:///pledge.db)")] = None,
          public_read: Annotated[bool, typer.Option(
              "--public-read", "--public",
              help="Public portal: anonymous visitors read the public subset (frameworks, "
                   "projects, deadlines, commitments, open data; never scores, ledgers, "
                   "review queues or users) [also $PLEDGE_PUBLIC_READ]")] = False,
          workers: Annotated[int, typer.Option(
              help="Server processes (more than one needs a file or server database)")] = 1,
          secure_cookies: Annotated[bool, typer.Option(
              "--secure-cookies",
              help="Mark cookies Secure even for requests that arrive over plain HTTP (TLS "
                   "ended in front of the server); over HTTPS they always are [also "
                   "$PLEDGE_SECURE_COOKIES]")] = False,
          trust_proxy: Annotated[bool, typer.Option(
              "--trust-proxy",
              help="Behind one reverse proxy: take the scheme and the client's address from "
                   "its X-Forwarded-Proto and X-Forwarded-For (only if no one can reach the "
                   "server except through it) [also $PLEDGE_TRUST_PROXY]")] = False,
          ) -> None:
    """Serve the pages and the REST API.

    Serve the pages (/) and the REST API (/api/v1, docs at /docs); a new database is set
    up first and a one-time admin login is printed.

    \b
    Example:
      pledge serve --port 8550
    """
    import os
    import secrets

    import uvicorn
    from pydantic import SecretStr

    from pledge.cli import state
    from pledge.cli.users_cmds import LOCAL_ADMIN, token_days
    from pledge.services.setup import ensure_ready
    from pledge.services.users import add_user, has_users

    if db:
        state.url = db
    url = state.database_url()
    engine = state.engine(ensure=False)
    done = ensure_ready(engine)
    if done:
        render.console.print(f"{done} the database {url}")
    if not has_users(engine):
        admin = add_user(engine, "admin", "admin", LOCAL_ADMIN, generate_password=True,
                         default_token_days=token_days())
        render.console.print(f"first start: log in as [bold]admin[/bold] with password "
                             f"[bold]{admin.password}[/bold]; API token {admin.token} "
                             f"(both shown once)")
    render.console.print(f"serving on http://{host}:{port} (API docs at /docs)")
    # The environment's settings, with what the command line says on top.
    given = state.settings()
    settings = given.model_copy(update={
        "database_url": url, "public_read": public_read or given.public_read,
        "secure_cookies": secure_cookies or given.secure_cookies,
        "trust_proxy": trust_proxy or given.trust_proxy,
        # processes that share the key accept each other's cookies
        "secret_key": given.secret_key or SecretStr(secrets.token_hex(32))})
    if workers > 1:
        # uvicorn starts worker processes only from an import string and passes them
        # nothing else: the settings travel in their environment, written by the Settings
        # object and read back by the same class in each process (``app_from_environment``).
        os.environ.update(settings.environment())
        uvicorn.run("pledge.app:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False,
                    proxy_headers=False,
                    # a worker's startup compiles (or loads) the engines before it is
                    # ready: uvicorn's 5 s default would restart it again and again
                    timeout_worker_healthcheck=STARTUP_SECONDS)
        return
    from pledge.app import app_from_settings
    # Forwarded headers are the application's to read, and only with --trust-proxy.
    uvicorn.run(app_from_settings(settings), host=host, port=port, log_level="warning",
                access_log=False, proxy_headers=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

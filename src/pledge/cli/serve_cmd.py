"""``pledge serve``: the pages and the API for a team, from one process."""

from __future__ import annotations

from typing import Annotated

import typer

from pledge.cli import render


def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8550,
          db: Annotated[str | None, typer.Option(
              "--db", help="Database URL (default: the one given before the command, "
                           "$PLEDGE_DATABASE_URL, else sqlite:///pledge.db)")] = None,
          public_read: Annotated[bool, typer.Option(
              "--public-read", help="Let anonymous visitors read the public subset")] = False,
          workers: Annotated[int, typer.Option(
              help="Server processes (more than one needs a file or server database)")] = 1,
          secure_cookies: Annotated[bool, typer.Option(
              "--secure-cookies", envvar="PLEDGE_SECURE_COOKIES",
              help="Mark cookies Secure even for requests that arrive over plain HTTP (TLS "
                   "ended in front of the server); over HTTPS they always are")] = False,
          trust_proxy: Annotated[bool, typer.Option(
              "--trust-proxy", envvar="PLEDGE_TRUST_PROXY",
              help="Behind one reverse proxy: take the scheme and the client's address from "
                   "its X-Forwarded-Proto and X-Forwarded-For (only if no one can reach the "
                   "server except through it)")] = False,
          ) -> None:
    """Serve the pages (/) and the REST API (/api/v1, docs at /docs); a new database is set
    up first and a one-time admin login is printed."""
    import os
    import secrets

    import uvicorn

    from pledge.cli import state
    from pledge.cli.users_cmds import LOCAL_ADMIN, token_days
    from pledge.services.setup import ensure_ready
    from pledge.services.users import add_user, has_users
    from pledge.store.db import resolve_url

    if db:
        state.url = db
    url = resolve_url(state.url)
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
    if workers > 1:
        # Each worker process builds the app from the environment; they share one session key.
        os.environ["PLEDGE_DATABASE_URL"] = url
        os.environ["PLEDGE_PUBLIC_READ"] = "1" if public_read else ""
        os.environ["PLEDGE_SECURE_COOKIES"] = "1" if secure_cookies else ""
        os.environ["PLEDGE_TRUST_PROXY"] = "1" if trust_proxy else ""
        os.environ.setdefault("PLEDGE_SECRET_KEY", secrets.token_hex(32))
        uvicorn.run("pledge.api.app:app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False,
                    proxy_headers=False)
        return
    from pledge.api.app import body_limits_from_environment, create_app
    # Forwarded headers are the application's to read, and only with --trust-proxy.
    uvicorn.run(create_app(url, public_read=public_read, secure_cookies=secure_cookies,
                           trust_proxy=trust_proxy, **body_limits_from_environment()),
                host=host, port=port, log_level="warning", access_log=False,
                proxy_headers=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

"""``pledge serve``: the API (and pages) for a team, from one process."""

from __future__ import annotations

from typing import Annotated

import typer

from pledge.cli import render


def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8550,
          public_read: Annotated[bool, typer.Option(
              "--public-read", help="Let anonymous visitors read the public subset")] = False
          ) -> None:
    """Serve the REST API (/api/v1, docs at /docs); a new database is set up first."""
    import uvicorn

    from pledge.api.app import create_app
    from pledge.cli import state
    from pledge.cli.users_cmds import LOCAL_ADMIN
    from pledge.services.setup import ensure_ready
    from pledge.services.users import add_user, has_users
    from pledge.store.db import resolve_url

    engine = state.engine(ensure=False)
    done = ensure_ready(engine)
    if done:
        render.console.print(f"{done} the database {resolve_url(state.url)}")
    if not has_users(engine):
        admin = add_user(engine, "admin", "admin", LOCAL_ADMIN, generate_password=True)
        render.console.print(f"first start: log in as [bold]admin[/bold] with password "
                             f"[bold]{admin.password}[/bold]; API token {admin.token} "
                             f"(both shown once)")
    render.console.print(f"serving on http://{host}:{port} (API docs at /docs)")
    uvicorn.run(create_app(state.url, public_read=public_read), host=host, port=port,
                log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

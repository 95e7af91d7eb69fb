"""Running the CLI in-process against a test database, as a user's script would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pledge.cli import run


class Cli:
    """``cli(*args)`` gives (exit code, stdout, stderr); ``cli.json(*args)`` adds ``--json``,
    requires exit code 0 and parses the output."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]):
        self.url = url
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = run(["--db", self.url, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)


def act_as(cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str, role: str) -> None:
    """Add the user ``name`` with ``role``, mapped to an operating-system login of their own,
    and run the CLI from that login from now on (the user adding them must be an admin)."""
    login = f"login-{name}"
    cli.json("users", "add", name, "--role", role, "--os-user", login)
    monkeypatch.setenv("LOGNAME", login)

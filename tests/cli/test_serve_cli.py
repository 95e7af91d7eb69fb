"""``pledge serve``: the first start makes the one-time admin login, and the application it
hands the server answers with it; several workers take their settings from the environment,
written there from the settings object.

The server itself is not started: ``uvicorn.run`` is replaced by a recorder, and what it
was given is exercised in-process.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from pledge.settings import Settings, env_name
from tests.clirunner import Cli

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SERVER_VARIABLES = tuple(env_name(field) for field in Settings.model_fields)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """What ``uvicorn.run`` is called with; the server variables are restored afterwards."""
    for name in SERVER_VARIABLES:
        monkeypatch.setenv(name, "")  # so that monkeypatch restores the original at the end
        monkeypatch.delenv(name)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def test_the_first_start_prints_an_admin_login_that_the_served_app_accepts(
        cli: Cli, served: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> None:
    code, out, err = cli("serve", "--host", "127.0.0.2", "--port", "8123")
    assert code == 0, err
    login = re.search(r"log in as admin with password (\S+); API token (\S+) \(both shown "
                      r"once\)", out)
    assert login is not None, out
    password, token = login.groups()
    assert "serving on http://127.0.0.2:8123" in out
    [(args, kwargs)] = served
    assert (kwargs["host"], kwargs["port"], kwargs["proxy_headers"]) == ("127.0.0.2", 8123,
                                                                          False)
    with TestClient(args[0]) as client:
        assert client.get("/api/v1/frameworks").status_code == 401
        answer = client.get("/api/v1/frameworks", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert "japan" in {f["key"] for f in answer.json()["data"]}
        form = CSRF.search(client.get("/login").text)
        assert form is not None
        wrong = client.post("/login", data={"name": "admin", "password": password + "x",
                                            "csrf_token": form.group(1), "next": "/"},
                            follow_redirects=False)
        assert wrong.status_code == 401
        page = client.post("/login", data={"name": "admin", "password": password,
                                           "csrf_token": form.group(1), "next": "/"},
                           follow_redirects=False)
        assert page.status_code == 303 and "set-cookie" in page.headers

    # a second start finds the admin and prints no new login
    code, out, _ = cli("serve")
    assert code == 0 and "first start" not in out and "password" not in out
    (_, kwargs) = served[1]
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 8550)


def test_several_workers_take_their_settings_from_the_environment(
        cli: Cli, served: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> None:
    code, out, err = cli("serve", "--workers", "2", "--public-read", "--trust-proxy")
    assert code == 0, err
    assert "first start: log in as admin" in out and "serving on http://127.0.0.1:8550" in out
    [(args, kwargs)] = served
    assert args == ("pledge.app:app_from_environment",)
    assert (kwargs["factory"], kwargs["workers"]) == (True, 2)
    assert os.environ["PLEDGE_DATABASE_URL"] == cli.url
    assert (os.environ["PLEDGE_PUBLIC_READ"], os.environ["PLEDGE_TRUST_PROXY"],
            os.environ["PLEDGE_SECURE_COOKIES"]) == ("1", "1", "")
    assert len(os.environ["PLEDGE_SECRET_KEY"]) == 64

    from pledge.app import app_from_environment
    with TestClient(app_from_environment()) as client:
        # --public-read: an anonymous visitor reads the public subset of the same database
        answer = client.get("/api/v1/frameworks")
        assert answer.status_code == 200
        assert "japan" in {f["key"] for f in answer.json()["data"]}

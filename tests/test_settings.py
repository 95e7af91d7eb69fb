"""The settings: one object read from the environment, documented by one README table.

The README's table of variables is the fields of ``pledge.settings.Settings``; no module
but the settings reads the environment; bad values are refused naming the variable; and
the values reach what uses them (the command line's and the server's idempotency keys).
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.settings import Settings, env_name, markdown_table, read
from pledge.store import tables as t
from pledge.store.db import make_engine, transaction
from tests.clirunner import Cli

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pledge"
TABLE = re.compile(r"<!-- settings table[^>]*-->\n(.*?)<!-- end of settings table -->",
                   re.DOTALL)


def test_the_readme_table_is_the_settings_fields() -> None:
    found = TABLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found is not None, "README.md has no settings table between its markers"
    assert found.group(1) == markdown_table(), (
        "README.md's table of environment variables differs from pledge.settings.Settings; "
        "print pledge.settings.markdown_table() and paste it between the markers")
    rows = [line for line in found.group(1).splitlines() if line.startswith("| `")]
    assert len(rows) == len(Settings.model_fields)
    for name, info in Settings.model_fields.items():
        assert info.description, f"{name} has no description"
        assert any(row.startswith(f"| `{env_name(name)}` |") for row in rows)


def test_every_variable_named_in_the_code_is_a_setting() -> None:
    named = {m for path in SRC.rglob("*.py")
             for m in re.findall(r"\bPLEDGE_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8"))}
    assert named, "the search found nothing"
    assert named <= {env_name(f) for f in Settings.model_fields}, named


def test_only_the_settings_read_the_environment() -> None:
    readers = {str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
               if re.search(r"os\.environ|getenv\(", path.read_text(encoding="utf-8"))}
    # ``pledge serve --workers N`` writes the settings for its worker processes (it has no
    # other way to hand them over) and reads nothing. ``analytics/__init__`` reads no
    # setting of pledge's: it tells numba where its cache is (``NUMBA_CACHE_DIR``, read by
    # numba itself as it loads, from the platform's user cache folder). ``__init__`` finds
    # that folder (the platform's, ``XDG_CACHE_HOME`` on Linux), which is no setting of ours.
    # ``ingest/compiled`` reads two settings (``PLEDGE_PURE``, ``PLEDGE_COMPILED_DIR``) as
    # the reader's package loads, to choose its modules before any of them is imported;
    # the reader may not import the settings (it imports the domain only), and the two are
    # checked here against the settings' own reading.
    assert readers <= {"cli/serve_cmd.py", "analytics/__init__.py", "__init__.py",
                       "ingest/compiled.py"}, readers


def test_the_compiled_readers_settings_are_read_as_the_settings_read_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pledge.ingest import compiled
    monkeypatch.setattr(sys, "path", list(sys.path))    # (a build found is put on it)
    monkeypatch.setattr(compiled, "_state", compiled.describe())
    for value, pure in (("1", True), ("yes", True), ("", False), (" ", False)):
        monkeypatch.setenv("PLEDGE_PURE", value)
        assert read().pure is pure
        assert compiled.activate([]).startswith("pure (PLEDGE_PURE") is pure
    monkeypatch.setenv("PLEDGE_COMPILED_DIR", str(tmp_path / "elsewhere"))
    assert read().compiled_dir == str(compiled.build_dir())


def test_the_names_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(env_name(name), raising=False)
    s = read()
    assert s.database_url == "sqlite:///pledge.db"
    assert (s.token, s.secret_key, s.news_gazetteer) == (None, None, None)
    assert (s.token_days, s.idempotency_keep, s.idempotency_wait_seconds) == (
        90, timedelta(hours=24), 10.0)
    assert (s.max_body, s.max_ingest_body) == (2 * 1024 * 1024, 10 * 1024 * 1024)
    assert not (s.debug or s.public_read or s.secure_cookies or s.trust_proxy)
    assert env_name("idempotency_wait_seconds") == "PLEDGE_IDEMPOTENCY_WAIT_SECONDS"


def test_values_are_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGE_DATABASE_URL", "postgresql://db.example/pledge")
    monkeypatch.setenv("PLEDGE_TOKEN", "tok-123")
    monkeypatch.setenv("PLEDGE_TOKEN_DAYS", " 7 ")
    monkeypatch.setenv("PLEDGE_DEBUG", "0")  # any value turns it on, as it always did
    monkeypatch.setenv("PLEDGE_PUBLIC_READ", "yes")
    monkeypatch.setenv("PLEDGE_SECURE_COOKIES", "TRUE")
    monkeypatch.setenv("PLEDGE_TRUST_PROXY", "0")  # only 1, true, yes or on turn it on
    monkeypatch.setenv("PLEDGE_IDEMPOTENCY_HOURS", "1.5")
    monkeypatch.setenv("PLEDGE_NEWS_GAZETTEER", "")  # empty is unset
    s = read()
    assert s.database_url == "postgresql://db.example/pledge"
    assert s.token_text == "tok-123" and "tok-123" not in repr(s)
    assert (s.token_days, s.debug, s.public_read, s.secure_cookies, s.trust_proxy) == (
        7, True, True, True, False)
    assert s.idempotency_keep == timedelta(minutes=90) and s.news_gazetteer is None


@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("PLEDGE_IDEMPOTENCY_HOURS", "0", "idempotency.bad_setting"),
    ("PLEDGE_IDEMPOTENCY_HOURS", "721", "idempotency.bad_setting"),
    ("PLEDGE_IDEMPOTENCY_WAIT_SECONDS", "nan", "idempotency.bad_setting"),
    ("PLEDGE_IDEMPOTENCY_WAIT_SECONDS", "soon", "idempotency.bad_setting"),
    ("PLEDGE_TOKEN_DAYS", "soon", "users.bad_expiry"),
    ("PLEDGE_TOKEN_DAYS", "3651", "users.bad_expiry"),
])
def test_a_bad_value_is_refused_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, variable: str, value: str, rule: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput) as err:
        read()
    assert (err.value.first.field, err.value.first.value, err.value.first.rule) == (
        variable, value, rule)


def test_the_environment_of_settings_reads_back_to_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    s = read(database_url="sqlite:///x.db", public_read=True, trust_proxy=True,
             secret_key="k" * 64, idempotency_hours=2.5, max_body=4096,
             news_gazetteer="extra.toml")
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    assert read() == s


def test_the_command_line_keeps_keys_as_long_as_the_setting_says(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGE_IDEMPOTENCY_HOURS", "2")
    advance = ("projects", "advance", "32", "--to", "under_review", "--actor", "CC", "--role",
               "cc_us", "--on", "2026-03-09")
    cli.json(*advance, "--idempotency-key", "k-1")
    with transaction(make_engine(cli.url)) as s:
        [row] = s.execute(select(t.idempotency_keys)).all()
    assert row.expires_at - row.created_at == timedelta(hours=2)
    monkeypatch.setenv("PLEDGE_IDEMPOTENCY_HOURS", "0")
    code, _, err = cli("projects", "advance", "32", "--to", "finalist", "--actor", "CC",
                       "--role", "cc_us", "--on", "2026-03-09")
    assert code == 2 and "PLEDGE_IDEMPOTENCY_HOURS" in err and "bad_setting" in err


def test_the_server_keeps_keys_as_long_as_the_setting_says(sqlite_engine: Engine) -> None:
    from pledge.app import app_from_settings

    url = sqlite_engine.url.render_as_string(hide_password=False)
    token = add_user(sqlite_engine, "boss", "admin", Actor("setup", Role.ADMIN)).token
    app = app_from_settings(read(database_url=url, idempotency_hours=3))
    with TestClient(app) as client:
        r = client.post("/api/v1/projects/1/estimates",
                        json={"amount": "US$2bn", "source": "https://example.org/e",
                              "on": "2026-05-01"},
                        headers={"Authorization": f"Bearer {token}",
                                 "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    with transaction(sqlite_engine) as s:
        [row] = s.execute(select(t.idempotency_keys)).all()
    assert row.expires_at - row.created_at == timedelta(hours=3)

"""The two-role PostgreSQL set-up of docs/postgresql-roles.md, run as written: the
application role works normally but cannot disable triggers, truncate, or rewrite the
audit log or the ledger."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from pledge.services import audit as audit_svc
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.store.db import make_engine
from tests.conftest import Templates, _pg_admin, _require_backend

DOC = Path(__file__).resolve().parents[2] / "docs" / "postgresql-roles.md"


def grants() -> str:
    """The SQL of step 3 of the document."""
    section = DOC.read_text(encoding="utf-8").split("## 3.", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return str(blocks[0])


@pytest.fixture
def app_engine(templates: Templates) -> Iterator[tuple[Engine, Engine]]:
    """(the owner's engine, the application role's engine) on a fresh loaded database."""
    _require_backend("postgresql")
    owner = make_engine(templates.fresh("postgresql", seeded=True))
    role = f"pledge_app_{uuid.uuid4().hex[:10]}"
    database = owner.url.database
    with _pg_admin().connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
    with owner.begin() as conn:
        conn.exec_driver_sql(grants().replace("pledge_app", f'"{role}"'))
    app = create_engine(owner.url.set(username=role))
    try:
        yield owner, make_engine(app.url.render_as_string(hide_password=False))
    finally:
        app.dispose()
        make_engine(app.url.render_as_string(hide_password=False)).dispose()
        with owner.begin() as conn:
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
        with _pg_admin().connect() as conn:
            conn.execute(text(f'REVOKE CONNECT ON DATABASE "{database}" FROM "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))


def test_the_application_role_runs_the_programme(app_engine: tuple[Engine, Engine]) -> None:
    _, app = app_engine
    funding.contribute_in_kind(app, 25, "land", "US$120m", date(2026, 4, 1),
                               Actor.of("Lutnick", "ic"))
    projects.add_estimate(app, 27, "US$3bn", "https://example.org/e", date(2026, 4, 1),
                          Actor.of("Akazawa", "cc_jp"))
    assert audit_svc.verify(app).ok


REFUSED = [
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "ALTER TABLE postings DISABLE TRIGGER postings_append_only",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "TRUNCATE audit_log",
    "TRUNCATE postings",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "UPDATE postings SET amount = amount * 2",
    "DELETE FROM ledger_entries",
    "DELETE FROM chain_heads",
    "UPDATE alembic_version SET version_num = '0001'",
]


def test_the_application_role_cannot_touch_the_record(app_engine: tuple[Engine, Engine]
                                                       ) -> None:
    _, app = app_engine
    for statement in REFUSED:
        with pytest.raises(DBAPIError) as err, app.begin() as conn:
            conn.exec_driver_sql(statement)
        # refused for want of privilege (must be owner, permission denied): no trigger needed
        assert getattr(err.value.orig, "sqlstate", None) == "42501", (statement, str(err.value))
    assert audit_svc.verify(app).ok


def test_the_owner_is_still_stopped_by_the_triggers(app_engine: tuple[Engine, Engine]) -> None:
    owner, _ = app_engine
    for statement in ("TRUNCATE audit_log", "UPDATE postings SET amount = 0"):
        with pytest.raises(DBAPIError) as err, owner.begin() as conn:
            conn.exec_driver_sql(statement)
        assert "append-only" in str(err.value)

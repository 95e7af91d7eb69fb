"""Creating a database and loading the default data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from pledge.services.base import SYSTEM
from pledge.services.frameworks import load_shipped
from pledge.services.projects import import_projects, shipped_project_rows
from pledge.store.db import is_initialised, migrate, schema_revision, transaction


@dataclass(frozen=True, slots=True)
class InitResult:
    frameworks_added: list[str]
    projects_added: int
    projects_present: int


def init(engine: Engine) -> InitResult:
    """Migrate the schema and load the shipped frameworks and public project list.

    Safe to run again: what is already there is left as it is.
    """
    migrate(engine)
    rows = shipped_project_rows()
    with transaction(engine) as s:
        added_fw = load_shipped(s, SYSTEM)
        result = import_projects(s, rows, SYSTEM)
    return InitResult(added_fw, len(result.added), len(result.skipped))


def ensure_ready(engine: Engine) -> str | None:
    """Initialise an empty database, or migrate one made by an older version.

    Returns what it did ("initialised", "migrated") or None when nothing was needed.
    """
    if not is_initialised(engine):
        init(engine)
        return "initialised"
    current, head = schema_revision(engine)
    if current != head:
        migrate(engine)
        return "migrated"
    return None

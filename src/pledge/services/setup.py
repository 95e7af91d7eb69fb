"""Creating a database and loading the default data."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy import Engine

from pledge.services.base import SYSTEM
from pledge.services.frameworks import load_shipped
from pledge.services.projects import import_projects, read_projects_csv
from pledge.store.db import is_initialised, migrate, transaction


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
    text = (files("pledge") / "data" / "projects.csv").read_text(encoding="utf-8")
    rows = read_projects_csv(text, "japan")
    with transaction(engine) as s:
        added_fw = load_shipped(s, SYSTEM)
        result = import_projects(s, rows, SYSTEM)
    return InitResult(added_fw, len(result.added), len(result.skipped))


def ensure_ready(engine: Engine) -> bool:
    """Initialise an empty database; returns True if it had to."""
    if is_initialised(engine):
        return False
    init(engine)
    return True

"""Database fixtures: SQLite and PostgreSQL, each test on its own fresh database.

A database is migrated and loaded with the default data once per test session
(``pledge init`` through the same function users run), then every test gets a
copy: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL.

PostgreSQL is the server at ``$PLEDGE_TEST_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``). When it cannot be reached the
PostgreSQL variants are skipped, except when ``CI`` is set: then they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

# The suite tests the reader as Python (a compiled build of it, ``make compiled``, is
# compared with it in tests/ingest/test_compiled_reader.py): tests replace module-level
# tables and functions, which compiled modules do not look up again. Set before anything
# imports pledge, and inherited by the processes the tests start.
os.environ["PLEDGE_PURE"] = "1"

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

from pledge.services.setup import init
from pledge.store.db import make_engine, migrate
from tests.clirunner import Cli

PG_ADMIN_URL = os.environ.get("PLEDGE_TEST_PG_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]

# ``make mutate`` runs the tests once per mutant. There each run must give the same
# verdict on the same code, and a surviving mutant must not cost minutes: Hypothesis
# draws from a fixed seed, keeps no example database, sets no deadline (a mutant may be
# slow without being wrong) and tries at most MUTATION_EXAMPLES examples per property.
# The mutants are to be killed by direct tests, not by a property's thousandth example.
MUTATION = os.environ.get("PLEDGE_HYPOTHESIS_PROFILE") == "mutation"
MUTATION_EXAMPLES = 20
settings.register_profile("mutation", derandomize=True, database=None, deadline=None,
                          max_examples=MUTATION_EXAMPLES)
if MUTATION:
    settings.load_profile("mutation")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In mutation runs, cap the examples of properties that ask for more explicitly."""
    if not MUTATION:
        return
    for item in items:
        test = getattr(item, "obj", None)
        chosen = getattr(test, "_hypothesis_internal_use_settings", None)
        if chosen is not None and chosen.max_examples > MUTATION_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]  # test is not None when chosen is set
                chosen, max_examples=MUTATION_EXAMPLES)


def _pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_reachable() -> str | None:
    try:
        with _pg_admin().connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure to connect
        return str(exc).splitlines()[0]


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


class Templates:
    """Builds each kind of template once per session and hands out fresh copies."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.sqlite: dict[bool, Path] = {}
        self.pg: dict[bool, str] = {}
        self.pg_dbs: list[str] = []
        self.extra: dict[str, Path] = {}

    def _sqlite_template(self, seeded: bool) -> Path:
        if seeded not in self.sqlite:
            path = self.tmp / f"template-{'seeded' if seeded else 'empty'}.db"
            engine = make_engine(f"sqlite:///{path}")
            init(engine) if seeded else migrate(engine)
            engine.dispose()
            self.sqlite[seeded] = path
        return self.sqlite[seeded]

    def _pg_template(self, seeded: bool) -> str:
        if seeded not in self.pg:
            name = f"pledge_tpl_{uuid.uuid4().hex[:12]}"
            with _pg_admin().connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            self.pg_dbs.append(name)
            engine = make_engine(_pg_url(name))
            init(engine) if seeded else migrate(engine)
            engine.dispose()
            self.pg[seeded] = name
        return self.pg[seeded]

    def demo(self) -> str:
        """A fresh SQLite copy of the demo database (``build_demo``, the function users run)."""
        if "demo" not in self.extra:
            from pledge.services.demo import build_demo
            path = self.tmp / "template-demo.db"
            engine = make_engine(f"sqlite:///{path}")
            build_demo(engine)
            engine.dispose()
            self.extra["demo"] = path
        copy = self.tmp / f"demo-{uuid.uuid4().hex[:12]}.db"
        shutil.copy(self.extra["demo"], copy)
        return f"sqlite:///{copy}"

    def fresh(self, backend: str, seeded: bool) -> str:
        if backend == "sqlite":
            path = self.tmp / f"db-{uuid.uuid4().hex[:12]}.db"
            shutil.copy(self._sqlite_template(seeded), path)
            return f"sqlite:///{path}"
        template = self._pg_template(seeded)
        name = f"pledge_t_{uuid.uuid4().hex[:12]}"
        with _pg_admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.pg_dbs.append(name)
        return _pg_url(name)

    def drop_all(self) -> None:
        if not self.pg_dbs:
            return
        with _pg_admin().connect() as conn:
            for name in reversed(self.pg_dbs):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    tpl = Templates(tmp_path_factory.mktemp("db"))
    yield tpl
    make_engine.cache_clear()
    tpl.drop_all()


def _require_backend(backend: str) -> None:
    if backend != "postgresql":
        return
    problem = _pg_reachable()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is unreachable at {PG_ADMIN_URL} and CI is set: {problem}")
    pytest.skip(f"PostgreSQL unreachable: {problem}")


def _engine_for(templates: Templates, backend: str, seeded: bool) -> Iterator[Engine]:
    _require_backend(backend)
    url = templates.fresh(backend, seeded)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def engine(templates: Templates, backend: str) -> Iterator[Engine]:
    """A fresh database with the default data, on each backend in turn."""
    yield from _engine_for(templates, backend, seeded=True)


@pytest.fixture
def empty_engine(templates: Templates, backend: str) -> Iterator[Engine]:
    """A fresh migrated database without data, on each backend in turn."""
    yield from _engine_for(templates, backend, seeded=False)


@pytest.fixture
def sqlite_engine(templates: Templates) -> Iterator[Engine]:
    """A fresh SQLite database with the default data (for tests that need only one backend)."""
    yield from _engine_for(templates, "sqlite", seeded=True)


@pytest.fixture
def sqlite_url(templates: Templates) -> str:
    """The URL of a fresh seeded SQLite database (for CLI tests)."""
    return templates.fresh("sqlite", seeded=True)


@pytest.fixture
def demo_url(templates: Templates) -> str:
    """The URL of a fresh SQLite database holding the demo data (users, history, scores)."""
    return templates.demo()


@pytest.fixture
def cli(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI, run in-process against a fresh seeded SQLite database."""
    return Cli(sqlite_url, capsys)

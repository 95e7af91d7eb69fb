"""The command line loads only what a command uses.

Each case runs in a fresh Python process (what a user's shell starts), runs one command
through ``pledge.cli.run`` and reports every module loaded by then. Nothing is timed:
what is checked is which modules load. Loading the command line and asking for help or
the version loads no database layer, no settings and no service; the everyday read
commands load none of the numeric, spreadsheet, calendar-file, web or analytics
libraries (they are for the commands that use them: ``simulate``, ``export``,
``batch``, ``serve``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# What no everyday command needs: each of these costs a noticeable part of a second.
HEAVY = ("numba", "llvmlite", "numpy", "pandas", "dask", "distributed", "scipy", "highspy",
         "plotly", "openpyxl", "icalendar", "pyxirr", "fastapi", "starlette", "uvicorn",
         "sqlalchemy.orm", "rich.table",
         "jinja2", "charset_normalizer", "pledge.analytics", "pledge.app",
         "pledge.api", "pledge.web", "pledge.server", "pledge.exports", "pledge.ingest",
         "pledge.services.exports", "pledge.services.news", "pledge.services.simulation",
         "pledge.services.economics", "pledge.services.jobs", "pledge.services.analyses")
# The commands of other subjects: a command line that names one command builds only its own
# (help builds them all, to list them).
OTHER_COMMANDS = ("pledge.cli.news_cmds", "pledge.cli.economics_cmds",
                  "pledge.cli.priorities_cmds", "pledge.cli.serve_cmd", "pledge.cli.export_cmds")
# What loading the command line, --help and --version do without, besides the above.
NOT_AT_START = ("sqlalchemy", "alembic", "pydantic", "pydantic_settings", "holidays", "argon2",
                "pledge.settings", "pledge.store", "pledge.models", "pledge.services.base")

PROBE = """
import json, sys
out = sys.argv[1]
if sys.argv[2:] == ["<import only>"]:
    import pledge.cli
    code = 0
else:
    from pledge.cli import run
    code = run(sys.argv[2:])
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def loaded(tmp_path: Path, *args: str) -> set[str]:
    """The modules loaded in a fresh process after running ``pledge ARGS`` (which must
    succeed)."""
    report = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGE_")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == 0, f"pledge {' '.join(args)}: {done.stdout}{done.stderr}"
    return set(result["modules"])


def among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` loaded, a package counting when any module in it is."""
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def test_the_checker_sees_a_package_through_its_modules() -> None:
    assert among({"sqlalchemy.orm", "json", "pledge.cli"}, ("sqlalchemy", "pledge")) == [
        "pledge", "sqlalchemy"]
    assert among({"pledge.services.base"}, ("pledge.services.news",)) == []


@pytest.mark.parametrize("args", [("<import only>",), ("--help",), ("--version",)],
                         ids=["import", "help", "version"])
def test_starting_the_command_line_loads_no_database_layer_and_no_service(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    modules = loaded(tmp_path, *args)
    assert "pledge.cli" in modules and "typer" in modules  # the probe ran the command line
    assert among(modules, HEAVY + NOT_AT_START) == []


def test_parsing_an_amount_loads_no_database_layer(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "money", "parse", "US$1.5bn", "--json")
    assert "pledge.domain.amount_parser" in modules
    assert among(modules, (*HEAVY, *OTHER_COMMANDS, "sqlalchemy", "pledge.store",
                           "pledge.settings")) == []


READS = [
    ("deadline", "--framework", "japan", "--notice", "2026-02-17", "--json"),
    ("deadlines", "--json"),
    ("projects", "list", "--json"),
    ("projects", "show", "24", "--json"),
    ("frameworks", "list", "--json"),
    ("commitments", "--framework", "japan", "--json"),
    ("history", "24", "--json"),
    ("money", "convert", "1 trillion yen", "--to", "USD", "--on", "2026-02-17", "--json"),
    ("whoami", "--json"),
]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_everyday_reads_load_no_heavy_library(tmp_path: Path, sqlite_url: str,
                                              args: tuple[str, ...]) -> None:
    modules = loaded(tmp_path, "--db", sqlite_url, *args)
    assert "pledge.services.base" in modules  # the probe reached the database
    assert among(modules, HEAVY + OTHER_COMMANDS) == []

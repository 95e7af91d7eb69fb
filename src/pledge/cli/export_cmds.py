"""``pledge export ...``: projects and the ledger (CSV, XLSX), deadlines (iCalendar), OC4IDS.

Text formats go to standard output unless ``--out`` names a file; an XLSX
workbook is binary and always needs ``--out``. A file is written whole or not at
all: the export is built first, written to a temporary file beside the target,
then renamed over it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledge.cli import render
from pledge.cli.options import AsOfOpt, day, day_or_none
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

export_app = typer.Typer(no_args_is_help=True,
                         help="Export projects, the ledger and deadlines.\n\n"
                              "Projects and the ledger as CSV or XLSX, deadlines as "
                              "iCalendar, projects as OC4IDS (one, or all in a package)."
                              "\n\n"
                              "\b\nExample:\n  pledge export projects --out projects.csv")

OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Write to this file (atomically) instead of standard output",
    show_default=False)]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", help="csv | xlsx (default: from the --out suffix, else csv)",
    show_default=False)]


def _engine() -> Engine:
    from pledge.cli import state
    return state.engine()


def _table_format(fmt: str | None, out: Path | None) -> str:
    from pledge.services import exports as svc
    chosen = svc.parse_format(fmt, path=out)
    if chosen == "xlsx" and out is None:
        raise InvalidInput.single("--out", "stdout", "export.needs_file",
                                  "an XLSX workbook is binary; write it to a file with "
                                  "--out FILE")
    return chosen


def _deliver(data: bytes, out: Path | None, what: str) -> None:
    """Write ``data`` to ``out`` atomically, or to standard output."""
    from pledge.services import exports as svc
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    svc.write_atomic(out, data)
    render.err_console.print(f"wrote {what} to {out} ({len(data):,} bytes)")


@export_app.command("projects")
def projects(fmt: FormatOpt = None, out: OutOpt = None,
             framework: Annotated[str | None, typer.Option(help="Framework key")] = None,
             status: Annotated[str | None, typer.Option(help="Stage")] = None,
             sector: Annotated[str | None, typer.Option(help="Sector key or wording")] = None,
             as_of: AsOfOpt = None) -> None:
    """Export projects as CSV or XLSX.

    Projects with their estimate, sponsors, funding date and money under the cap.

    \b
    Example:
      pledge export projects --status selected --out selected.xlsx
    """
    from pledge.services import exports as svc
    chosen = _table_format(fmt, out)
    data = svc.export_projects(_engine(), chosen, framework=framework, status=status,
                               sector=sector, as_of=day_or_none(as_of, "as_of"))
    _deliver(data, out, f"projects ({chosen})")


@export_app.command("ledger")
def ledger(framework: Annotated[str, typer.Option(help="Framework key")],
           fmt: FormatOpt = None, out: OutOpt = None) -> None:
    """Export every posting of a ledger.

    Every posting of a framework's ledger (XLSX adds a sheet of balances).

    \b
    Example:
      pledge export ledger --framework japan --out ledger.csv
    """
    from pledge.services import exports as svc
    chosen = _table_format(fmt, out)
    data = svc.export_ledger(_engine(), framework, chosen)
    _deliver(data, out, f"the {framework} ledger ({chosen})")


@export_app.command("deadlines")
def deadlines(framework: Annotated[str | None, typer.Option(help="Framework key")] = None,
              on: Annotated[str | None, typer.Option(
                  "--on", help="Count the days left as of (default today)")] = None,
              out: OutOpt = None) -> None:
    """Funding dates as an iCalendar feed.

    Funding dates of selected and notified projects as an iCalendar feed.

    \b
    Example:
      pledge export deadlines --framework japan --out deadlines.ics
    """
    from pledge.services import exports as svc
    data = svc.deadlines_ics(_engine(), framework=framework, as_of=day(on, "on"))
    _deliver(data, out, "the deadlines (iCalendar)")


@export_app.command("project")
def project(id: Annotated[str, typer.Argument(help="Project id")],
            out: OutOpt = None) -> None:
    """One project as an OC4IDS document.

    One project as an OC4IDS document (JSON, money as text).

    \b
    Example:
      pledge export project 24 --out project-24.json
    """
    from pledge.models.exports import OC4IDSProject
    from pledge.services import exports as svc
    doc = OC4IDSProject.model_validate(svc.project_oc4ids(_engine(), id)).document()
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    _deliver(text.encode("utf-8"), out, f"project {doc['pledge']['projectId']} (OC4IDS)")


@export_app.command("oc4ids")
def oc4ids(framework: Annotated[str | None, typer.Option(
               "--framework", help="Only this framework's projects (default: every framework)",
               show_default=False)] = None,
           out: OutOpt = None,
           uri: Annotated[str | None, typer.Option(
               "--uri", help="The package's address (default: a URN naming the framework)",
               show_default=False)] = None,
           publisher: Annotated[str, typer.Option(
               "--publisher", help="Who publishes the package")] = "pledge",
           check: Annotated[bool, typer.Option(
               "--check/--no-check",
               help="Validate against the OC4IDS 0.9.5 schemas and codelists first "
                    "(shipped with pledge; nothing is fetched)")] = True,
           as_of: AsOfOpt = None) -> None:
    """Every project in one OC4IDS project package.

    Every project of a framework (or of all) in one OC4IDS 0.9.5 project package:
    money as JSON numbers, parties with their codelist roles, guarantees as financing,
    related projects, sources as documents with their dates. The package is checked
    against the official schemas and codelists before anything is written; an invalid
    package is not written (exit 1, the errors on standard error). Codes of open
    codelists that are pledge's own are named on standard error.

    \b
    Example:
      pledge export oc4ids --framework japan --out japan-oc4ids.json
      pledge export oc4ids --as-of 2027-03-31 --out oc4ids-march.json
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from pledge.services import exports as svc
    err = render.err_console
    with Progress(TextColumn("reading projects"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("projects", total=None)
        package = svc.oc4ids_package(
            _engine(), framework, uri=uri, publisher=publisher,
            as_of=day_or_none(as_of, "as_of"),
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    if check:
        errors = svc.schema_errors(package)
        if errors:
            for line in errors:
                err.print(f"invalid: {line}", markup=False)
            err.print("not written: the package is not valid OC4IDS")
            raise typer.Exit(1)
        for field, codes in svc.codelist_extensions(package).items():
            err.print(f"note: {field} uses codes of pledge's own: {', '.join(codes)}",
                      markup=False)
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    _deliver(text.encode("utf-8"), out,
             f"{len(package['projects'])} projects (OC4IDS package)")


@export_app.command("bulk")
def bulk(out: Annotated[Path, typer.Option(
             "--out", help="The folder to write into (made if missing)")],
         framework: Annotated[str | None, typer.Option(
             "--framework", help="Only this framework's projects (default: every framework)",
             show_default=False)] = None,
         as_of: AsOfOpt = None) -> None:
    """Open data: the tables as CSV and Parquet.

    Projects, estimates, stage changes, fundings and the ledger, each as CSV (money as
    text with two decimals) and as Parquet (typed; money as exact decimals), with
    dictionary.csv (every column's type and meaning) and datapackage.json (a
    Frictionless Data package of the CSV files). All files are written, or none.

    \b
    Example:
      pledge export bulk --framework japan --out open-data/
      pledge export bulk --as-of 2027-03-31 --out open-data-march/
    """
    from pledge.services import bulk as svc
    paths = svc.write_bulk(_engine(), out, framework, day_or_none(as_of, "as_of"))
    render.err_console.print(f"wrote {render.plural(len(paths), 'file')} to {out}",
                             markup=False)


@export_app.command("changes")
def changes(framework: Annotated[str | None, typer.Option(
                "--framework", help="Only this framework's changes (default: all)",
                show_default=False)] = None,
            project: Annotated[str | None, typer.Option(
                "--project", help="Only this project's changes", show_default=False)] = None,
            out: OutOpt = None) -> None:
    """Accepted changes as an Atom feed.

    New projects, stage changes, money moved for a project and amended terms, newest
    first (at most 200), each entry one row of the audit log (its id never changes).

    \b
    Example:
      pledge export changes --framework japan --out japan-changes.atom
    """
    from pledge.services import feeds
    data = feeds.changes_feed(_engine(), framework=framework, project_id=project)
    _deliver(data, out, "the feed of changes (Atom)")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")

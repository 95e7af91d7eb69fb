"""Exports: projects and ledgers as CSV and XLSX, deadlines as iCalendar, OC4IDS documents.

Files come back with their media type and a ``Content-Disposition`` naming the
file; errors keep the one JSON error shape (``server/errors.py``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from pledge.domain.access import Action
from pledge.models.exports import OC4IDSPackage, OC4IDSProject, RiskTable
from pledge.server.deps import EngineDep, require
from pledge.server.params import RecordId
from pledge.services import exports as svc
from pledge.services import feeds
from pledge.services import risk as risk_svc

router = APIRouter(tags=["exports"])


def _file(data: bytes, media_type: str, filename: str) -> Response:
    return Response(content=data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _safe(text: str) -> str:
    """``text`` fit for a file name (letters, digits, '-' and '_')."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text.strip().lower()).strip("-") or "export"


def _projects_name(ext: str, framework: str | None) -> str:
    return f"projects-{_safe(framework)}.{ext}" if framework else f"projects.{ext}"


def _content(media_type: str, *, binary: bool = False) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a file response: its media type, with the body a string
    (``binary`` for a workbook)."""
    schema = {"type": "string", **({"format": "binary"} if binary else {})}
    return {200: {"content": {media_type.split(";")[0]: {"schema": schema}},
                  "description": "The file."}}


@router.get("/exports/projects.csv", response_class=Response,
            responses=_content(svc.CSV_MEDIA_TYPE), dependencies=[require(Action.READ_PUBLIC)])
def projects_csv(engine: EngineDep, framework: str | None = None, status: str | None = None,
                 sector: str | None = None, as_of: date | None = None) -> Response:
    """Projects (filters as for the project list) as CSV; money as text with two decimals;
    ``as_of``: as recorded by the end of that day."""
    text = svc.projects_csv(engine, framework=framework, status=status, sector=sector,
                            as_of=as_of)
    return _file(text.encode("utf-8"), svc.CSV_MEDIA_TYPE, _projects_name("csv", framework))


@router.get("/exports/projects.xlsx", response_class=Response,
            responses=_content(svc.XLSX_MEDIA_TYPE, binary=True),
            dependencies=[require(Action.READ_PUBLIC)])
def projects_xlsx(engine: EngineDep, framework: str | None = None, status: str | None = None,
                  sector: str | None = None, as_of: date | None = None) -> Response:
    """Projects as an XLSX workbook (exact amounts with a currency format, date cells);
    ``as_of``: as recorded by the end of that day."""
    data = svc.projects_xlsx(engine, framework=framework, status=status, sector=sector,
                             as_of=as_of)
    return _file(data, svc.XLSX_MEDIA_TYPE, _projects_name("xlsx", framework))


@router.get("/frameworks/{key}/ledger.csv", response_class=Response,
            responses=_content(svc.CSV_MEDIA_TYPE), dependencies=[require(Action.READ)])
def ledger_csv(key: str, engine: EngineDep) -> Response:
    """Every posting of the framework's ledger as CSV."""
    text = svc.ledger_csv(engine, key)
    return _file(text.encode("utf-8"), svc.CSV_MEDIA_TYPE, f"ledger-{_safe(key)}.csv")


@router.get("/frameworks/{key}/ledger.xlsx", response_class=Response,
            responses=_content(svc.XLSX_MEDIA_TYPE, binary=True),
            dependencies=[require(Action.READ)])
def ledger_xlsx(key: str, engine: EngineDep) -> Response:
    """The framework's ledger as XLSX: every posting, and the balances by account."""
    return _file(svc.ledger_xlsx(engine, key), svc.XLSX_MEDIA_TYPE,
                 f"ledger-{_safe(key)}.xlsx")


@router.get("/exports/deadlines.ics", response_class=Response,
            responses=_content(svc.ICS_MEDIA_TYPE), dependencies=[require(Action.READ_PUBLIC)])
def deadlines_ics(engine: EngineDep, framework: str | None = None) -> Response:
    """Funding dates of selected and notified projects as an iCalendar feed (subscribe to it)."""
    name = f"deadlines-{_safe(framework)}.ics" if framework else "deadlines.ics"
    return _file(svc.deadlines_ics(engine, framework=framework), svc.ICS_MEDIA_TYPE, name)


@router.get("/projects/{project_id}/oc4ids", response_class=JSONResponse,
            response_model=OC4IDSProject, dependencies=[require(Action.READ_PUBLIC)])
def project_oc4ids(project_id: RecordId, engine: EngineDep, request: Request) -> JSONResponse:
    """The project as an OC4IDS project document (money as JSON numbers, as the standard
    asks); each related project comes with the address of its own document."""
    doc = OC4IDSProject.model_validate(svc.project_oc4ids(
        engine, project_id, base_url=str(request.base_url))).document()
    return JSONResponse(doc, headers={
        "Content-Disposition": f'inline; filename="{svc.oc4ids_id(project_id)}.json"'})


@router.get("/public/oc4ids.json", response_class=JSONResponse,
            response_model=OC4IDSPackage, dependencies=[require(Action.READ_PUBLIC)])
def oc4ids_package(engine: EngineDep, request: Request, framework: str | None = None,
                   as_of: date | None = None) -> JSONResponse:
    """Every project (of one framework, or of all) as one OC4IDS 0.9.5 project package:
    bulk open data, valid against the official schemas and codelists. Its ``uri`` is
    this address; its ``publishedDate`` the last recorded change of what it holds.
    ``as_of``: as recorded by the end of that day (the projects recorded by then, each
    built from the rows recorded by then)."""
    package = svc.oc4ids_package(engine, framework, base_url=str(request.base_url),
                                 uri=str(request.url), as_of=as_of)
    name = f"oc4ids-{_safe(framework)}.json" if framework else "oc4ids.json"
    return JSONResponse(package, headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/feeds/changes.atom", response_class=Response,
            responses=_content(feeds.ATOM_MEDIA_TYPE), dependencies=[require(Action.READ_PUBLIC)])
def changes_atom(engine: EngineDep, request: Request, framework: str | None = None) -> Response:
    """Accepted changes (new projects, stage changes, money moved, amended terms) as an
    Atom feed, newest first: of one framework, or of all."""
    name = f"changes-{_safe(framework)}.atom" if framework else "changes.atom"
    body = feeds.changes_feed(engine, framework=framework, base_url=str(request.base_url),
                              self_url=str(request.url))
    return Response(body, media_type=feeds.ATOM_MEDIA_TYPE,
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/projects/{project_id}/changes.atom", response_class=Response,
            responses=_content(feeds.ATOM_MEDIA_TYPE), dependencies=[require(Action.READ_PUBLIC)])
def project_changes_atom(project_id: RecordId, engine: EngineDep, request: Request) -> Response:
    """One project's accepted changes as an Atom feed, newest first."""
    body = feeds.changes_feed(engine, project_id=project_id, base_url=str(request.base_url),
                              self_url=str(request.url))
    return Response(body, media_type=feeds.ATOM_MEDIA_TYPE, headers={
        "Content-Disposition": f'inline; filename="changes-project-{project_id}.atom"'})


@router.get("/exports/risk.json", response_class=JSONResponse, response_model=RiskTable,
            dependencies=[require(Action.READ_PUBLIC)])
def risk_json() -> JSONResponse:
    """The calibrated risk the simulations draw from: each reference class's cost overrun,
    delay and abandonment figures with unit and source, the macro factors and their
    correlation matrix (the data behind the /risk page)."""
    return JSONResponse(RiskTable.of(risk_svc.risk_document()).document(),
                        headers={"Content-Disposition": 'inline; filename="risk.json"'})

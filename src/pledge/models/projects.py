"""The public shape of a project and of everything recorded about it: the list's rows, the
detail (stages, sponsors, estimates, consultations, funding, reported sites and stages,
links, the allocation), its history, and the answers of the changes made to it (fundings,
allocations, guarantee calls, links, imports, in-kind contributions).

The command line's ``--json`` and the API write these same models: ``projects list
--json`` prints a bare list of :class:`ProjectSummary`, ``GET /projects`` a
``Page[ProjectSummary]``; ``projects show --json`` and ``GET /projects/{id}`` a
:class:`ProjectDetail`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from pledge.models import MoneyText, Rows, Shape, Timestamp
from pledge.services import funding as funding_svc
from pledge.services import projects as svc
from pledge.services import relations as relations_svc


class _Project(Shape):
    """The fields a project's list row and its detail share."""

    id: int
    name: str
    framework: str
    sector: str
    sector_detail: str
    status: str
    amount_low_usd: MoneyText | None
    amount_high_usd: MoneyText | None
    location: str
    states: list[str]
    funding_date: date | None


class ProjectSummary(_Project):
    """A project as the list shows it: the US-dollar bounds of its primary estimate."""

    @classmethod
    def of(cls, r: svc.ProjectSummary) -> ProjectSummary:
        return cls(id=r.id, name=r.name, framework=r.framework, sector=r.sector,
                   sector_detail=r.sector_detail, status=r.status,
                   amount_low_usd=r.amount_low_usd, amount_high_usd=r.amount_high_usd,
                   location=r.location, states=list(r.states), funding_date=r.funding_date)


class Sponsor(Shape):
    name: str
    role: str
    note: str


class Estimate(Shape):
    """A sourced cost estimate as written (``low``/``high`` in ``currency``) and in US
    dollars; ``is_primary``: the one the project is shown with; ``as_of``: the source's
    date; ``recorded_at``: when pledge recorded it (what ``--as-of`` reads);
    ``confidence``: official, corroborated, reported or unsourced (``domain.provenance``),
    with the hosts whose figures agree with it (its own first) and the positions in the
    list of the estimates it conflicts with."""

    low: MoneyText | None
    high: MoneyText | None
    currency: str
    usd_low: MoneyText | None
    usd_high: MoneyText | None
    text: str
    source: str
    as_of: date | None
    is_primary: bool
    recorded_at: Timestamp | None = None
    confidence: str = "reported"
    agreeing_hosts: list[str] = Field(default_factory=list)
    conflicts_with: list[int] = Field(default_factory=list)


class Transition(Shape):
    """A move between stages (``from_stage`` None: the project's entry)."""

    from_stage: str | None
    to_stage: str
    actor: str
    role: str
    on: date
    reason: str
    sources: list[str]
    confidence: str = "reported"


class RecordedTransition(Transition):
    """A move between stages as the history gives it, with when it was recorded."""

    recorded_at: Timestamp


class Consultation(Shape):
    kind: str
    actor: str
    role: str
    on: date
    note: str
    sources: list[str]


class FundingLine(Shape):
    """Money put into the project's SPV per instrument and provider; ``contingent``: a
    guarantee outstanding (not cash)."""

    instrument: str | None
    provider: str | None
    amount: MoneyText
    contingent: bool


class SiteReport(Shape):
    location: str
    states: list[str]
    source: str
    as_of: date
    recorded_by: str
    confidence: str = "reported"


class StatusReport(Shape):
    stage: str
    wording: str
    source: str
    as_of: date
    recorded_by: str
    confidence: str = "reported"


class Link(Shape):
    """A link seen from a project: the other project (``project_id``, ``name``,
    ``status``), what it is to this one (``relation``, ``label``), the link as stored
    (``kind``), its source and whether it was withdrawn."""

    link_id: int
    project_id: int
    name: str
    status: str
    relation: str
    label: str
    kind: str
    source: str
    on: date
    note: str
    recorded_at: Timestamp
    recorded_by: str
    withdrawn_at: Timestamp | None
    withdrawn_by: str | None
    withdrawn_reason: str | None

    @classmethod
    def of(cls, r: relations_svc.RelatedProject) -> Link:
        return cls.model_validate(r.document())


class Allocation(Shape):
    """Under the cap: ``amount`` allocated in all, ``funded`` (drawn by fundings),
    ``available`` (left to draw), ``note`` (why it was last set)."""

    amount: MoneyText
    funded: MoneyText
    available: MoneyText
    note: str


class ProjectDetail(_Project):
    """One project with everything recorded about it."""

    component: str | None
    reported_status: str | None
    window_meaning: str | None
    extension_until: date | None
    sponsors: list[Sponsor]
    estimates: list[Estimate]
    transitions: list[Transition]
    consultations: list[Consultation]
    funding: list[FundingLine]
    sites: list[SiteReport]
    status_reports: list[StatusReport]
    related: list[Link]
    duplicate_of: int | None
    allocation: Allocation | None

    @classmethod
    def of(cls, d: svc.ProjectDetail) -> ProjectDetail:
        return cls.model_validate({
            **dict(ProjectSummary.of(d.summary)), "component": d.component,
            "reported_status": d.reported_status, "window_meaning": d.window_meaning,
            "extension_until": d.extension_until, "sponsors": d.sponsors,
            "estimates": d.estimates, "transitions": d.transitions,
            "consultations": d.consultations, "funding": d.funding, "sites": d.sites,
            "status_reports": d.status_reports, "related": d.related,
            "duplicate_of": d.duplicate_of, "allocation": d.allocation})


def project_document(d: svc.ProjectDetail) -> dict[str, Any]:
    """A project's JSON document (the CLI prints it; a change's idempotent replay keeps it)."""
    return ProjectDetail.of(d).document()


class AuditRow(Shape):
    """An audit entry: who (``actor`` in ``role``; ``user_name`` when someone recorded it
    for them) did what to which entity, with the values before and after."""

    id: int
    at: Timestamp
    actor: str
    role: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    user_name: str | None


class History(Shape):
    """A project's transitions and every audit entry about it; ``unverified``: ids of audit
    rows whose content no longer matches their hash."""

    project_id: int
    transitions: list[RecordedTransition]
    audit: list[AuditRow]
    unverified: list[int]

    @classmethod
    def of(cls, h: svc.History) -> History:
        return cls.model_validate({"project_id": h.project_id, "transitions": h.transitions,
                                   "audit": h.audit, "unverified": h.unverified})


class Funding(Shape):
    """A funding recorded: the amount, what ``counted`` toward the cap, and the cap's
    ``remaining`` capacity after it."""

    project_id: int
    status: str
    amount: MoneyText
    counted: MoneyText
    instrument: str
    provider: str
    on: date
    remaining: MoneyText

    @classmethod
    def of(cls, r: funding_svc.FundingResult) -> Funding:
        return cls(project_id=r.project_id, status=r.status, amount=r.amount,
                   counted=r.counted, instrument=r.instrument, provider=r.provider, on=r.on,
                   remaining=r.remaining)


def funding_document(r: funding_svc.FundingResult) -> dict[str, Any]:
    return Funding.of(r).document()


class AllocationChange(Shape):
    """A project's allocation after a change (``amount``), before it (``previous``), what
    fundings drew from it, and the capacity left unallocated."""

    project: int
    on: date
    amount: MoneyText
    previous: MoneyText
    funded: MoneyText
    unallocated: MoneyText
    reason: str

    @classmethod
    def of(cls, r: funding_svc.AllocationResult) -> AllocationChange:
        return cls.model_validate(r.document())


def allocation_document(r: funding_svc.AllocationResult) -> dict[str, Any]:
    return AllocationChange.of(r).document()


class GuaranteeCall(Shape):
    """A call on a guarantee: the amount called (now cash) and what the provider still
    ``guaranteed``."""

    project: int
    on: date
    amount: MoneyText
    provider: str
    guaranteed: MoneyText

    @classmethod
    def of(cls, r: funding_svc.GuaranteeCallResult) -> GuaranteeCall:
        return cls.model_validate(r.document())


def guarantee_call_document(r: funding_svc.GuaranteeCallResult) -> dict[str, Any]:
    return GuaranteeCall.of(r).document()


def link_document(r: relations_svc.RelatedProject) -> dict[str, Any]:
    return Link.of(r).document()


class Links(Rows[Link]):
    """A project's links (``GET /projects/{id}/links``; the CLI prints the bare list)."""


class ReportedStage(Shape):
    id: int
    reported_stage: str


class Import(Shape):
    """Projects imported: ids added, names already present, and the projects added at the
    entry stage with the later stage their row reported."""

    added: list[int]
    skipped: list[str]
    reported: list[ReportedStage]

    @classmethod
    def of(cls, r: svc.ImportResult) -> Import:
        return cls(added=list(r.added), skipped=list(r.skipped),
                   reported=[ReportedStage(id=pid, reported_stage=stage)
                             for pid, stage in r.reported])


class InKind(Shape):
    """A US in-kind contribution recorded (valued apart from the cap)."""

    project: int
    on: date
    kind: str
    value: MoneyText

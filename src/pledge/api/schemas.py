"""Request bodies (pydantic v2). Responses are the services' records as JSON (money as text)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from pledge.domain.bounds import MAX_ID, MAX_SEED
from pledge.domain.errors import PledgeError
from pledge.domain.project import creation_stage

# Whole numbers inside bodies, bounded like those in paths and queries (``server/params``).
ProjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(Strict):
    name: str = Field(min_length=1, max_length=300)
    sector: str
    framework: str = "japan"
    location: str = ""
    lead: str = ""
    partners: str = ""
    amount: str = ""
    status: str = Field(default="proposed", description=(
        "the lifecycle's entry stage, 'proposed' (or 'candidate'); any later stage is "
        "refused (lifecycle.not_entry_stage): it is reached through /transitions, and a "
        "stage a source reports is recorded through /status-reports"))
    reported_on: date | None = None
    source: str = ""

    @field_validator("status")
    @classmethod
    def _entry_stage(cls, value: str) -> str:
        try:
            creation_stage(value)
        except PledgeError as exc:
            p = exc.first
            raise PydanticCustomError(p.rule, p.message) from None
        return value


class ProjectUpdate(Strict):
    """The fields to change; fields left out are kept (the service checks the values)."""

    name: str | None = None
    sector: str | None = Field(default=None, description="e.g. 'energy (nuclear)': the "
                               "sector and its detail")
    sector_detail: str | None = None
    location: str | None = Field(default=None, description="where in the US (the states are "
                                 "found in it)")
    lead: str | None = Field(default=None, description="lead companies, ';'-separated "
                             "(replaces the lead sponsors)")
    partners: str | None = Field(default=None, description="partner companies, "
                                 "';'-separated (replaces partners, offtakers, suppliers)")


class TransitionCreate(Strict):
    to: str
    on: date
    reason: str = ""
    sources: list[str] = []
    # selecting: the approved amount (default: the primary estimate's upper bound)
    amount: str | None = Field(default=None, max_length=100)


class ConsultationCreate(Strict):
    kind: str
    on: date
    note: str = ""
    sources: list[str] = []


class ExtensionCreate(Strict):
    until: date
    on: date
    reason: str
    sources: list[str] = []


class FundingCreate(Strict):
    amount: str
    on: date
    instrument: str
    provider: str


class AllocationChange(Strict):
    """A project's allocation from now (``amount``, US dollars) and why."""

    amount: str = Field(max_length=100)
    reason: str = Field(max_length=2000)
    on: date | None = None


class GuaranteeCallCreate(Strict):
    """What of a project's guarantee is called (``provider``: needed when several are
    outstanding)."""

    amount: str = Field(max_length=100)
    on: date
    provider: str | None = Field(default=None, max_length=120)


class DistributionCreate(Strict):
    """Cash an SPV distributed: ``amount`` (the rule splits it), or ``partner`` and ``us``
    (accepted only when they are the rule's split, to the cent), or all three."""

    on: date
    amount: str | None = Field(default=None, max_length=100)
    partner: str | None = Field(default=None, max_length=100)
    us: str | None = Field(default=None, max_length=100)


class EstimateCreate(Strict):
    amount: str
    source: str
    on: date
    primary: bool = False


class SiteReportCreate(Strict):
    location: str
    source: str
    on: date
    states: list[str] = Field(default_factory=list)


class StatusReportCreate(Strict):
    stage: str
    source: str
    on: date
    wording: str = ""


class LinkCreate(Strict):
    """``project_id`` is ``kind`` of ``other`` (duplicate, later_tranche, earlier_tranche,
    part_of, umbrella_of, related), as ``source`` reports on ``on`` (default today)."""

    other: ProjectId
    kind: str
    source: str
    on: date | None = None
    note: str = ""


class LinkWithdrawal(Strict):
    """Withdraw the link between the project and ``other``; the link is kept, marked
    withdrawn with the reason."""

    other: ProjectId
    reason: str


class ScoreCreate(Strict):
    side: str
    criterion: str
    value: float
    on: date | None = None
    note: str = ""


class WeightCreate(Strict):
    side: str
    criterion: str
    weight: float
    on: date | None = None


class SimulationCreate(Strict):
    """One project, or (with ``framework``) its selected, notified, funded and operating
    projects as one correlated portfolio; exactly one of the two."""

    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    framework: str | None = None
    paths: int = Field(default=10_000, ge=1, le=5_000_000)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    deemed_rate: str | None = Field(default=None, description="override the framework's "
                                    "deemed rate, e.g. '0.06' or '6%'")
    discount_rate: str | None = Field(default=None, description="annual rate of the present "
                                      "values (default: the deemed rate in force), e.g. "
                                      "'0.05' or '5%'")


class BatchLimitsBody(Strict):
    """The limits a batch is chosen under, as ``pledge batch --framework`` takes them."""

    budget: str | None = Field(default=None, description="US dollars, e.g. 'US$20bn'; the "
                               "remaining cap and annual cap apply as well")
    sector_max: dict[str, Count] = Field(default_factory=dict, description="sector: at most")
    sector_min: dict[str, Count] = Field(default_factory=dict, description="sector: at least")
    max_per_sponsor: Count | None = None
    must_include: list[ProjectId] = Field(default_factory=list, description="project ids")
    exclude: list[ProjectId] = Field(default_factory=list, description="project ids")
    on: date | None = None
    paths: int = Field(default=2000, ge=1, le=10_000,
                       description="paths per project for the simulated criteria")


class BatchCreate(BatchLimitsBody):
    objective: str = Field(default="nash", description="us | partner | maxmin | nash")
    time_limit: float | None = Field(default=None, gt=0, le=60, description="seconds")


class ParetoCreate(BatchLimitsBody):
    max_points: int = Field(default=500, ge=1, le=500)
    time_limit: float | None = Field(default=None, gt=0, le=60,
                                     description="seconds; the sweep stops then and the "
                                                 "frontier is marked truncated")


# The news review queue

class AcceptBody(Strict):
    on: date | None = Field(default=None, description="date the change is recorded on "
                                                      "(default: the article's publication "
                                                      "date; today only if it has none)")
    as_report: bool = Field(default=False, description="for a reported stage: record it as a "
                                                       "sourced status report, not a "
                                                       "transition")


class RejectBody(Strict):
    reason: str = ""


class ArticleBody(Strict):
    source: str = Field(min_length=1, description="where the article is from (URL or name)")
    text: str = Field(min_length=1, description="the article, plain text or HTML")
    html: bool | None = Field(default=None, description="whether text is HTML (default: "
                                                        "guessed)")

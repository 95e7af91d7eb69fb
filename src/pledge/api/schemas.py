"""Request bodies (pydantic v2). Responses are the services' records as JSON (money as text)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


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
    status: str = "proposed"
    reported_on: date | None = None
    source: str = ""


class TransitionCreate(Strict):
    to: str
    on: date
    reason: str = ""
    sources: list[str] = []


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


class EstimateCreate(Strict):
    amount: str
    source: str
    on: date
    primary: bool = False


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
    project_id: int | None = None
    framework: str | None = None
    paths: int = Field(default=10_000, ge=1, le=5_000_000)
    seed: int = 0

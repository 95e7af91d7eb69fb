"""The public shape of the one JSON export: a project as an OC4IDS project document
(``GET /projects/{id}/oc4ids`` and ``pledge export project``).

The document follows the OC4IDS schema's field names (camelCase); its nested objects
(parties, budget, transactions, documents, ...) are described by the standard and kept
as they are mapped in ``pledge.exports.oc4ids``. Keys the mapping leaves out (no
locations, no transactions, ...) stay out: :meth:`OC4IDSProject.document` writes only
the keys the document has.
"""

from __future__ import annotations

from typing import Any

from pledge.models import Shape

__all__ = ["OC4IDSPackage", "OC4IDSPledge", "OC4IDSProject", "OC4IDSPublisher", "RiskClass",
           "RiskFactor", "RiskFigure", "RiskLink", "RiskTable"]


class OC4IDSPledge(Shape):
    """pledge's own extension: what the standard has no field for. Money as text."""

    projectId: int
    framework: str
    stage: str
    reportedStatus: str | None
    component: str | None
    fundingDate: str | None
    windowMeaning: str | None
    extensionUntil: str | None
    disbursed: str | None
    guaranteed: str | None
    duplicateOf: int | None


class OC4IDSProject(Shape):
    """An OC4IDS project document (see ``pledge.exports.oc4ids.project_document``)."""

    id: str
    updated: str | None
    title: str
    description: str
    status: str
    sector: list[str]
    additionalClassifications: list[dict[str, Any]]
    locations: list[dict[str, Any]] | None = None
    budget: dict[str, Any] | None = None
    parties: list[dict[str, Any]]
    publicAuthority: dict[str, Any] | None = None
    transactions: list[dict[str, Any]] | None = None
    documents: list[dict[str, Any]] | None = None
    relatedProjects: list[dict[str, Any]] | None = None
    period: dict[str, Any] | None = None
    completion: dict[str, Any] | None = None
    pledge: OC4IDSPledge

    def document(self) -> dict[str, Any]:
        """The document as JSON, with only the keys it has (none written as null)."""
        return self.model_dump(mode="json", exclude_unset=True)


class OC4IDSPublisher(Shape):
    """Who publishes a package."""

    name: str


class OC4IDSPackage(Shape):
    """An OC4IDS 0.9.5 project package: every project of a framework (or of all) as one
    document, valid against the official schemas (see ``services.exports.oc4ids_package``).
    ``publishedDate``: the last recorded change of what it holds."""

    uri: str
    publishedDate: str
    version: str
    publisher: OC4IDSPublisher
    projects: list[OC4IDSProject]


class RiskFigure(Shape):
    """One calibrated figure: its value and unit, its source or the reason it is
    assumed, and whether it is an assumption."""

    value: float
    unit: str
    source: str
    assumed: bool = False


class RiskLink(Shape):
    """How one construction outcome follows another: a correlation, its unit and source."""

    value: float
    unit: str
    source: str


class RiskClass(Shape):
    """A reference class's construction risk (overrun, delay, abandonment, loadings on
    the macro factors), each figure with its source."""

    risk_type: str
    label: str
    figures: dict[str, RiskFigure]
    overrun_median: float
    loadings: dict[str, float]
    loadings_source: str


class RiskFactor(Shape):
    """A shared macro factor: its name, label, yearly standard deviation and source."""

    name: str
    label: str
    annual_sd: float
    unit: str
    source: str


class RiskTable(Shape):
    """The calibrated risk the simulations draw from (``GET /exports/risk.json``): the
    reference classes, how delay and abandonment follow the overrun, the macro factors
    and their correlation matrix (rows and columns in the factors' order)."""

    classes: list[RiskClass]
    construction: dict[str, RiskLink]
    factors: list[RiskFactor]
    correlation: list[list[float]]
    correlation_source: str

    @classmethod
    def of(cls, doc: dict[str, Any]) -> RiskTable:
        """From ``services.risk.risk_document``."""
        return cls.model_validate(doc)

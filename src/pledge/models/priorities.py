"""The public shapes of priorities: scores, weights, rankings, batches, the Pareto frontier
and fund-or-decline advice; the API's responses and the command line's ``--json``.

``pledge batch --pareto --json`` prints a bare list of :class:`Solution` (its shape since
the first release, which a list cannot grow keys on); the API answers the frontier as
:class:`Frontier`, whose ``data`` holds the same :class:`Solution` documents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ConfigDict, Field

from pledge.models import MoneyText, Page, Shape
from pledge.services import priorities as svc


class CriterionScore(Shape):
    """A side's latest score of a project on one criterion."""

    value: float
    author: str
    role: str
    on: date
    note: str


class Scores(Shape):
    """Each side's current scores of one project, by criterion."""

    project_id: int
    us: dict[str, CriterionScore]
    partner: dict[str, CriterionScore]


class Weights(Shape):
    """Each side's weight of each criterion: the defaults, then what the side recorded."""

    us: dict[str, float]
    partner: dict[str, float]


class Driver(Shape):
    """A criterion that drives the sides apart on a project (weighted, US minus partner)."""

    criterion: str
    us_minus_partner: float


class RankedProject(Shape):
    """One open project in both sides' rankings; ``why``: a sentence for each criterion
    that drives the sides apart on it (the weights and the project's values)."""

    id: int
    name: str
    us_rank: int
    partner_rank: int
    us_score: float
    partner_score: float
    drivers: list[Driver]
    missing_us: list[str]
    missing_partner: list[str]
    why: list[str] = Field(default_factory=list)


class Rankings(Shape):
    """Both sides' rankings of a framework's open projects (in the US order), Kendall's
    tau-b between them and the overlap of their top k."""

    framework: str
    kendall_tau: float | None
    top_k: int
    top_k_overlap: float
    projects: list[RankedProject]

    @classmethod
    def of(cls, r: svc.Rankings) -> Rankings:
        c = r.comparison
        order = sorted(r.names, key=lambda p: c.us.ranks[p])
        return cls(
            framework=r.framework, kendall_tau=c.tau, top_k=c.top_k,
            top_k_overlap=c.top_overlap,
            projects=[RankedProject(
                id=p, name=r.names[p], us_rank=c.us.ranks[p], partner_rank=c.partner.ranks[p],
                us_score=c.us.scores[p], partner_score=c.partner.scores[p],
                drivers=[Driver(criterion=k, us_minus_partner=v) for k, v in c.drivers[p]],
                missing_us=list(c.us.missing[p]), missing_partner=list(c.partner.missing[p]),
                why=list(r.explanations.get(p, [])))
                for p in order])


class Solution(Shape):
    """One batch: the chosen candidate ids (as text), its exact cost, each side's utility
    (a share of its best), the objective's value, the solver's status and its gap."""

    selected: list[str]
    cost: MoneyText
    u_us: float
    u_partner: float
    objective: float
    status: str
    gap: float

    @classmethod
    def of(cls, sol: Any) -> Solution:
        """From an ``analytics.selection.BatchSolution``."""
        return cls(selected=list(sol.selected), cost=sol.cost, u_us=sol.u_us,
                   u_partner=sol.u_partner, objective=sol.objective, status=sol.status,
                   gap=sol.gap)


class Batch(Solution):
    """A chosen batch (:class:`Solution`'s keys), then what it was chosen for and under:
    the framework (None for an instance given as a document), the objective maximised,
    the budget and its reasons, and the open projects left out (``skipped``: no cost
    estimate; ``duplicates``: counted through another row)."""

    framework: str | None
    maximised: str
    budget: MoneyText
    budget_reasons: list[str]
    skipped: list[int]
    duplicates: list[int]

    @classmethod
    def of_choice(cls, choice: svc.BatchChoice) -> Batch:
        return cls(**Solution.of(choice.solution).model_dump(), framework=choice.framework,
                   maximised=choice.objective, budget=choice.budget,
                   budget_reasons=choice.budget_reasons, skipped=choice.skipped,
                   duplicates=choice.duplicates)

    @classmethod
    def of_instance(cls, sol: Any, objective: str, budget: Any) -> Batch:
        """A batch of an instance given as a document: no framework, nothing left out."""
        return cls(**Solution.of(sol).model_dump(), framework=None, maximised=objective,
                   budget=budget, budget_reasons=[], skipped=[], duplicates=[])


class Frontier(Page[Solution]):
    """Every non-dominated first batch (by U_us descending) in ``data``; ``count`` points,
    at most ``limit`` (the points asked for); ``truncated`` when the sweep stopped early;
    the budget and the projects left out as in :class:`Batch`."""

    model_config = ConfigDict(extra="forbid")

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    framework: str
    truncated: bool
    budget: MoneyText
    budget_reasons: list[str]
    skipped: list[int]
    duplicates: list[int]

    @classmethod
    def of(cls, f: svc.FrontierChoice) -> Frontier:
        return cls(data=[Solution.of(p) for p in f.points], count=len(f.points),
                   limit=f.max_points, offset=0, framework=f.framework,
                   truncated=f.truncated, budget=f.budget, budget_reasons=f.budget_reasons,
                   skipped=f.skipped, duplicates=f.duplicates)


class DeclineInputs(Shape):
    """What the advice was computed from (present values and exports in US dollars as
    simulation estimates, rates and probabilities as fractions)."""

    pv_funding: float
    pv_distributions: float
    exports: float
    tariff_increase: float
    duration_years: float
    probability: float
    incidence: float
    funding_cost: float


class DeclineAdvice(Shape):
    """Fund or decline: the partner's expected cost of each, the break-even probability,
    the inputs, the sensitivity (rows by probability carry ``probability``, ``cost_fund``,
    ``cost_decline`` and ``advice``; rows by duration ``duration_years`` and
    ``break_even_probability``) and the sources of the defaults."""

    project_id: int
    advice: str
    cost_fund: float
    cost_decline: float
    break_even_probability: float | None
    inputs: DeclineInputs
    sensitivity: list[dict[str, float | str | None]]
    sources: dict[str, str]

    @classmethod
    def of(cls, r: svc.DeclineReport) -> DeclineAdvice:
        a, x = r.advice, r.inputs
        return cls(
            project_id=r.project_id, advice=a.advice, cost_fund=a.cost_fund,
            cost_decline=a.cost_decline, break_even_probability=a.break_even_probability,
            inputs=DeclineInputs(
                pv_funding=x.pv_funding, pv_distributions=x.pv_distributions,
                exports=x.exports, tariff_increase=x.tariff_increase,
                duration_years=x.duration_years, probability=x.probability,
                incidence=x.incidence, funding_cost=r.funding_cost),
            sensitivity=r.sensitivity, sources=r.sources)


class BoardSummary(Shape):
    """What a finished priorities-board job records: the framework and budget, how many
    projects were ranked, each objective's chosen ids, and the frontier's size."""

    framework: str
    budget: MoneyText | None
    projects: int
    batches: dict[str, list[str]]
    frontier_points: int


def rankings_document(r: svc.Rankings) -> dict[str, Any]:
    """The rankings' JSON (for a job's stored result)."""
    return Rankings.of(r).document()


def batch_document(choice: svc.BatchChoice) -> dict[str, Any]:
    """A chosen batch's JSON (for a job's stored result)."""
    return Batch.of_choice(choice).document()


def frontier_document(f: svc.FrontierChoice) -> dict[str, Any]:
    """The frontier's JSON (for a job's stored result)."""
    return Frontier.of(f).document()


def decline_document(r: svc.DeclineReport) -> dict[str, Any]:
    """The advice's JSON (for a job's stored result)."""
    return DeclineAdvice.of(r).document()

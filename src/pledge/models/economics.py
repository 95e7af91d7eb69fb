"""The public shapes of the economics: the exact waterfall of one case, a project's
cash-flow model, its base case, and a Monte Carlo simulation's summary (the command
line's ``--json`` and the API's simulation result).

A simulation's expected takes and funding are exact text in whole cents on the API and
numbers on the command line (``pledge simulate --json``'s shape since the first release);
both are written by :class:`Simulation`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Strict

from pledge.models import MoneyText, Shape
from pledge.services import economics as svc
from pledge.services import simulation as sim

CENT = Decimal("0.01")

#: A float estimate kept as a number (only a float is one; text and Decimals are money).
Estimate = Annotated[float, Strict()]


class WaterfallPeriod(Shape):
    """One period of the split: each side's share and the partner's balance still owed."""

    period: int
    partner: MoneyText
    us: MoneyText
    balance: MoneyText


class Waterfall(Shape):
    """The exact waterfall (Decimal, in cents) with the partner's returns and the terms."""

    periods: list[WaterfallPeriod]
    recoup_period: int | None
    partner_total: MoneyText
    us_total: MoneyText
    partner_irr: float | None
    partner_moic: float | None
    deemed_rate: float
    periods_per_year: int
    pre_split: float
    post_split: float
    undistributed_negative_cash: MoneyText | None = None

    @classmethod
    def of(cls, rep: svc.WaterfallReport) -> Waterfall:
        r = rep.result
        return cls(
            periods=[WaterfallPeriod(period=p.period, partner=p.partner.quantize(CENT),
                                     us=p.us.quantize(CENT), balance=p.balance.quantize(CENT))
                     for p in r.periods],
            recoup_period=r.recoup_period, partner_total=r.partner_total.quantize(CENT),
            us_total=r.us_total.quantize(CENT), partner_irr=rep.partner_irr,
            partner_moic=rep.partner_moic, deemed_rate=float(rep.terms.deemed_rate),
            periods_per_year=rep.terms.periods_per_year,
            pre_split=float(rep.terms.pre_share), post_split=float(rep.terms.post_share),
            undistributed_negative_cash=r.undistributed_negative_cash.quantize(CENT))


class Driver(Shape):
    """One driver of a project's model: its value (exact text, or a unit's name), unit
    and source (an address, or "assumption: ...")."""

    value: str
    unit: str
    source: str


class UnitFigure(Shape):
    """One implied unit-economics figure (exact text) and its unit."""

    value: str
    unit: str


class Economics(Shape):
    """A project's cash-flow model: every parameter, and the project's own overrides.

    Keys after ``overrides`` came later: the model type (``kind``; ``note`` says why the
    generic model stands in when it does), its ``drivers``, each parameter's ``units`` and
    ``sources``, and the implied ``unit_economics`` (a year at full output, base-year
    dollars)."""

    project_id: int
    sector: str
    model: dict[str, Any]
    overrides: dict[str, Any]
    kind: str
    note: str | None
    drivers: dict[str, Driver]
    units: dict[str, str]
    sources: dict[str, str]
    unit_economics: dict[str, UnitFigure]

    @classmethod
    def of(cls, e: sim.ProjectEconomics) -> Economics:
        from pledge.services.project_models import PARAMETER_UNITS

        return cls(project_id=e.project_id, sector=e.sector, model=e.model.as_dict(),
                   overrides=e.overrides, kind=e.kind, note=e.note,
                   drivers={k: Driver(value=str(d.value), unit=d.unit, source=d.source)
                            for k, d in e.drivers.items()},
                   units={k: PARAMETER_UNITS.get(k, "") for k in e.model.as_dict()},
                   sources=e.sources,
                   unit_economics={u.name: UnitFigure(value=_figure(u.value), unit=u.unit)
                                   for u in e.units})


def _figure(value: Decimal) -> str:
    """A unit-economics figure as text, to four significant places after the point."""
    return format(value.quantize(Decimal("0.0001")).normalize(), "f")


class CashflowPeriod(Shape):
    """One period of a project's base case (US dollars)."""

    period: int
    funding: MoneyText
    distributable: MoneyText


class Percentiles(Shape):
    p5: float | None
    p50: float | None
    p95: float | None


class RecoupYears(Percentiles):
    """Years until the partner recovers its deemed allocation: percentiles over the
    paths that recover, the share that never does, and the share recovering by year."""

    never_share: float
    by_year: dict[str, float]


class PortfolioRecovery(Shape):
    """The share of paths where the partner recovers, read three ways: every project's
    waterfall ends recovered, at least one does, or one waterfall over the summed cash
    does (None where no waterfall per project exists: a pooled framework)."""

    every: float | None
    any: float | None
    pooled: float | None


#: A standard error or interval bound: a number, or money as exact text in cents.
Bound = Estimate | MoneyText | None


class Simulation(Shape):
    """A Monte Carlo summary: one project (``project_id``) or a framework's portfolio
    (``framework``, ``projects``, ``pooled``).

    The keys after ``expected_funding`` came later and are absent from results stored
    before them: see ``services.simulation.summary_document`` for their meaning.
    """

    project_id: int | None = None
    framework: str | None = None
    projects: list[int] | None = None
    pooled: bool | None = None
    paths: int
    seed: int
    prob_recover: float
    partner_irr: Percentiles
    irr_none_share: float
    expected_moic: float | None
    recoup_years: RecoupYears
    us_expected_take: Estimate | MoneyText | None
    partner_expected_take: Estimate | MoneyText | None
    expected_funding: Estimate | MoneyText | None
    discount_basis: str | None = None
    irr_total_loss_share: float | None = None
    recover_definition: str | None = None
    portfolio_recovery: PortfolioRecovery | None = None
    discount_rate: float | None = None
    partner_expected_pv: MoneyText | None = None
    expected_funding_pv: MoneyText | None = None
    undiscounted: list[str] | None = None
    standard_errors: dict[str, Bound] | None = None
    ci95: dict[str, list[Bound]] | None = None
    ci_method: dict[str, str] | None = None
    capital: dict[str, Estimate | MoneyText | None] | None = None

    def document(self) -> dict[str, Any]:
        """The JSON form, without the keys of the other kind of target."""
        return self.model_dump(mode="json", exclude_unset=True)

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Simulation:
        """From ``services.simulation.summary_document`` (or a stored job's result)."""
        return cls.model_validate(doc)


class SensitivityCase(Shape):
    """The partner's result in one case of a tornado: IRR (None when no rate solves it),
    present value of its net cash at the tornado's rate (exact text in cents), and years
    to recovery (None: not recovered)."""

    partner_irr: float | None
    partner_npv: MoneyText
    recoup_years: float | None


class SensitivityBar(Shape):
    """One driver or parameter moved down (``low``) and up (``high``) by ``swing`` of its
    ``base`` value, with each case's result and the IRR swing between them."""

    name: str
    unit: str
    what: str
    base: str
    low: str
    high: str
    swing: float
    low_case: SensitivityCase
    high_case: SensitivityCase
    irr_swing: float | None


class Sensitivity(Shape):
    """A project's tornado: the base case and every bar, largest IRR swing first; present
    values at ``discount_rate`` (annual effective; ``discount_basis`` says why)."""

    project_id: int
    name: str
    kind: str
    discount_rate: float
    discount_basis: str
    sorted_by: str
    base: SensitivityCase
    bars: list[SensitivityBar]

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Sensitivity:
        """From ``services.sensitivity.tornado_document``."""
        return cls.model_validate(doc)


class SweepPoint(SensitivityCase):
    """One value of a scenario sweep and the partner's result there."""

    value: str


class SensitivitySweep(Shape):
    """A scenario sweep: ``moved`` (its unit, ``what`` it is, its ``base`` value) run
    through evenly spaced values, the rest held; the base case and each point's result,
    present values at ``discount_rate``."""

    project_id: int
    name: str
    kind: str
    discount_rate: float
    discount_basis: str
    moved: str
    unit: str
    what: str
    base: str
    base_case: SensitivityCase
    points: list[SweepPoint]

    @classmethod
    def of(cls, doc: dict[str, Any]) -> SensitivitySweep:
        """From ``services.sensitivity.sweep_document``."""
        return cls.model_validate(doc)


class CapitalLayer(Shape):
    """One layer of a project's funding: its kind (equity, loan, guarantee, in kind), who
    holds it, the amount (exact text in cents), its terms and expected loss, and where
    the figures come from."""

    name: str
    kind: str
    holder: str
    amount: MoneyText
    rate: float
    tenor_years: float
    seniority: int
    call_probability: float
    loss_given_call: float
    expected_loss: MoneyText
    source: str


class CapitalStructureDoc(Shape):
    """A project's capital structure: its layers, who is paid first, the settings in
    force (the rules for overruns and negative cash, loan terms) and their sources, and
    the base case through it (amounts as exact text in cents; shares and periods as
    numbers)."""

    project_id: int
    layers: list[CapitalLayer]
    payment_order: list[str]
    settings: dict[str, Any]
    sources: dict[str, str]
    base_case: dict[str, MoneyText | int | None]

    @classmethod
    def of(cls, project_id: int, doc: dict[str, Any]) -> CapitalStructureDoc:
        """From ``services.capital_structure.capital_document``."""
        return cls.model_validate({"project_id": project_id, **doc})

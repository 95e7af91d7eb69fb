"""Sensitivity of a project's base case (a tornado): each driver, and the main cash-flow
parameters, moved down and up by a stated share of its value
(``pledge.domain.drivers.swing_of``), the rest held; for each, the partner's IRR, the
present value of its net cash at a stated rate, and the year it recovers its deemed
allocation, from the exact (Decimal) waterfall. Sorted by the swing in the partner's
IRR, largest first (then by the swing in present value).

A scenario sweep (:func:`sweep`) runs one of them through evenly spaced values instead,
for a line rather than a bar."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import Engine

from pledge.analytics import cashflows as cf
from pledge.domain import drivers as dr
from pledge.domain.errors import InvalidInput
from pledge.domain.waterfall import cents_of_any_size
from pledge.services.economics import discount_rate_for
from pledge.services.project_models import PARAMETER_UNITS
from pledge.services.simulation import (
    Pricing,
    ProjectEconomics,
    pricing,
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The partner's result in one case.

    irr: annual IRR of its net cash (None when no rate solves it); npv: present value of
    its net cash (receipts less funding) at the tornado's discount rate, whole cents;
    recoup_years: years from the first funding to recovery of its deemed allocation
    (None: not within the horizon)."""

    irr: float | None
    npv: Decimal
    recoup_years: float | None


@dataclass(frozen=True, slots=True)
class Bar:
    """One driver or parameter moved down (``low``) and up (``high``) by ``swing`` of its
    ``base`` value (kept inside its bounds), with the outcome of each."""

    name: str
    unit: str
    what: str  # "driver" or "parameter"
    base: str
    low: str
    high: str
    swing: float
    low_outcome: Outcome
    high_outcome: Outcome

    @property
    def irr_swing(self) -> float | None:
        lo, hi = self.low_outcome.irr, self.high_outcome.irr
        return None if lo is None or hi is None else abs(hi - lo)

    @property
    def npv_swing(self) -> Decimal:
        return abs(self.high_outcome.npv - self.low_outcome.npv)


@dataclass(frozen=True, slots=True)
class Tornado:
    """A project's tornado: the model type, the rate present values use and where it
    comes from, the base case's outcome and the bars, largest IRR swing first."""

    project_id: int
    name: str
    kind: str
    discount_rate: float
    discount_basis: str
    base: Outcome
    bars: list[Bar]


def _outcome(econ: ProjectEconomics, p: Pricing, rate: float) -> Outcome:
    from pledge.services.capital_structure import settle_model, settlement_report

    n = p.terms.periods_per_year
    # the base case through the project's capital structure, as its waterfall runs
    rep = settlement_report(settle_model(econ.model, p.capital_records, p.capital_settings,
                                         p.terms)[1])
    with localcontext() as ctx:
        ctx.prec = 40
        v = Decimal(1 + rate) ** (Decimal(-1) / n)
        npv = sum(((x.partner - x.funding) * v ** x.period for x in rep.result.periods),
                  Decimal(0))
    recoup = rep.result.recoup_period
    return Outcome(rep.partner_irr, cents_of_any_size(npv),
                   None if recoup is None else recoup / n)


def _text(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else f"{value:g}" if isinstance(
        value, float) else str(value)


def _candidates(econ: ProjectEconomics) -> list[tuple[str, str, str, Decimal, Decimal,
                                                      Decimal]]:
    """(name, unit, what, value, low bound, high bound) of everything the tornado moves."""
    out = []
    kind = dr.Kind(econ.kind)
    for name, d in econ.drivers.items():
        spec = dr.spec(kind, name)
        if spec is not None and isinstance(d.value, Decimal):
            out.append((name, d.unit, "driver", d.value, spec.low, spec.high))
    model = econ.model.as_dict()
    for name in dr.PARAMETER_SWING:
        if kind is not dr.Kind.GENERIC and name in dr.WORKED_OUT:
            continue
        low, high = cf.BOUNDS[name]
        out.append((name, PARAMETER_UNITS.get(name, ""), "parameter",
                    Decimal(repr(float(model[name]))), Decimal(repr(low)), Decimal(repr(high))))
    return out


def sensitivity(engine: Engine, project_id: int | str, *,
                discount_rate: str | float | None = None,
                deemed_rate: str | None = None) -> Tornado:
    """The project's tornado (module docstring); present values at ``discount_rate``
    (annual effective), by default the deemed rate in force."""
    p = pricing(engine, project_id, deemed_rate=deemed_rate)
    rate, basis = discount_rate_for(p.terms, discount_rate)
    econ = p.economics_with({})
    base = _outcome(econ, p, rate)
    bars = []
    for name, unit, what, value, low, high in _candidates(econ):
        swing = dr.swing_of(name)
        down, up = dr.flexed(value, swing, low, high)
        if down == up == value:
            continue
        cases = [p.economics_with({name: str(x) if what == "driver" else float(x)})
                 for x in (down, up)]
        bars.append(Bar(name, unit, what, _text(value), _text(down), _text(up), float(swing),
                        _outcome(cases[0], p, rate), _outcome(cases[1], p, rate)))
    bars.sort(key=lambda b: (-(b.irr_swing or 0.0), -b.npv_swing, b.name))
    return Tornado(p.project_id, p.name, econ.kind, rate, basis, base, bars)


@dataclass(frozen=True, slots=True)
class Sweep:
    """A scenario sweep: one driver or parameter run through evenly spaced values, the
    rest held, with the partner's outcome at each (``points``: value as text, outcome)."""

    project_id: int
    name: str
    kind: str
    discount_rate: float
    discount_basis: str
    moved: str
    unit: str
    what: str
    base: str
    base_outcome: Outcome
    points: list[tuple[str, Outcome]]


def sweep(engine: Engine, project_id: int | str, moved: str, *, low: str | None = None,
          high: str | None = None, steps: int = 9, discount_rate: str | float | None = None,
          deemed_rate: str | None = None) -> Sweep:
    """Run ``moved`` (a driver or parameter the tornado moves) through ``steps`` values
    from ``low`` to ``high`` (default: the tornado's low and high), the rest held; the
    partner's IRR, present value and recoup year at each, from the exact waterfall.
    ``InvalidInput`` naming ``sweep`` for a name the project's model does not have, and
    ``from``/``to``/``steps`` for a range outside the parameter's bounds."""
    p = pricing(engine, project_id, deemed_rate=deemed_rate)
    rate, basis = discount_rate_for(p.terms, discount_rate)
    econ = p.economics_with({})
    found = {c[0]: c for c in _candidates(econ)}
    if moved not in found:
        raise InvalidInput.single("sweep", moved, "economics.sweep",
                                  f"the {econ.kind} model of project {p.project_id} moves "
                                  f"{', '.join(sorted(found))}")
    _, unit, what, value, bound_low, bound_high = found[moved]
    down, up = dr.flexed(value, dr.swing_of(moved), bound_low, bound_high)
    points = dr.sweep_points(down if low is None else low, up if high is None else high,
                             steps, bound_low, bound_high, moved)
    outcomes = []
    for x in points:
        case = p.economics_with({moved: str(x) if what == "driver" else float(x)})
        outcomes.append((_text(x.normalize() if x == x.to_integral() else x),
                         _outcome(case, p, rate)))
    return Sweep(p.project_id, p.name, econ.kind, rate, basis, moved, unit, what,
                 _text(value), _outcome(econ, p, rate), outcomes)


def _outcome_document(o: Outcome) -> dict[str, Any]:
    return {"partner_irr": o.irr, "partner_npv": o.npv, "recoup_years": o.recoup_years}


def sweep_document(s: Sweep) -> dict[str, Any]:
    """The sweep as the command line's ``--json`` and the API give it."""
    return {"project_id": s.project_id, "name": s.name, "kind": s.kind,
            "discount_rate": s.discount_rate, "discount_basis": s.discount_basis,
            "moved": s.moved, "unit": s.unit, "what": s.what, "base": s.base,
            "base_case": _outcome_document(s.base_outcome),
            "points": [{"value": v, **_outcome_document(o)} for v, o in s.points]}


def tornado_document(t: Tornado) -> dict[str, Any]:
    """The tornado as the command line's ``--json`` and the API give it."""
    outcome = _outcome_document

    return {"project_id": t.project_id, "name": t.name, "kind": t.kind,
            "discount_rate": t.discount_rate, "discount_basis": t.discount_basis,
            "sorted_by": "swing in the partner's IRR, then in its present value",
            "base": outcome(t.base),
            "bars": [{"name": b.name, "unit": b.unit, "what": b.what, "base": b.base,
                      "low": b.low, "high": b.high, "swing": b.swing,
                      "low_case": outcome(b.low_outcome), "high_case": outcome(b.high_outcome),
                      "irr_swing": b.irr_swing} for b in t.bars]}

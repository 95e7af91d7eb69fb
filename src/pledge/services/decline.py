"""Fund-or-decline advice: the partner's expected cost of funding a project against the
expected cost of declining it (``domain.decline`` has the rule), with its sensitivity to
the probability and the duration of the higher tariff."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from typing import Any

from sqlalchemy import Engine

from pledge.domain import fair_use
from pledge.domain.bounds import check_seed
from pledge.domain.decline import DeclineAdvice, DeclineInputs, advise
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.lifecycle import Role
from pledge.services.base import load_framework, project_row
from pledge.services.batches import usd_amount
from pledge.services.dashboard import views
from pledge.store import priorities as q
from pledge.store.db import transaction


@lru_cache(maxsize=1)
def _decline_doc() -> dict[str, Any]:
    return tomllib.loads((files("pledge") / "data" / "decline.toml").read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class DeclineReport:
    project_id: int
    inputs: DeclineInputs
    funding_cost: float
    advice: DeclineAdvice
    sensitivity: list[dict[str, float | str | None]]
    sources: dict[str, str]


@dataclass(frozen=True, slots=True)
class DeclineRequest:
    """A checked request for fund-or-decline advice, every default filled in."""

    project_id: int
    framework: str
    terms: Any  # domain.framework.FrameworkTerms
    paths: int
    seed: int
    rate: float
    increase: float
    exports: float
    duration_years: float
    probability: float
    incidence: float

    @property
    def key(self) -> tuple[Any, ...]:
        return ("decline", self.project_id, self.paths, self.seed, self.rate, self.exports,
                self.duration_years, self.probability, self.incidence)


def check_decline(engine: Engine, project_id: int | str, *, paths: int = 5000, seed: int = 0,
                  exports: float | str | None = None, duration_years: float | None = None,
                  probability: float | None = None, incidence: float | None = None,
                  funding_cost: float | None = None, role: Role | None = None
                  ) -> DeclineRequest:
    """Every input of the advice, given or defaulted, checked before anything is simulated
    (with ``role``: the paths against its allowance)."""
    from pledge.services.simulation import check_paths

    check_paths(paths)
    if role is not None:
        fair_use.check_paths(role, paths)
    check_seed(seed)
    if isinstance(exports, str):
        exports = float(usd_amount(exports, "exports"))

    with transaction(engine) as s:
        row = project_row(s, project_id)
        fw_row = q.framework_by_id(s, row.framework_id)
        terms = load_framework(s, fw_row).current
    defaults = _decline_doc().get(fw_row.key, {})

    def pick(value: float | None, key: str) -> float:
        if value is not None:
            return float(value)
        if key not in defaults:
            raise InvalidInput.single(key, None, "decline.missing_default",
                                      f"no default {key} for {fw_row.key}; give it")
        return float(defaults[key])

    if terms.tariff_on_decline is None or terms.tariff_agreed is None:
        raise RuleViolation.single("framework", fw_row.key, "decline.no_tariff_terms",
                                   "the framework has no agreed and decline tariff rates")
    return DeclineRequest(row.id, fw_row.key, terms, paths, seed, pick(funding_cost,
                          "funding_cost"), float(terms.tariff_on_decline - terms.tariff_agreed),
                          pick(exports, "exports_usd"), pick(duration_years, "duration_years"),
                          pick(probability, "probability"), pick(incidence, "incidence"))


def decline_advice(engine: Engine, project_id: int | str, *, paths: int = 5000, seed: int = 0,
                   exports: float | str | None = None, duration_years: float | None = None,
                   probability: float | None = None, incidence: float | None = None,
                   funding_cost: float | None = None, role: Role | None = None
                   ) -> DeclineReport:
    """The partner's expected cost of funding a project against the cost of declining it.

    ``exports`` is a number of US dollars or an amount as written ("US$150bn"). Every
    input is checked before the simulation runs (``check_decline``); the advice is
    computed once per data version.
    """
    request = check_decline(engine, project_id, paths=paths, seed=seed, exports=exports,
                            duration_years=duration_years, probability=probability,
                            incidence=incidence, funding_cost=funding_cost, role=role)
    return views.get(engine, request.key, lambda: compute_decline(engine, request))


def compute_decline(engine: Engine, r: DeclineRequest) -> DeclineReport:
    """The advice a checked request asks for, simulated now."""
    from pledge.services.simulation import project_spec, simulate

    defaults = _decline_doc().get(r.framework, {})
    spec = project_spec(engine, r.project_id, r.paths, r.seed)
    summary, _ = simulate(replace(spec, discount_rate=r.rate))
    inputs = DeclineInputs(summary.expected_funding_pv, summary.partner_expected_pv, r.exports,
                           r.increase, r.duration_years, r.probability, r.incidence)
    sens: list[dict[str, float | str | None]] = []
    for p in (0.1, 0.25, 0.5, 0.75, 0.9):
        a = advise(replace(inputs, probability=p))
        sens.append({"probability": p, "cost_fund": a.cost_fund,
                     "cost_decline": a.cost_decline, "advice": a.advice})
    for years in (0.5, 1.0, 2.0, 3.0):
        a = advise(replace(inputs, duration_years=years))
        sens.append({"duration_years": years, "break_even_probability":
                     a.break_even_probability})
    sources = {"exports": str(defaults.get("exports_source", "")),
               "tariff": ", ".join(r.terms.sources.get("tariff.on_decline", ())),
               "funding_cost": str(defaults.get("funding_cost_source", ""))}
    return DeclineReport(r.project_id, inputs, r.rate, advise(inputs), sens, sources)



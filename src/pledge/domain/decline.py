"""Fund or decline a selected project: the partner's expected cost of each.

Funding costs the partner what it pays in minus what it expects back, both at
present value at its funding cost. Declining costs it a tariff increase on its
exports to the United States for a while, if the United States acts:

    cost_fund    = PV(funding) - PV(expected distributions)
    cost_decline = probability * tariff_increase * exports * duration * incidence

``incidence`` is the share of the tariff the partner's exporters bear. The
break-even probability is the probability at which the two costs are equal:
above it, declining is expected to cost more than funding.
"""

from __future__ import annotations

from dataclasses import dataclass

from pledge.domain.errors import InvalidInput, Problem


@dataclass(frozen=True, slots=True)
class DeclineInputs:
    """The numbers the comparison needs (money in US dollars, rates as fractions).

    pv_funding / pv_distributions: present values at the funding cost rate
    exports:          the partner's annual exports to the United States
    tariff_increase:  tariff if the partner declines minus the agreed tariff
    duration_years:   how long the higher tariff lasts
    probability:      probability the United States raises the tariff
    incidence:        share of the tariff borne by the partner's exporters
    """

    pv_funding: float
    pv_distributions: float
    exports: float
    tariff_increase: float
    duration_years: float
    probability: float
    incidence: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        for name in ("exports", "tariff_increase", "duration_years", "pv_funding"):
            if getattr(self, name) < 0:
                problems.append(Problem(name, getattr(self, name), "decline.negative",
                                        "must be >= 0"))
        for name in ("probability", "incidence"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(Problem(name, getattr(self, name), "decline.range",
                                        "must be between 0 and 1"))
        if problems:
            raise InvalidInput(problems)

    @property
    def tariff_exposure(self) -> float:
        """The partner's cost of declining if the United States surely acts."""
        return self.tariff_increase * self.exports * self.duration_years * self.incidence


@dataclass(frozen=True, slots=True)
class DeclineAdvice:
    """The comparison's outcome.

    break_even_probability: None when declining costs nothing whatever happens; 0 when
    funding is expected to pay for itself; above 1 when funding costs more than the
    tariff even if the US surely acts.
    """

    cost_fund: float
    cost_decline: float
    break_even_probability: float | None
    advice: str


def advise(x: DeclineInputs) -> DeclineAdvice:
    """Compare the expected costs of funding and declining."""
    cost_fund = x.pv_funding - x.pv_distributions
    cost_decline = x.probability * x.tariff_exposure
    exposure = x.tariff_exposure
    # A funding expected to pay for itself breaks even at probability 0.
    break_even = None if exposure == 0 else max(0.0, cost_fund / exposure)
    advice = "fund" if cost_fund <= cost_decline else "decline"
    return DeclineAdvice(cost_fund, cost_decline, break_even, advice)

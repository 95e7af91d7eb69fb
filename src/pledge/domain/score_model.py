"""Modelled default scores: what each side's score of a project is taken to be until the
side records its own (``pledge scores set``).

A modelled score is an assumption, labelled as one, never a claim: it follows from the
project's recorded facts (sector and its detail, name, size in US dollars, stage, whether
sites are named) by the fixed rules below, and the rule is given with the score so a
reader can check it. A score a side records (with its author, date and note) always
replaces the modelled one.

The rules, all on the 0 to 10 scale of the scored criteria:

- **Profile.** The project's profile is read from its sector, the sector's detail and its
  name (for instance "energy (LNG/pipeline)" is a fuel-export project, "energy (nuclear)"
  a nuclear one). Each profile has a strategic value and a supply-chain value *for each
  side*: the United States values power for AI, reactors and grid equipment built on its
  soil; Japan values what secures its own supply (fuel it imports, minerals it lacks) and
  what keeps its suppliers' orders. Each profile also has a labour intensity and a base
  risk.
- **Jobs in the United States:** the profile's labour intensity times a size factor
  (under US$1bn 0.4, under US$10bn 0.7, under US$50bn 0.9, else 1.0; 0.7 when no amount
  is recorded), rounded. Both sides get the same score: it is a fact about the project.
- **Readiness:** by stage (proposed 3, under review 4, finalist 6, recommended 7,
  selected or notified 9), one more when sites are named and one more when an amount is
  recorded, at most 10. The same for both sides.
- **Risk** (higher is riskier): the profile's base risk, two more at US$50bn or more, one
  more at US$10bn or more, one less under US$1bn, within 0 to 10. The same for both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

BN = Decimal(10) ** 9


@dataclass(frozen=True, slots=True)
class Profile:
    """What kind of project this is, for the modelled scores.

    strategic / resilience: (the United States' score, Japan's score).
    labour: jobs in the United States per unit of size, 0 to 10. risk: base risk, 0 to 10.
    """

    key: str
    label: str
    strategic: tuple[int, int]
    resilience: tuple[int, int]
    labour: int
    risk: int


# Matched in order: the first profile whose words appear in "sector detail name" wins.
PROFILES: tuple[tuple[tuple[str, ...], Profile], ...] = (
    (("nuclear", "reactor", "smr"),
     Profile("nuclear", "nuclear power", (9, 5), (7, 3), 9, 8)),
    (("lng", "crude", "oil export", "export terminal"),
     Profile("fuel_export", "fuel export (LNG, crude)", (6, 9), (4, 9), 5, 7)),
    (("gas-fired", "gas power", "natural gas power", "gas pipelines"),
     Profile("gas_power", "gas-fired power and pipelines", (7, 3), (5, 3), 6, 5)),
    (("semiconductors",),
     Profile("chips", "semiconductors", (10, 8), (9, 8), 8, 6)),
    (("fertilizer", "ammonia"),
     Profile("fertiliser", "fertiliser", (5, 4), (6, 5), 5, 5)),
    (("copper", "battery", "diamond", "critical_minerals", "metals", "steel"),
     Profile("minerals", "critical minerals and metals", (8, 7), (9, 8), 6, 7)),
    (("component", "optical fiber", "cooling", "storage", "display", "electronics"),
     Profile("components", "components and electronics", (7, 6), (8, 5), 7, 4)),
    (("grid", "substation", "transmission", "power equipment", "power", "epc"),
     Profile("power_equipment", "power plants, grid and power equipment", (8, 4), (8, 3),
             7, 4)),
    (("shipbuilding",),
     Profile("ships", "shipbuilding", (9, 4), (7, 3), 8, 6)),
    (("pharmaceuticals",),
     Profile("pharma", "pharmaceuticals", (6, 5), (7, 5), 6, 5)),
    (("port", "logistics", "dredging"),
     Profile("logistics", "ports and logistics", (5, 2), (6, 2), 5, 3)),
)
OTHER = Profile("other", "other", (5, 3), (5, 3), 5, 5)

STAGE_READINESS = {"proposed": 3, "under_review": 4, "finalist": 6, "recommended": 7,
                   "selected": 9, "notified": 9}

SIDES = ("us", "partner")


def profile(sector: str, detail: str, name: str) -> Profile:
    """The first profile whose words appear in the project's sector, detail or name."""
    text = f"{sector} {detail} {name}".lower()
    return next((p for words, p in PROFILES if any(w in text for w in words)), OTHER)


#: Jobs: the size factor below each bound (US$bn), then at or above the last; without
#: an amount.
SIZE_FACTORS = ((1, 0.4), (10, 0.7), (50, 0.9))
LARGEST_FACTOR = 1.0
NO_AMOUNT_FACTOR = 0.7
#: Risk: what size adds at or above each bound (US$bn), largest first; and under US$1bn.
SIZE_RISK = ((50, 2), (10, 1))
SMALL_RISK = -1


def _size_factor(usd: Decimal | None) -> tuple[float, str]:
    if usd is None:
        return NO_AMOUNT_FACTOR, f"no amount recorded: {NO_AMOUNT_FACTOR:g}"
    for limit, factor in SIZE_FACTORS:
        if usd < limit * BN:
            return factor, f"under US${limit}bn: {factor:g}"
    return LARGEST_FACTOR, f"US${SIZE_FACTORS[-1][0]}bn or more: {LARGEST_FACTOR:g}"


def _size_risk(usd: Decimal | None) -> tuple[int, str]:
    if usd is None:
        return 0, "no amount recorded: +0"
    for limit, extra in SIZE_RISK:
        if usd >= limit * BN:
            return extra, f"US${limit}bn or more: {extra:+d}"
    if usd < BN:
        return SMALL_RISK, f"under US$1bn: {SMALL_RISK:+d}"
    return 0, f"US$1bn to US${SIZE_RISK[-1][0]}bn: +0"


def rules_in_words() -> list[str]:
    """The rules for jobs, readiness and risk, one sentence each, from the constants the
    scores are computed with."""
    sizes = ", ".join(f"under US${limit}bn {factor:g}" for limit, factor in SIZE_FACTORS)
    stages = ", ".join(f"{st.replace('_', ' ')} {n}" for st, n in STAGE_READINESS.items())
    risks = ", ".join(f"{extra:+d} at US${limit}bn or more" for limit, extra in SIZE_RISK)
    return [f"Jobs: labour intensity × size ({sizes}, else {LARGEST_FACTOR:g}; "
            f"{NO_AMOUNT_FACTOR:g} without an amount), rounded.",
            f"Readiness: by stage ({stages}), +1 with sites named, +1 with an amount, "
            f"at most 10.",
            f"Risk: the profile's base risk, {risks}, {SMALL_RISK:+d} under US$1bn, "
            f"within 0 to 10."]


@dataclass(frozen=True, slots=True)
class Modelled:
    """A modelled score and the rule that gave it, in words."""

    value: float
    rule: str


def modelled_scores(*, sector: str, detail: str, name: str, stage: str,
                    usd: Decimal | None, sites_named: bool
                    ) -> dict[str, dict[str, Modelled]]:
    """side -> criterion -> modelled score, for the scored criteria (see the module
    docstring for the rules)."""
    p = profile(sector, detail, name)
    factor, size_words = _size_factor(usd)
    jobs = Modelled(float(round(p.labour * factor)),
                    f"modelled: labour intensity of {p.label} {p.labour} × size ({size_words})")
    base = STAGE_READINESS.get(stage, 3)
    ready = min(10, base + sites_named + (usd is not None))
    readiness = Modelled(float(ready), (
        f"modelled: stage {stage.replace('_', ' ')} {base}"
        f"{', +1 sites named' if sites_named else ''}"
        f"{', +1 amount recorded' if usd is not None else ''}"))
    extra, risk_words = _size_risk(usd)
    risk = Modelled(float(min(10, max(0, p.risk + extra))),
                    f"modelled: base risk of {p.label} {p.risk}, size {risk_words}")
    out: dict[str, dict[str, Modelled]] = {}
    for i, side in enumerate(SIDES):
        whose = "the United States" if side == "us" else "Japan"
        out[side] = {
            "strategic": Modelled(float(p.strategic[i]),
                                  f"modelled: strategic value of {p.label} to {whose}"),
            "resilience": Modelled(float(p.resilience[i]),
                                   f"modelled: supply security {p.label} gives {whose}"),
            "jobs": jobs, "readiness": readiness, "risk": risk}
    return out


def explain(criterion_label: str, us_weight: float, partner_weight: float,
            us_value: str, partner_value: str) -> str:
    """One sentence on why a criterion pulls the two sides apart on a project: the weight
    each side gives it (normalised to sum to 1) and the project's value for each side, as
    written for a reader ("9", "6.3%", "no value")."""
    if us_value == partner_value:
        on_it = f"this project scores {us_value} on it for both sides"
    else:
        on_it = f"this project scores {us_value} (US) vs {partner_value} (Japan) on it"
    return (f"{criterion_label}: the US weighs it {us_weight:.2f} vs Japan "
            f"{partner_weight:.2f}; {on_it}")


def rule_words(values: Sequence[str]) -> str:
    """Distinct rules, in order, joined for a reader."""
    seen: list[str] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return "; ".join(seen)

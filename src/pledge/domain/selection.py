"""Choosing a first batch: the candidates, the constraints, and what makes a batch feasible.

A batch is a set of candidate projects. It is feasible when:

* its cost fits the budget (the batch budget, already capped by the framework's
  remaining capacity and annual cap where those apply);
* every must-include candidate is in it and no excluded one is;
* each sector's count and amount lie within their minimum and maximum;
* no lead sponsor has more than ``max_per_sponsor`` projects in it;
* every chosen candidate is ready by ``ready_by`` (when both are given).

Each side's utility of a batch is the sum of its scores divided by the largest
sum that side can reach over all feasible batches. This module judges a given
batch; the optimiser in ``pledge.analytics.selection`` searches for the best one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.project import canonical_sector


class Objective(StrEnum):
    """What the optimiser maximises.

    US / PARTNER: one side's utility. MAXMIN: the smaller of the two (egalitarian).
    NASH: their product (Nash bargaining with a zero disagreement point).
    """

    US = "us"
    PARTNER = "partner"
    MAXMIN = "maxmin"
    NASH = "nash"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project that may be chosen.

    cost: US dollars it takes from the budget; us_score / partner_score: each side's
    score (non-negative); sponsor: lead sponsor (for the per-sponsor limit);
    ready: the date it is ready to start (for ``ready_by``).
    """

    id: str
    cost: Decimal
    sector: str
    us_score: float
    partner_score: float
    sponsor: str | None = None
    ready: date | None = None


@dataclass(frozen=True, slots=True)
class BatchInstance:
    """A selection problem. Limits that are absent do not apply."""

    budget: Decimal
    candidates: tuple[Candidate, ...]
    sector_max_count: Mapping[str, int] = field(default_factory=dict)
    sector_min_count: Mapping[str, int] = field(default_factory=dict)
    sector_max_amount: Mapping[str, Decimal] = field(default_factory=dict)
    sector_min_amount: Mapping[str, Decimal] = field(default_factory=dict)
    max_per_sponsor: int | None = None
    must_include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    ready_by: date | None = None

    def by_id(self) -> dict[str, Candidate]:
        return {c.id: c for c in self.candidates}


def check_batch(instance: BatchInstance, chosen: Iterable[str]) -> list[Problem]:
    """Every constraint the batch ``chosen`` breaks (empty when it is feasible)."""
    cands = instance.by_id()
    ids = list(chosen)
    problems: list[Problem] = []
    unknown = [i for i in ids if i not in cands]
    if unknown:
        problems.append(Problem("selected", ",".join(unknown), "batch.unknown_candidate",
                                "not a candidate"))
    picked = [cands[i] for i in ids if i in cands]
    cost = sum((c.cost for c in picked), Decimal(0))
    if cost > instance.budget:
        problems.append(Problem("budget", format(instance.budget, "f"), "batch.budget",
                                f"the batch costs {cost}"))
    missing = sorted(instance.must_include - set(ids))
    if missing:
        problems.append(Problem("must_include", ",".join(missing), "batch.must_include",
                                "required but not chosen"))
    banned = sorted(instance.exclude & set(ids))
    if banned:
        problems.append(Problem("exclude", ",".join(banned), "batch.exclude",
                                "excluded but chosen"))
    counts = Counter(c.sector for c in picked)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for c in picked:
        amounts[c.sector] += c.cost
    for sector, k in instance.sector_max_count.items():
        if counts[sector] > k:
            problems.append(Problem(f"sector_max_count.{sector}", k, "batch.sector_max_count",
                                    f"{counts[sector]} chosen"))
    for sector, k in instance.sector_min_count.items():
        if counts[sector] < k:
            problems.append(Problem(f"sector_min_count.{sector}", k, "batch.sector_min_count",
                                    f"{counts[sector]} chosen"))
    for sector, amt in instance.sector_max_amount.items():
        if amounts[sector] > amt:
            problems.append(Problem(f"sector_max_amount.{sector}", format(amt, "f"),
                                    "batch.sector_max_amount", f"{amounts[sector]} chosen"))
    for sector, amt in instance.sector_min_amount.items():
        if amounts[sector] < amt:
            problems.append(Problem(f"sector_min_amount.{sector}", format(amt, "f"),
                                    "batch.sector_min_amount", f"{amounts[sector]} chosen"))
    if instance.max_per_sponsor is not None:
        per = Counter(c.sponsor for c in picked if c.sponsor)
        for sponsor, k in per.items():
            if k > instance.max_per_sponsor:
                problems.append(Problem("max_per_sponsor", instance.max_per_sponsor,
                                        "batch.max_per_sponsor", f"{sponsor} has {k}"))
    if instance.ready_by is not None:
        late = [c.id for c in picked if c.ready is not None and c.ready > instance.ready_by]
        if late:
            problems.append(Problem("ready_by", instance.ready_by.isoformat(), "batch.ready_by",
                                    f"not ready in time: {', '.join(late)}"))
    return problems


def eligible(instance: BatchInstance, c: Candidate) -> bool:
    """Whether a candidate may be chosen at all (not excluded, ready in time)."""
    if c.id in instance.exclude:
        return False
    return not (instance.ready_by is not None and c.ready is not None
                and c.ready > instance.ready_by)


def _decimal(raw: Any, field_name: str, problems: list[Problem]) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
        if not value.is_finite():
            raise InvalidOperation
        return value
    except (InvalidOperation, ValueError):
        problems.append(Problem(field_name, raw, "batch.bad_number", "expected a number"))
        return None


def _count_map(raw: Any, name: str, problems: list[Problem]) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(Problem(name, raw, "batch.bad_limits", "expected {sector: count}"))
        return {}
    out = {}
    for k, v in raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            problems.append(Problem(f"{name}.{k}", v, "batch.bad_limits",
                                    "expected a whole number >= 0"))
        else:
            out[str(k)] = v
    return out


def _amount_map(raw: Any, name: str, problems: list[Problem]) -> dict[str, Decimal]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(Problem(name, raw, "batch.bad_limits", "expected {sector: amount}"))
        return {}
    out = {}
    for k, v in raw.items():
        d = _decimal(v, f"{name}.{k}", problems)
        if d is not None:
            out[str(k)] = d
    return out


def _date(raw: Any, name: str, problems: list[Problem]) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(Problem(name, raw, "batch.bad_date", "expected YYYY-MM-DD"))
        return None


def instance_from_document(doc: Mapping[str, Any]) -> BatchInstance:
    """A BatchInstance from the JSON contract; raises InvalidInput listing every problem.

    ``{"budget": "...", "candidates": [{"id", "cost", "sector", "us_score",
    "partner_score"[, "sponsor", "ready"]}], "sector_max_count": {...},
    "sector_min_count": {...}, "must_include": [...], "exclude": [...]}`` plus the
    optional ``sector_max_amount``, ``sector_min_amount``, ``max_per_sponsor`` and
    ``ready_by``.
    """
    problems: list[Problem] = []
    if not isinstance(doc, Mapping):
        raise InvalidInput.single("instance", type(doc).__name__, "batch.bad_document",
                                  "expected a JSON object")
    budget = _decimal(doc.get("budget"), "budget", problems)
    if budget is not None and budget < 0:
        problems.append(Problem("budget", str(budget), "batch.negative", "must be >= 0"))
    cands: list[Candidate] = []
    seen: set[str] = set()
    raw_cands = doc.get("candidates")
    if not isinstance(raw_cands, list):
        problems.append(Problem("candidates", raw_cands, "batch.bad_document",
                                "expected a list of candidates"))
        raw_cands = []
    for i, c in enumerate(raw_cands):
        where = f"candidates[{i}]"
        if not isinstance(c, Mapping):
            problems.append(Problem(where, c, "batch.bad_document", "expected an object"))
            continue
        cid = str(c.get("id", "")).strip()
        if not cid:
            problems.append(Problem(f"{where}.id", c.get("id"), "batch.missing", "needs an id"))
        elif cid in seen:
            problems.append(Problem(f"{where}.id", cid, "batch.duplicate_id", "ids are unique"))
        seen.add(cid)
        cost = _decimal(c.get("cost"), f"{where}.cost", problems)
        if cost is not None and cost < 0:
            problems.append(Problem(f"{where}.cost", str(cost), "batch.negative", "must be >= 0"))
        scores = []
        for side in ("us_score", "partner_score"):
            v = c.get(side)
            if isinstance(v, bool) or not isinstance(v, int | float) or v != v or v < 0:
                problems.append(Problem(f"{where}.{side}", v, "batch.bad_score",
                                        "expected a number >= 0"))
                scores.append(0.0)
            else:
                scores.append(float(v))
        sector = str(c.get("sector", "")).strip()
        if not sector:
            problems.append(Problem(f"{where}.sector", c.get("sector"), "batch.missing",
                                    "needs a sector"))
        ready = _date(c.get("ready"), f"{where}.ready", problems)
        if cid and cost is not None:
            cands.append(Candidate(cid, cost, sector, scores[0], scores[1],
                                   str(c["sponsor"]) if c.get("sponsor") else None, ready))
    ids = {c.id for c in cands}
    sets = {}
    for name in ("must_include", "exclude"):
        raw = doc.get(name) or []
        if not isinstance(raw, list):
            problems.append(Problem(name, raw, "batch.bad_document", "expected a list of ids"))
            raw = []
        unknown = [str(x) for x in raw if str(x) not in ids]
        if unknown:
            problems.append(Problem(name, ",".join(unknown), "batch.unknown_candidate",
                                    "not a candidate id"))
        sets[name] = frozenset(str(x) for x in raw)
    mps = doc.get("max_per_sponsor")
    if mps is not None and (isinstance(mps, bool) or not isinstance(mps, int) or mps < 0):
        problems.append(Problem("max_per_sponsor", mps, "batch.bad_limits",
                                "expected a whole number >= 0"))
        mps = None
    instance = BatchInstance(
        budget=budget or Decimal(0), candidates=tuple(cands),
        sector_max_count=_count_map(doc.get("sector_max_count"), "sector_max_count", problems),
        sector_min_count=_count_map(doc.get("sector_min_count"), "sector_min_count", problems),
        sector_max_amount=_amount_map(doc.get("sector_max_amount"), "sector_max_amount",
                                      problems),
        sector_min_amount=_amount_map(doc.get("sector_min_amount"), "sector_min_amount",
                                      problems),
        max_per_sponsor=mps, must_include=sets["must_include"], exclude=sets["exclude"],
        ready_by=_date(doc.get("ready_by"), "ready_by", problems))
    if problems:
        raise InvalidInput(problems)
    return instance


def conflicts(instance: BatchInstance) -> list[Problem]:
    """Reasons an instance is infeasible that can be seen without searching.

    An empty list does not prove feasibility; the optimiser then finds which groups
    of constraints conflict by relaxing them.
    """
    cands = instance.by_id()
    out: list[Problem] = []
    both = sorted(instance.must_include & instance.exclude)
    if both:
        out.append(Problem("must_include", ",".join(both), "batch.include_excluded",
                           "both required and excluded"))
    must = [cands[i] for i in instance.must_include if i in cands]
    not_ready = [c.id for c in must if not eligible(instance, c) and c.id not in both]
    if not_ready:
        out.append(Problem("must_include", ",".join(sorted(not_ready)), "batch.ready_by",
                           f"required but not ready by {instance.ready_by}"))
    must_cost = sum((c.cost for c in must), Decimal(0))
    if must_cost > instance.budget:
        out.append(Problem("budget", format(instance.budget, "f"), "batch.budget",
                           f"the must-include projects alone cost {must_cost}"))
    for sector, k in instance.sector_min_count.items():
        available = [c for c in instance.candidates if c.sector == sector and eligible(instance, c)]
        if len(available) < k:
            out.append(Problem(f"sector_min_count.{sector}", k, "batch.sector_min_count",
                               f"only {len(available)} eligible candidates in the sector"))
        if k > instance.sector_max_count.get(sector, k):
            out.append(Problem(f"sector_min_count.{sector}", k, "batch.sector_limits",
                               f"above the maximum {instance.sector_max_count[sector]}"))
    for sector, k in instance.sector_max_count.items():
        forced = sum(1 for c in must if c.sector == sector)
        if forced > k:
            out.append(Problem(f"sector_max_count.{sector}", k, "batch.sector_max_count",
                               f"{forced} must-include projects are in the sector"))
    return out


def check_sector_counts(raw: Mapping[str, int] | None, name: str, problems: list[Problem]
                        ) -> tuple[tuple[str, int], ...]:
    """Counts of projects per sector (``sector_max``, ``sector_min``): each key a known
    sector (canonical key out), each count a whole number, 0 or more. Problems are
    appended to ``problems``, so every limit is reported at once."""
    out: dict[str, int] = {}
    for key, count in (raw or {}).items():
        try:
            sector, _ = canonical_sector(str(key))
        except InvalidInput as exc:
            problems.append(Problem(name, key, exc.first.rule, exc.first.message))
            continue
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            problems.append(Problem(name, f"{key}={count}", "batch.bad_count",
                                    "a count of projects is a whole number, 0 or more"))
            continue
        out[sector] = count
    return tuple(sorted(out.items()))


def check_project_ids(values: Sequence[int | str], name: str, problems: list[Problem]
                      ) -> tuple[str, ...]:
    """Project ids (``must_include``, ``exclude``) as canonical text, each once; a value
    that is not a number is appended to ``problems``."""
    out = []
    for v in values:
        text = str(v).strip()
        if not text.isdigit():
            problems.append(Problem(name, v, "batch.bad_project_id", "a project id is a number"))
            continue
        out.append(str(int(text)))
    return tuple(dict.fromkeys(out))

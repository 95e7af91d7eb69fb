"""The exact batch optimiser against brute force over every subset.

Random instances of up to 14 candidates with budgets, sector count and amount limits,
must-include / exclude, sponsors and readiness. Every subset's feasibility is
computed with numpy (exact integer cents) and that mask is itself checked against
``check_batch`` (every subset of the small instances, a sample of the others), so the
reference is the domain rule. Objective values must match to 1e-9.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import pytest

from pledge.analytics import selection as sel
from pledge.analytics.selection import optimise
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.selection import (
    BatchInstance,
    Candidate,
    Objective,
    check_batch,
    instance_from_document,
)

SECTORS = ("energy", "chips", "ships", "minerals")
SPONSORS = ("Westinghouse", "SoftBank", "Hitachi", "Toshiba")
GROUPS_OF = {"budget", "must_include", "ready_by", "max_per_sponsor"}
TOL = 1e-9


# ---------------------------------------------------------------------------------
# Random instances and the brute-force reference
# ---------------------------------------------------------------------------------


def random_instance(rng: random.Random, n: int | None = None, *,
                    tight: bool = False) -> BatchInstance:
    """A random instance; ``tight`` draws limits likelier to make it infeasible."""
    n = rng.randint(1, 14) if n is None else n
    big = rng.random() < 0.3  # US-dollar costs of order 1e9-1e10, with cents
    start = date(2026, 1, 1)
    integer_scores = rng.random() < 0.5
    cands = []
    for i in range(n):
        cost = Decimal(rng.randint(1, 60))
        if big:
            cost = cost * Decimal(rng.randint(100_000_000, 200_000_000)) + \
                Decimal(rng.randint(0, 99)) / 100
        if integer_scores:
            us, pa = float(rng.randint(0, 9)), float(rng.randint(0, 9))
        else:
            us, pa = round(rng.uniform(0, 10), 3), round(rng.uniform(0, 10), 3)
        if rng.random() < 0.1:
            us = 0.0
        cands.append(Candidate(
            id=f"p{i:02d}", cost=cost, sector=rng.choice(SECTORS[:rng.randint(1, 4)]),
            us_score=us, partner_score=pa,
            sponsor=rng.choice([None, *SPONSORS]) if rng.random() < 0.7 else None,
            ready=start + timedelta(days=rng.randint(0, 400)) if rng.random() < 0.5
            else None))
    total = sum((c.cost for c in cands), Decimal(0))
    share = Decimal(rng.uniform(0.2, 0.9) if not tight else rng.uniform(0.05, 0.5))
    budget = (total * share).quantize(Decimal("0.01"))
    if rng.random() < 0.2:
        budget = total  # room for everything: the other limits decide
    sectors = sorted({c.sector for c in cands})
    kw: dict[str, object] = {}
    if rng.random() < 0.7:
        kw["sector_max_count"] = {s: rng.randint(0, 4) for s in sectors
                                  if rng.random() < 0.6}
    if rng.random() < 0.5:
        kw["sector_min_count"] = {s: rng.randint(0, 2 if not tight else 3) for s in sectors
                                  if rng.random() < 0.5}
    if rng.random() < 0.3:
        kw["sector_max_amount"] = {s: (total * Decimal(rng.uniform(0.05, 0.5)))
                                   .quantize(Decimal("0.01"))
                                   for s in sectors if rng.random() < 0.5}
    if rng.random() < 0.3:
        kw["sector_min_amount"] = {s: (total * Decimal(rng.uniform(0.0, 0.2 if not tight
                                                                   else 0.4)))
                                   .quantize(Decimal("0.01"))
                                   for s in sectors if rng.random() < 0.5}
    if rng.random() < 0.4:
        kw["max_per_sponsor"] = rng.randint(0, 2)
    if rng.random() < 0.3:
        kw["ready_by"] = start + timedelta(days=rng.randint(100, 400))
    ids = [c.id for c in cands]
    if rng.random() < 0.4:
        kw["must_include"] = frozenset(rng.sample(ids, rng.randint(0, min(3, n))))
    if rng.random() < 0.4:
        kw["exclude"] = frozenset(rng.sample(ids, rng.randint(0, min(3, n)))) - \
            kw.get("must_include", frozenset())  # type: ignore[operator]  # kw's values are mixed; this one is a frozenset
    return BatchInstance(budget=budget, candidates=tuple(cands), **kw)  # type: ignore[arg-type]  # kw holds BatchInstance's own fields


def cents(x: Decimal) -> int:
    return int((x * 100).to_integral_value(rounding=ROUND_FLOOR))


def subsets(n: int) -> np.ndarray:
    """Every subset of n items as rows of a 0/1 matrix."""
    codes = np.arange(2 ** n, dtype=np.int64)
    return ((codes[:, None] >> np.arange(n)) & 1).astype(np.int64)


def feasible_mask(inst: BatchInstance, m: np.ndarray,
                  relaxed: frozenset[str] = frozenset()) -> np.ndarray:
    """Feasibility of every row of ``m`` by the rules of check_batch, exactly in cents."""
    cands = inst.candidates
    cost = np.array([cents(c.cost) for c in cands], dtype=np.int64)
    spend = m @ cost
    ok = np.ones(len(m), dtype=bool)
    if "budget" not in relaxed:
        ok &= spend <= cents(inst.budget)
    for i, c in enumerate(cands):
        if "must_include" not in relaxed and c.id in inst.must_include:
            ok &= m[:, i] == 1
        if c.id in inst.exclude:
            ok &= m[:, i] == 0
        if "ready_by" not in relaxed and inst.ready_by is not None and c.ready is not None \
                and c.ready > inst.ready_by:
            ok &= m[:, i] == 0
    for s in set(SECTORS) | {c.sector for c in cands}:
        cols = [i for i, c in enumerate(cands) if c.sector == s]
        count = m[:, cols].sum(axis=1)
        amount = m[:, cols] @ cost[cols]
        if s in inst.sector_max_count and f"sector_max_count.{s}" not in relaxed:
            ok &= count <= inst.sector_max_count[s]
        if s in inst.sector_min_count and f"sector_min_count.{s}" not in relaxed:
            ok &= count >= inst.sector_min_count[s]
        if s in inst.sector_max_amount and f"sector_max_amount.{s}" not in relaxed:
            ok &= amount <= cents(inst.sector_max_amount[s])
        if s in inst.sector_min_amount and f"sector_min_amount.{s}" not in relaxed:
            ok &= amount >= -cents(-inst.sector_min_amount[s])
    if inst.max_per_sponsor is not None and "max_per_sponsor" not in relaxed:
        for sp in {c.sponsor for c in cands if c.sponsor}:
            cols = [i for i, c in enumerate(cands) if c.sponsor == sp]
            ok &= m[:, cols].sum(axis=1) <= inst.max_per_sponsor
    return ok


def by_check_batch(inst: BatchInstance, row: np.ndarray,
                   relaxed: frozenset[str] = frozenset()) -> bool:
    chosen = [c.id for c, bit in zip(inst.candidates, row, strict=True) if bit]
    return not [p for p in check_batch(inst, chosen) if p.field not in relaxed]


@dataclass
class Brute:
    """Every feasible subset with both sides' utilities."""

    inst: BatchInstance
    m: np.ndarray  # feasible subsets
    u: np.ndarray
    p: np.ndarray

    @classmethod
    def of(cls, inst: BatchInstance) -> Brute:
        n = len(inst.candidates)
        m = subsets(n)
        mask = feasible_mask(inst, m)
        m = m[mask]
        us = np.array([c.us_score for c in inst.candidates])
        pa = np.array([c.partner_score for c in inst.candidates])
        su, sp = m @ us, m @ pa
        bu = su.max() if len(m) else 0.0
        bp = sp.max() if len(m) else 0.0
        u = su / bu if bu > 0 else np.zeros(len(m))
        p = sp / bp if bp > 0 else np.zeros(len(m))
        return cls(inst, m, u, p)

    @property
    def feasible(self) -> bool:
        return len(self.m) > 0

    def values(self, objective: Objective) -> np.ndarray:
        by_objective: dict[Objective, np.ndarray] = {
            Objective.US: self.u, Objective.PARTNER: self.p,
            Objective.MAXMIN: np.minimum(self.u, self.p), Objective.NASH: self.u * self.p}
        return by_objective[objective]

    def best(self, objective: Objective) -> float:
        return float(self.values(objective).max())

    def frontier(self) -> list[tuple[float, float]]:
        """The non-dominated (u, p) points, u descending (ties within TOL merged)."""
        order = np.lexsort((-self.p, -self.u))
        out: list[tuple[float, float]] = []
        for k in order:
            u, p = float(self.u[k]), float(self.p[k])
            if not out or p > out[-1][1] + TOL:
                if out and abs(u - out[-1][0]) <= TOL:
                    continue
                out.append((u, p))
        return out


def instances(seed: int, count: int, **kw: bool) -> Iterator[tuple[BatchInstance, Brute]]:
    rng = random.Random(seed)
    for _ in range(count):
        inst = random_instance(rng, **kw)
        yield inst, Brute.of(inst)


def utilities(inst: BatchInstance, selected: tuple[str, ...], brute: Brute
              ) -> tuple[float, float]:
    row = np.array([1 if c.id in selected else 0 for c in inst.candidates])
    hit = np.flatnonzero((brute.m == row).all(axis=1))
    assert len(hit) == 1, "the selected batch is not among the feasible subsets"
    return float(brute.u[hit[0]]), float(brute.p[hit[0]])


# ---------------------------------------------------------------------------------
# The reference itself
# ---------------------------------------------------------------------------------


def test_the_brute_force_mask_is_check_batch() -> None:
    rng = random.Random(7)
    for k in range(60):
        inst = random_instance(rng, n=rng.randint(1, 8) if k < 40 else 13)
        m = subsets(len(inst.candidates))
        relaxed = frozenset(rng.sample(sorted(GROUPS_OF), rng.randint(0, 2)))
        mask = feasible_mask(inst, m, relaxed)
        rows = range(len(m)) if len(m) <= 256 else rng.sample(range(len(m)), 300)
        for r in rows:
            assert mask[r] == by_check_batch(inst, m[r], relaxed)
        for r in np.flatnonzero(mask)[:50]:
            assert by_check_batch(inst, m[r], relaxed)


# ---------------------------------------------------------------------------------
# Objectives against brute force
# ---------------------------------------------------------------------------------


def test_every_objective_matches_brute_force() -> None:
    checked = 0
    for inst, brute in instances(seed=1, count=260):
        if not brute.feasible:
            with pytest.raises(RuleViolation):
                sel.solve(inst, Objective.US)
            continue
        checked += 1
        for objective in Objective:
            sol = sel.solve(inst, objective)
            assert sol.status == "optimal" and sol.gap <= TOL
            assert check_batch(inst, sol.selected) == []
            assert list(sol.selected) == [c.id for c in inst.candidates
                                          if c.id in sol.selected]
            u, p = utilities(inst, sol.selected, brute)
            assert sol.u_us == pytest.approx(u, abs=TOL)
            assert sol.u_partner == pytest.approx(p, abs=TOL)
            assert sol.objective == pytest.approx(brute.best(objective), abs=TOL), objective
            cost = sum((c.cost for c in inst.candidates if c.id in sol.selected), Decimal(0))
            assert sol.cost == cost
            assert sol.best_us == pytest.approx(
                float((brute.m @ [c.us_score for c in inst.candidates]).max()), rel=TOL)
    assert checked > 150


def test_ties_are_broken_lexicographically_and_deterministically() -> None:
    for inst, brute in instances(seed=2, count=120):
        if not brute.feasible:
            continue
        us = sel.solve(inst, Objective.US)
        top = brute.u >= 1 - 1e-12 if brute.u.max() > 0 else np.ones(len(brute.u), bool)
        assert us.u_partner == pytest.approx(float(brute.p[top].max()), abs=TOL)
        pa = sel.solve(inst, Objective.PARTNER)
        top = brute.p >= 1 - 1e-12 if brute.p.max() > 0 else np.ones(len(brute.p), bool)
        assert pa.u_us == pytest.approx(float(brute.u[top].max()), abs=TOL)
        mm = sel.solve(inst, Objective.MAXMIN)
        low = np.minimum(brute.u, brute.p)
        top = low >= low.max() - 1e-12
        assert mm.u_us + mm.u_partner == pytest.approx(
            float((brute.u + brute.p)[top].max()), abs=2 * TOL)
        # Nash: a batch with the largest positive product is Pareto-optimal (a batch that
        # dominated it would have a larger product); when every product is 0 the batch
        # with the largest U_us + U_partner is returned (the module's stated tie rule).
        # (The same instance giving the same batch each time is the next test's subject.)
        na = sel.solve(inst, Objective.NASH)
        dominating = (brute.u >= na.u_us - TOL) & (brute.p >= na.u_partner - TOL) & (
            (brute.u > na.u_us + TOL) | (brute.p > na.u_partner + TOL))
        assert not dominating.any()
        if brute.best(Objective.NASH) <= TOL:
            assert na.u_us + na.u_partner == pytest.approx(
                float((brute.u + brute.p).max()), abs=2 * TOL)


def test_many_equal_candidates_tie_deterministically() -> None:
    cands = tuple(Candidate(f"c{i}", Decimal(10), "energy", 1.0, 1.0) for i in range(12))
    inst = BatchInstance(budget=Decimal(50), candidates=cands)
    for objective in Objective:
        picks = {sel.solve(inst, objective).selected for _ in range(3)}
        assert len(picks) == 1, objective      # the same batch every time
        assert len(picks.pop()) == 5           # as many as the budget of 50 pays for


def test_zero_scores() -> None:
    cands = (Candidate("a", Decimal(5), "energy", 0.0, 3.0),
             Candidate("b", Decimal(5), "energy", 0.0, 1.0),
             Candidate("c", Decimal(5), "chips", 0.0, 2.0))
    inst = BatchInstance(budget=Decimal(10), candidates=cands)
    us = sel.solve(inst, Objective.US)
    # U_us is 0 for every batch; the tie-break then takes the partner's best.
    assert us.best_us == 0.0 and us.u_us == 0.0 and us.objective == 0.0
    assert us.selected == ("a", "c") and us.u_partner == 1.0
    nash = sel.solve(inst, Objective.NASH)
    assert nash.objective == 0.0 and nash.status == "optimal" and nash.gap == 0.0
    assert nash.selected == ("a", "c")  # the product is 0 everywhere: max U_us + U_partner
    mm = sel.solve(inst, Objective.MAXMIN)
    assert mm.objective == 0.0 and mm.selected == ("a", "c")
    none = BatchInstance(budget=Decimal(10), candidates=tuple(
        replace(c, partner_score=0.0) for c in cands))
    for o in Objective:
        sol = sel.solve(none, o)
        assert sol.objective == 0.0 and check_batch(none, sol.selected) == []


def test_nash_zero_when_no_batch_pleases_both() -> None:
    cands = (Candidate("us", Decimal(6), "energy", 5.0, 0.0),
             Candidate("jp", Decimal(6), "chips", 0.0, 5.0))
    inst = BatchInstance(budget=Decimal(10), candidates=cands)
    sol = sel.solve(inst, Objective.NASH)
    assert sol.objective == 0.0 and sol.status == "optimal"
    assert len(sol.selected) == 1


def test_no_candidates_and_the_empty_batch() -> None:
    inst = BatchInstance(budget=Decimal(0), candidates=())
    for o in Objective:
        sol = sel.solve(inst, o)
        assert sol.selected == () and sol.objective == 0.0
    assert [(s.u_us, s.u_partner) for s in sel.pareto_frontier(inst)] == [(0.0, 0.0)]


def test_budget_from_the_frameworks_remaining_annual_cap() -> None:
    # The batch budget is already capped by the framework: here the remaining annual
    # cap (US$12.5bn) binds below the programme's batch budget (US$20bn).
    annual_cap, committed = Decimal("50000000000"), Decimal("37500000000")
    budget = min(Decimal("20000000000"), annual_cap - committed)
    doc = {"budget": str(budget), "candidates": [
        {"id": "lng", "cost": "6000000000.50", "sector": "energy", "us_score": 9,
         "partner_score": 4},
        {"id": "fab", "cost": "6000000000", "sector": "chips", "us_score": 5,
         "partner_score": 9},
        {"id": "yard", "cost": "6000000000.01", "sector": "ships", "us_score": 6,
         "partner_score": 6},
        {"id": "ore", "cost": "499999999.50", "sector": "minerals", "us_score": 1,
         "partner_score": 1}]}
    inst = instance_from_document(doc)
    sol = sel.solve(inst, Objective.NASH)
    assert sol.cost <= budget and check_batch(inst, sol.selected) == []
    # lng + fab + ore costs exactly the remaining cap: 12,500,000,000.00
    assert sol.selected == ("lng", "fab", "ore") and sol.cost == budget
    # one cent over the cap and that batch is out
    tighter = replace(inst, budget=budget - Decimal("0.01"))
    assert sel.solve(tighter, Objective.NASH).selected != ("lng", "fab", "ore")
    brute = Brute.of(tighter)
    assert sel.solve(tighter, Objective.NASH).objective == pytest.approx(
        brute.best(Objective.NASH), abs=TOL)


def test_costs_in_dollars_one_cent_apart() -> None:
    # Coefficients of 1e10 with a one-cent margin: the solver's tolerance must not
    # accept the batch one cent over budget.
    base = Decimal("10000000000")
    cands = (Candidate("a", base + Decimal("0.01"), "energy", 10.0, 10.0),
             Candidate("b", base, "energy", 1.0, 1.0),
             Candidate("c", base, "chips", 1.0, 1.0))
    inst = BatchInstance(budget=2 * base, candidates=cands)
    for o in Objective:
        sol = sel.solve(inst, o)
        assert sol.selected == ("b", "c") or sol.selected == ("a",), sol
        assert check_batch(inst, sol.selected) == []
    assert sel.solve(inst, Objective.US).selected == ("a",)
    assert sel.solve(replace(inst, budget=2 * base + Decimal("0.01")),
                     Objective.US).selected == ("a", "b")


# ---------------------------------------------------------------------------------
# Pareto frontier
# ---------------------------------------------------------------------------------


def test_pareto_frontier_equals_the_brute_force_non_dominated_set() -> None:
    seen = 0
    for inst, brute in instances(seed=3, count=150):
        if not brute.feasible:
            continue
        seen += 1
        front = sel.pareto_frontier(inst)
        assert not front.truncated
        got = [(s.u_us, s.u_partner) for s in front]
        want = brute.frontier()
        assert len(got) == len(want), (got, want)
        for (gu, gp), (wu, wp) in zip(got, want, strict=True):
            assert gu == pytest.approx(wu, abs=TOL) and gp == pytest.approx(wp, abs=TOL)
        for s in front:
            assert check_batch(inst, s.selected) == [] and s.status == "optimal"
    assert seen > 80


def test_pareto_frontier_truncation_is_reported() -> None:
    cands = tuple(Candidate(f"c{i}", Decimal(1), "energy", float(i), float(10 - i))
                  for i in range(8))
    inst = BatchInstance(budget=Decimal(1), candidates=cands)
    full = sel.pareto_frontier(inst)
    assert len(full) == 8 and not full.truncated
    assert [s.selected for s in full] == [(f"c{i}",) for i in range(7, -1, -1)]
    with pytest.warns(sel.FrontierTruncated):
        part = sel.pareto_frontier(inst, max_points=3)
    assert part.truncated and [s.selected for s in part] == [("c7",), ("c6",), ("c5",)]


# ---------------------------------------------------------------------------------
# Infeasible instances
# ---------------------------------------------------------------------------------


def test_infeasible_instances_name_a_minimal_conflict() -> None:
    seen = 0
    for inst, brute in instances(seed=4, count=300, tight=True):
        if brute.feasible:
            assert sel.diagnose_infeasible(inst) == []
            continue
        seen += 1
        with pytest.raises(RuleViolation) as info:
            sel.solve(inst, Objective.NASH)
        problems = info.value.problems
        assert problems == tuple(sel.diagnose_infeasible(inst))
        if problems[0].rule != "batch.conflict":
            continue  # found by the quick checks of conflicts()
        core = {p.field for p in problems}
        every = {name for name, _ in sel._groups(inst)}
        assert core <= every
        m = subsets(len(inst.candidates))
        # the core alone (everything else dropped) admits no batch ...
        assert not feasible_mask(inst, m, frozenset(every - core)).any()
        for p in problems:
            # ... and dropping any one of its groups leaves a feasible core
            assert feasible_mask(inst, m, frozenset(every - core | {p.field})).any()
            alone = feasible_mask(inst, m, frozenset({p.field})).any()
            assert ("alone makes the instance feasible" in p.message) == alone
    assert seen > 40


def test_a_three_way_conflict_is_named() -> None:
    cands = (Candidate("a", Decimal(40), "energy", 5.0, 1.0),
             Candidate("b", Decimal(40), "energy", 4.0, 2.0),
             Candidate("c", Decimal(30), "chips", 1.0, 5.0),
             Candidate("d", Decimal(30), "chips", 1.0, 5.0))
    inst = BatchInstance(budget=Decimal(100), candidates=cands,
                         sector_min_count={"energy": 2}, must_include=frozenset({"c"}),
                         sector_max_count={"chips": 2})
    with pytest.raises(RuleViolation) as info:
        sel.solve(inst, Objective.US)
    fields = {p.field: p for p in info.value.problems}
    assert set(fields) == {"sector_min_count.energy", "must_include", "budget"}
    assert all(p.rule == "batch.conflict" for p in fields.values())
    assert "alone makes the instance feasible" in fields["budget"].message


def test_quick_conflicts_come_first() -> None:
    cands = (Candidate("a", Decimal(40), "energy", 5.0, 1.0),)
    inst = BatchInstance(budget=Decimal(10), candidates=cands, must_include=frozenset({"a"}))
    with pytest.raises(RuleViolation) as info:
        sel.solve(inst, "maxmin")
    assert info.value.first.rule == "batch.budget"


def test_malformed_instances_are_refused() -> None:
    a = Candidate("a", Decimal(1), "energy", 1.0, 1.0)
    with pytest.raises(InvalidInput):
        sel.solve(BatchInstance(budget=Decimal(5), candidates=(a, a)), "us")
    with pytest.raises(InvalidInput):
        sel.solve(BatchInstance(budget=Decimal(5), candidates=(replace(a, us_score=-1.0),)),
                  "us")
    with pytest.raises(InvalidInput):
        sel.solve(BatchInstance(budget=Decimal(5), candidates=(a,),
                                must_include=frozenset({"zz"})), "us")
    with pytest.raises(ValueError):
        sel.solve(BatchInstance(budget=Decimal(5), candidates=(a,)), "best")


# ---------------------------------------------------------------------------------
# Greedy and time limits
# ---------------------------------------------------------------------------------


def test_greedy_is_feasible_and_never_beats_the_optimum() -> None:
    for inst, brute in instances(seed=5, count=80):
        if not brute.feasible:
            continue
        for o in Objective:
            try:
                g = sel.greedy(inst, o)
            except RuleViolation as e:
                assert e.first.rule == "batch.greedy_failed"
                continue
            assert g.status == "feasible" and check_batch(inst, g.selected) == []
            assert g.objective <= brute.best(o) + TOL
            assert g.gap == pytest.approx(1 - g.objective)


def test_a_time_limit_reports_a_feasible_batch_and_an_honest_gap() -> None:
    rng = random.Random(11)
    cands = tuple(Candidate(f"c{i}", Decimal(rng.randint(100, 999)),
                            SECTORS[i % 4], rng.random(), rng.random())
                  for i in range(3000))
    inst = BatchInstance(budget=Decimal(300_000), candidates=cands,
                         sector_max_count={s: 150 for s in SECTORS})
    sol = sel.solve(inst, Objective.NASH, time_limit=0.5)
    assert check_batch(inst, sol.selected) == []
    assert 0.0 <= sol.gap <= 1.0
    assert sol.status == "optimal" or sol.gap > 0.0
    assert sol.solve_seconds < 5.0


def test_reduced_cost_fixing_keeps_every_objective_exact(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # Fixing by LP reduced costs and the core heuristic (used from _FIX_FROM candidates)
    # switched on for small instances (the search of selection.optimise reads both).
    monkeypatch.setattr(optimise, "_FIX_FROM", 0)
    monkeypatch.setattr(optimise, "_CORE", 3)
    checked = 0
    for inst, brute in instances(seed=6, count=150):
        if not brute.feasible:
            continue
        checked += 1
        for objective in Objective:
            sol = sel.solve(inst, objective)
            assert sol.status == "optimal" and check_batch(inst, sol.selected) == []
            assert sol.objective == pytest.approx(brute.best(objective), abs=TOL), objective
        mm = sel.solve(inst, Objective.MAXMIN)
        low = np.minimum(brute.u, brute.p)
        top = low >= low.max() - 1e-12
        assert mm.u_us + mm.u_partner == pytest.approx(
            float((brute.u + brute.p)[top].max()), abs=2 * TOL)
    assert checked > 80


def test_a_starting_batch_never_stands_in_for_the_optimum() -> None:
    # Given the greedy batch (p02, p04, p05, p06, p07) as its start, HiGHS 1.16 reports
    # "optimal" with the objective of an over-budget batch and returns the start itself.
    scores = [(56, "chips", 0.0), (48, "minerals", 7.654), (9, "energy", 6.837),
              (19, "chips", 0.158), (42, "chips", 6.969), (4, "energy", 2.203),
              (28, "energy", 9.846), (1, "energy", 8.18), (6, "energy", 0.531)]
    inst = BatchInstance(
        budget=Decimal("131.81"),
        candidates=tuple(Candidate(f"p{i:02d}", Decimal(cost), sector, us, 1.0)
                         for i, (cost, sector, us) in enumerate(scores)),
        sector_max_count={"chips": 1, "energy": 4, "minerals": 4})
    sol = sel.solve(inst, Objective.US)
    assert sol.selected == ("p01", "p02", "p04", "p06", "p07")
    assert sol.best_us == pytest.approx(39.486) and sol.gap == 0.0
    assert sel.greedy(inst, Objective.US).gap == pytest.approx(1 - 34.035 / 39.486)

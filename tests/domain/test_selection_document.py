"""The batch instance document (``pledge batch --input``, ``POST .../batch``): what a good
one becomes, and every way a bad one is refused, all problems at once, each naming the
field, the value and the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.selection import Candidate, instance_from_document

NAN = float("nan")


def _refusals(doc: Any) -> dict[str, tuple[object, str]]:
    """Each refused field with the value given and the rule (each field is named once)."""
    with pytest.raises(InvalidInput) as refused:
        instance_from_document(doc)
    problems = refused.value.problems
    assert len({p.field for p in problems}) == len(problems)
    return {p.field: (p.value, p.rule) for p in problems}


def _good(**more: Any) -> dict[str, Any]:
    return {"budget": "10", "candidates": [
        {"id": "a", "cost": "4", "sector": "energy", "us_score": 3, "partner_score": 1.5,
         "sponsor": "SoftBank", "ready": "2026-05-01"},
        {"id": "b", "cost": "6.25", "sector": "chips", "us_score": 0, "partner_score": 2}],
        **more}


def test_a_full_document_keeps_every_field() -> None:
    inst = instance_from_document(_good(
        sector_max_count={"energy": 1}, sector_min_count={"chips": 0},
        sector_max_amount={"energy": "5.5"}, sector_min_amount={"chips": 1},
        max_per_sponsor=2, must_include=["a"], exclude=["b"], ready_by="2026-06-30"))
    assert inst.budget == Decimal("10")
    assert inst.candidates == (
        Candidate("a", Decimal("4"), "energy", 3.0, 1.5, "SoftBank", date(2026, 5, 1)),
        Candidate("b", Decimal("6.25"), "chips", 0.0, 2.0, None, None))
    assert (inst.sector_max_count, inst.sector_min_count) == ({"energy": 1}, {"chips": 0})
    assert inst.sector_max_amount == {"energy": Decimal("5.5")}
    assert inst.sector_min_amount == {"chips": Decimal("1")}
    assert (inst.max_per_sponsor, inst.must_include, inst.exclude) == (
        2, frozenset({"a"}), frozenset({"b"}))
    assert inst.ready_by == date(2026, 6, 30)


@pytest.mark.parametrize("doc", [[1, 2], "budget", None])
def test_a_document_that_is_not_an_object(doc: Any) -> None:
    assert _refusals(doc) == {"instance": (type(doc).__name__, "batch.bad_document")}


def test_no_budget_and_no_candidates() -> None:
    assert _refusals({}) == {"budget": (None, "batch.bad_number"),
                             "candidates": (None, "batch.bad_document")}


@pytest.mark.parametrize("budget", ["ten", "NaN", "Infinity", [], ""])
def test_a_budget_that_is_not_a_finite_number(budget: Any) -> None:
    assert _refusals(_good(budget=budget)) == {"budget": (budget, "batch.bad_number")}


def test_a_negative_budget() -> None:
    assert _refusals(_good(budget="-0.01")) == {"budget": ("-0.01", "batch.negative")}


def test_every_bad_candidate_is_named_by_its_position() -> None:
    doc = {"budget": 5, "candidates": [
        "lng",
        {"cost": 1, "sector": "energy", "us_score": 1, "partner_score": 1},
        {"id": "x", "cost": "-2", "sector": " ", "us_score": -1, "partner_score": True},
        {"id": "x", "cost": "a lot", "sector": "chips", "us_score": NAN,
         "partner_score": "9", "ready": "soon"}]}
    assert _refusals(doc) == {
        "candidates[0]": ("lng", "batch.bad_document"),
        "candidates[1].id": (None, "batch.missing"),
        "candidates[2].cost": ("-2", "batch.negative"),
        "candidates[2].sector": (" ", "batch.missing"),
        "candidates[2].us_score": (-1, "batch.bad_score"),
        "candidates[2].partner_score": (True, "batch.bad_score"),
        "candidates[3].id": ("x", "batch.duplicate_id"),
        "candidates[3].cost": ("a lot", "batch.bad_number"),
        "candidates[3].us_score": (NAN, "batch.bad_score"),
        "candidates[3].partner_score": ("9", "batch.bad_score"),
        "candidates[3].ready": ("soon", "batch.bad_date"),
    }


def test_candidates_that_are_not_a_list() -> None:
    assert _refusals({"budget": 1, "candidates": {"id": "a"}}) == {
        "candidates": ({"id": "a"}, "batch.bad_document")}


def test_must_include_and_exclude_name_known_candidates_in_a_list() -> None:
    assert _refusals(_good(must_include=["a", "zz", 7], exclude="b")) == {
        "must_include": ("zz,7", "batch.unknown_candidate"),
        "exclude": ("b", "batch.bad_document")}


@pytest.mark.parametrize("limit", [-1, 1.5, True, "2"])
def test_max_per_sponsor_is_a_whole_number(limit: Any) -> None:
    assert _refusals(_good(max_per_sponsor=limit)) == {
        "max_per_sponsor": (limit, "batch.bad_limits")}


def test_sector_limits_are_maps_of_counts_and_amounts() -> None:
    assert _refusals(_good(sector_max_count=["energy"], sector_min_count={"energy": -1,
                                                                          "chips": 1.0},
                           sector_max_amount=3, sector_min_amount={"chips": "some"})) == {
        "sector_max_count": (["energy"], "batch.bad_limits"),
        "sector_min_count.energy": (-1, "batch.bad_limits"),
        "sector_min_count.chips": (1.0, "batch.bad_limits"),
        "sector_max_amount": (3, "batch.bad_limits"),
        "sector_min_amount.chips": ("some", "batch.bad_number"),
    }


def test_ready_by_is_an_iso_date() -> None:
    assert _refusals(_good(ready_by="30/06/2026")) == {
        "ready_by": ("30/06/2026", "batch.bad_date")}

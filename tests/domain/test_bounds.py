"""The ranges inputs must fall in: dates, ids, seeds, weights and scores."""

from __future__ import annotations

from datetime import date

import pytest

from pledge.domain.bounds import (
    MAX_ID,
    MAX_SEED,
    PLAUSIBLE_DATES,
    check_date,
    check_dates,
    check_seed,
    is_possible_id,
)
from pledge.domain.errors import InvalidInput
from pledge.domain.priorities import Criterion, check_score, check_weight


def test_the_plausible_dates_are_1990_to_2100() -> None:
    assert (PLAUSIBLE_DATES.earliest, PLAUSIBLE_DATES.latest) == (date(1990, 1, 1),
                                                                 date(2100, 12, 31))
    assert check_date(date(1990, 1, 1), "on") == date(1990, 1, 1)
    assert check_date(date(2100, 12, 31), "on") == date(2100, 12, 31)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1989, 12, 31), date(2101, 1, 1),
                                 date(9999, 12, 31)])
def test_a_date_outside_the_range_is_refused_naming_its_field(day: date) -> None:
    with pytest.raises(InvalidInput) as info:
        check_date(day, "until")
    assert [(p.field, p.value, p.rule) for p in info.value.problems] == [
        ("until", day.isoformat(), "input.date_out_of_range")]


def test_several_dates_are_checked_together_and_none_is_skipped() -> None:
    check_dates(on=date(2026, 3, 1), until=None)
    with pytest.raises(InvalidInput) as info:
        check_dates(on=date(9999, 12, 31), until=date(2026, 1, 1), effective=date(1, 1, 1))
    assert [(p.field, p.rule) for p in info.value.problems] == [
        ("on", "input.date_out_of_range"), ("effective", "input.date_out_of_range")]


def test_ids_that_can_exist_run_from_1_to_the_32_bit_maximum() -> None:
    assert MAX_ID == 2_147_483_647
    assert [is_possible_id(v) for v in (1, MAX_ID, 0, -1, MAX_ID + 1, 2**63, True, "5")] == [
        True, True, False, False, False, False, False, False]


def test_a_seed_is_a_whole_number_from_0_to_the_64_bit_maximum() -> None:
    assert check_seed(0) == 0 and check_seed(MAX_SEED) == 2**63 - 1
    for bad in (-1, MAX_SEED + 1):
        with pytest.raises(InvalidInput) as info:
            check_seed(bad)
        assert (info.value.first.field, info.value.first.rule) == ("seed",
                                                                   "simulation.bad_seed")


CRITERION = Criterion("strategic", "Strategic and security value")


@pytest.mark.parametrize("weight", [1e308, float("inf"), float("nan"), -0.1, 1.01, 35.0])
def test_a_weight_outside_0_to_1_is_refused(weight: float) -> None:
    with pytest.raises(InvalidInput) as info:
        check_weight(CRITERION, "strategic", weight)
    assert (info.value.first.field, info.value.first.rule) == ("weight",
                                                               "priorities.bad_weight")


def test_weights_from_0_to_1_are_accepted() -> None:
    for weight in (0.0, 0.35, 1.0):
        check_weight(CRITERION, "strategic", weight)


@pytest.mark.parametrize("value", [1e308, -1e308, float("nan"), -0.5, 10.5])
def test_a_score_outside_its_range_is_refused(value: float) -> None:
    with pytest.raises(InvalidInput) as info:
        check_score(CRITERION, "strategic", value)
    assert (info.value.first.field, info.value.first.rule) == ("value",
                                                               "priorities.out_of_range")


def test_a_date_that_may_be_left_out() -> None:
    from pledge.domain.bounds import optional_date
    assert optional_date(None, "as_of") is None and optional_date("  ", "as_of") is None
    assert optional_date(" 2026-03-31 ", "as_of") == date(2026, 3, 31)
    with pytest.raises(InvalidInput) as err:
        optional_date("yesterday", "as_of")
    assert (err.value.first.field, err.value.first.rule) == ("as_of", "input.bad_date")


def test_a_discount_rate_lies_between_minus_100_and_1000_per_cent() -> None:
    from decimal import Decimal

    from pledge.domain.waterfall import check_discount_rate
    assert check_discount_rate(Decimal("0.06")) == Decimal("0.06")
    assert check_discount_rate(Decimal(10)) == Decimal(10)
    for bad in ("-1", "-2", "10.01", "1E+300"):
        with pytest.raises(InvalidInput) as err:
            check_discount_rate(Decimal(bad))
        assert (err.value.first.field, err.value.first.rule) == ("discount_rate",
                                                                 "waterfall.rate")


def test_kept_cells_are_bounded_naming_the_paths() -> None:
    from pledge.domain.bounds import MAX_KEPT_CELLS, check_kept_cells

    assert check_kept_cells(1000, 160) == 160_000
    assert check_kept_cells(MAX_KEPT_CELLS // 100, 100) == MAX_KEPT_CELLS
    with pytest.raises(InvalidInput) as err:
        check_kept_cells(MAX_KEPT_CELLS // 100 + 1, 100)
    problem = err.value.first
    assert (problem.field, problem.value, problem.rule) == (
        "paths", MAX_KEPT_CELLS // 100 + 1, "simulation.too_many_kept")
    assert f"keep at most {MAX_KEPT_CELLS // 100:,} paths" in problem.message

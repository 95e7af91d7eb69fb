"""The split rule in Decimal, branch by branch, as small tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.errors import InvalidInput
from pledge.domain.waterfall import Compounding, SplitTerms, parse_waterfall_csv, run_waterfall

D = Decimal
ANNUAL = SplitTerms(deemed_rate=D("0.06"), periods_per_year=1)
ZERO_RATE = SplitTerms(deemed_rate=D("0"), periods_per_year=4)


def table(text: str) -> list[tuple[Decimal, ...]]:
    rows = []
    for line in text.strip().splitlines():
        if line.strip().startswith("#"):
            continue
        rows.append(tuple(D(x) for x in line.split()))
    return rows


# Each table: funding, distributable -> partner, us, balance after the period.
CASES = {
    "the Diet answer: cash equal to the DAA pays half to each side at once": (ANNUAL, """
        # F     D     partner  us      balance
        100     0     0        0       100
        0       106   53       53      53
        0       200   64.944   135.056 0
        0       50    5        45      0
    """),
    "branch 1: below the threshold, 50/50 and the balance falls": (ZERO_RATE, """
        100     60    30       30      70
        0       100   50       50      20
    """),
    "branch 2: the switch inside a period": (ZERO_RATE, """
        100     300   110      190     0
    """),
    "branch 2 at the edge: cash exactly twice the balance clears it with no 90/10 part": (
        ZERO_RATE, """
        100     200   100      100     0
    """),
    "branch 3: after recovery, 10/90": (ZERO_RATE, """
        100     200   100      100     0
        0       100   10       90      0
    """),
    "negative cash distributes nothing and is not clawed back": (ZERO_RATE, """
        100     -50   0        0       100
        0       40    20       20      80
    """),
    "funding after recovery restarts the 50/50 phase": (ZERO_RATE, """
        10      20    10       10      0
        0       10    1        9       0
        10      10    5        5       5
        0       10    5        5       0
    """),
}


@pytest.mark.parametrize("name", list(CASES))
def test_branches(name: str) -> None:
    terms, text = CASES[name]
    rows = table(text)
    result = run_waterfall([r[0] for r in rows], [r[1] for r in rows], terms)
    for period, row in zip(result.periods, rows, strict=True):
        assert (period.partner, period.us, period.balance) == row[2:], name


def test_recoup_period_is_the_last_time_the_balance_fell_to_zero() -> None:
    rows = table(CASES["funding after recovery restarts the 50/50 phase"][1])
    r = run_waterfall([x[0] for x in rows], [x[1] for x in rows], ZERO_RATE)
    assert r.recoup_period == 3
    r = run_waterfall([D(100)], [D(10)], ZERO_RATE)
    assert r.recoup_period is None  # still owed at the end


def test_period_rates() -> None:
    quarterly = SplitTerms(deemed_rate=D("0.06"))
    assert (1 + quarterly.period_rate) ** 4 == pytest.approx(D("1.06"), abs=D("1e-25"))
    simple = SplitTerms(deemed_rate=D("0.06"), compounding=Compounding.SIMPLE)
    assert simple.period_rate == D("0.015")


def test_bad_terms_are_reported_together() -> None:
    with pytest.raises(InvalidInput) as err:
        SplitTerms(deemed_rate=D("-2"), periods_per_year=0, pre_share=D("0"),
                   post_share=D("1.5"))
    assert {p.field for p in err.value.problems} == {"periods_per_year", "pre_split",
                                                     "post_split", "deemed_rate"}


def test_csv_errors_name_row_and_column() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding,distributable\n0,1,2\n1,x,3\n2,-1,3\n4,0,0\n")
    fields = [p.field for p in err.value.problems]
    assert fields == ["row 3 column funding", "row 4 column funding", "row 5 column period"]
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding\n0,1\n")
    assert err.value.first.rule == "csv.missing_column"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(-500, 2000)), min_size=1,
                max_size=30),
       st.sampled_from([D("0"), D("0.03"), D("0.08")]))
def test_cash_is_conserved_and_the_balance_never_negative(
        flows: list[tuple[int, int]], rate: Decimal) -> None:
    terms = SplitTerms(deemed_rate=rate)
    r = run_waterfall([D(f) for f, _ in flows], [D(d) for _, d in flows], terms)
    for p in r.periods:
        assert p.partner + p.us == max(p.distributable, D(0))
        assert p.partner >= 0 and p.us >= 0 and p.balance >= 0
    assert r.partner_total + r.us_total == sum(max(D(d), D(0)) for _, d in flows)

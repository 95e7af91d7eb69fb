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
        # 53 grows to 56.18; the partner gets 56.18 + 0.1 * (200 - 112.36) = 64.944 exactly,
        # rounded once to 64.94; the United States takes the rest
        0       200   64.94    135.06  0
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
    "a cent that does not split evenly goes by the rounding rule, never to both sides": (
        ZERO_RATE, """
        # half of 1.91 is 0.955: the partner's share rounds half-even to 0.96, the US
        # takes the remaining 0.95 (not 0.96 + 0.96, which would pay out a cent too many)
        100     1.91  0.96     0.95    99.04
        # half of 0.01 is 0.005: half-even gives the partner 0.00, the US the cent
        0       0.01  0        0.01    99.04
        # half of 0.03 is 0.015: half-even gives 0.02
        0       0.03  0.02     0.01    99.02
    """),
    "the balance carried is the rounded one: interest is booked in whole cents": (
        SplitTerms(deemed_rate=D("0.10"), periods_per_year=1), """
        # 33.33 at 10% is 36.663: booked as 36.66, and half of 10.01 is 5.005 -> 5.00
        33.33   0     0        0       33.33
        0       10.01 5.00     5.01    31.66
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


def problems_of(err: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, object, str, str]]:
    return [(p.field, p.value, p.rule, p.message) for p in err.value.problems]


def test_each_bad_term_says_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        SplitTerms(deemed_rate=D("-1"), periods_per_year=0, pre_share=D("1.01"),
                   post_share=D("-0.01"))
    assert problems_of(err) == [
        ("periods_per_year", 0, "waterfall.periods", "at least one period a year"),
        ("pre_split", "1.01", "waterfall.share", "the pre-recovery share must be in (0, 1]"),
        ("post_split", "-0.01", "waterfall.share",
         "the post-recovery share must be in [0, 1]"),
        ("deemed_rate", "-1", "waterfall.rate",
         "the deemed rate must be above -100% and at most 100%"),
    ]


def test_a_deemed_rate_is_at_most_100_per_cent() -> None:
    # A faster rate outgrows the digits money is kept in over a long project's life.
    assert SplitTerms(deemed_rate=D(1)).deemed_rate == D(1)
    for bad in ("1.0001", "10", "1E+9"):
        with pytest.raises(InvalidInput) as err:
            SplitTerms(deemed_rate=D(bad))
        assert problems_of(err) == [("deemed_rate", str(D(bad)), "waterfall.rate",
                                     "the deemed rate must be above -100% and at most 100%")]


def test_the_edges_of_the_terms_are_accepted() -> None:
    # One period a year, all to the partner before recovery, nothing after, a rate just
    # above -100%: every bound is inclusive where the rule says so.
    terms = SplitTerms(deemed_rate=D("-0.99"), periods_per_year=1, pre_share=D("1"),
                       post_share=D("0"))
    assert (terms.pre_share, terms.post_share) == (D(1), D(0))
    assert SplitTerms(deemed_rate=D(0), post_share=D(1)).post_share == D(1)
    with pytest.raises(InvalidInput) as err:
        SplitTerms(deemed_rate=D(0), pre_share=D(0))
    assert problems_of(err) == [
        ("pre_split", "0", "waterfall.share", "the pre-recovery share must be in (0, 1]")]


def test_one_period_a_year_compounds_to_the_annual_rate_itself() -> None:
    assert SplitTerms(deemed_rate=D("0.06"), periods_per_year=1).period_rate == D("0.06")
    # Monthly: (1.1268250301319698...)^(1/12) = 1.01 to the 40 digits the rule keeps.
    monthly = SplitTerms(deemed_rate=D("1.01") ** 12 - 1, periods_per_year=12)
    assert abs(monthly.period_rate - D("0.01")) < D("1e-38")
    simple = SplitTerms(deemed_rate=D("0.06"), periods_per_year=12,
                        compounding=Compounding.SIMPLE)
    assert simple.period_rate == D("0.005")


def test_the_deemed_interest_accrues_before_the_funding_of_the_period() -> None:
    # 10% a year, one period a year: 100 funded in period 0 is 110 owed in period 1;
    # 100 more funded in period 1 earns nothing until period 2.
    terms = SplitTerms(deemed_rate=D("0.1"), periods_per_year=1)
    r = run_waterfall([D(100), D(100), D(0)], [D(0), D(0), D(0)], terms)
    assert [p.balance for p in r.periods] == [D(100), D(210), D(231)]


def test_totals_multiple_and_net_flows() -> None:
    r = run_waterfall([D(100), D(0), D(0)], [D(0), D(300), D(50)], ZERO_RATE)
    # 300 clears the 100 owed (200 at 50/50) and pays 10% of the other 100; then 10% of 50.
    assert [(p.partner, p.us) for p in r.periods] == [
        (D(0), D(0)), (D(110), D(190)), (D(5), D(45))]
    assert (r.partner_total, r.us_total, r.funding_total) == (D(115), D(235), D(100))
    assert r.partner_moic == D("1.15")
    assert r.partner_net_flows == [D(-100), D(110), D(5)]
    assert r.recoup_period == 1


def test_a_multiple_is_none_when_nothing_was_funded() -> None:
    r = run_waterfall([D(0)], [D(10)], ZERO_RATE)
    assert r.partner_moic is None
    assert (r.periods[0].partner, r.periods[0].us) == (D(1), D(9))
    assert r.recoup_period is None


def test_a_multiple_keeps_forty_digits() -> None:
    r = run_waterfall([D(3)], [D(2)], SplitTerms(deemed_rate=D(0), pre_share=D(1)))
    assert r.partner_moic == D("0." + "6" * 39 + "7")


def test_runs_that_cannot_be_split_are_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        run_waterfall([D(1), D(2)], [D(1)], ZERO_RATE)
    assert problems_of(err) == [("distributable", 1, "waterfall.length",
                                 "2 funding periods but 1 distributable")]
    with pytest.raises(InvalidInput) as err:
        run_waterfall([D(-1), D(0), D("-0.5")], [D(0), D(0), D(0)], ZERO_RATE)
    assert problems_of(err) == [
        ("row 0 funding", "-1", "waterfall.negative_funding", "funding cannot be negative"),
        ("row 2 funding", "-0.5", "waterfall.negative_funding", "funding cannot be negative"),
    ]


def test_csv_is_read_with_a_byte_order_mark_spaces_and_grouped_digits() -> None:
    text = "\ufeff period , funding , distributable\n0,\"1,000\",0\n1, 0 ,2_500.5\n"
    assert parse_waterfall_csv(text) == ([D(1000), D(0)], [D(0), D("2500.5")])
    # Grouping marks are dropped wherever they stand, not checked.
    assert parse_waterfall_csv("period,funding,distributable\n0,10_,1__0\n") == (
        [D(10)], [D(10)])


def test_csv_problems_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding,distributable\n0,x,NaN\n2,-1,Infinity\n")
    assert problems_of(err) == [
        ("row 2 column funding", "x", "csv.not_a_number", "expected a number"),
        ("row 2 column distributable", "NaN", "csv.not_a_number", "expected a number"),
        ("row 3 column distributable", "Infinity", "csv.not_a_number", "expected a number"),
        ("row 3 column period", "2", "csv.period_order", "expected period 1"),
        ("row 3 column funding", "-1", "waterfall.negative_funding",
         "funding cannot be negative"),
    ]
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("funding,cash\n1,2\n")
    assert problems_of(err) == [
        ("header", "funding,cash", "csv.missing_column", "missing column 'period'"),
        ("header", "funding,cash", "csv.missing_column", "missing column 'distributable'"),
    ]
    # The header is quoted as written, whatever its first letters.
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("XX,funding,distributable\n0,1,2\n")
    assert problems_of(err) == [("header", "XX,funding,distributable", "csv.missing_column",
                                 "missing column 'period'")]
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding,distributable\n")
    assert problems_of(err) == [("rows", 0, "csv.empty", "the file has no periods")]
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("")
    assert [p.rule for p in err.value.problems] == ["csv.missing_column"] * 3


def test_a_bad_period_number_is_taken_as_the_expected_one() -> None:
    # The bad cell is reported once; the rows after it are not all out of order.
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding,distributable\n0,1,1\none,1,1\n2,1,1\n")
    assert problems_of(err) == [
        ("row 3 column period", "one", "csv.not_a_number", "expected a number")]


def test_a_short_row_leaves_its_missing_cells_empty() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_waterfall_csv("period,funding,distributable\n0,1\n")
    assert problems_of(err) == [
        ("row 2 column distributable", "", "csv.not_a_number", "expected a number")]


def test_amounts_below_one_follow_the_same_rule() -> None:
    # Half a dollar funded, forty cents of cash: split 50/50 while owed. Then eighty
    # cents: sixty clear the thirty owed, the other twenty split 10/90.
    r = run_waterfall([D("0.5"), D(0)], [D("0.4"), D("0.8")], ZERO_RATE)
    assert [(p.period, p.partner, p.us, p.balance) for p in r.periods] == [
        (0, D("0.2"), D("0.2"), D("0.3")), (1, D("0.32"), D("0.48"), D(0))]
    # Cash below one with nothing owed: 10/90.
    r = run_waterfall([D(0)], [D("0.5")], ZERO_RATE)
    assert (r.periods[0].partner, r.periods[0].us) == (D("0.05"), D("0.45"))


def test_a_balance_owed_at_the_end_undoes_an_earlier_recovery() -> None:
    # Recovered in period 0, then half a dollar funded and never paid back.
    r = run_waterfall([D(10), D("0.5")], [D(20), D(0)], ZERO_RATE)
    assert [p.balance for p in r.periods] == [D(0), D("0.5")]
    assert r.recoup_period is None


def test_an_amount_of_any_size_rounds_to_cents() -> None:
    from decimal import Decimal as D

    from pledge.domain.waterfall import cents_of_any_size
    huge = D("1234567890123456789") * D(10) ** 190 + D("0.125")
    assert cents_of_any_size(huge) == D(10) ** 190 * D("1234567890123456789") + D("0.12")
    assert cents_of_any_size(D("-2.345")) == D("-2.34")
    assert cents_of_any_size(D("1e-30")) == D("0.00")

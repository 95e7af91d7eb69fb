"""The split rule at its edges: the exact threshold, zero and negative zero, a balance under
a dollar, and half cents rounded half-even whatever the ambient rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from pledge.domain.waterfall import (
    Phase,
    Split,
    SplitTerms,
    run_waterfall,
    split_distribution,
    to_cents,
)

D = Decimal
HALF, TENTH = D("0.5"), D("0.1")


def test_to_cents_rounds_half_even_even_where_the_context_rounds_half_up() -> None:
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        assert str(to_cents(D("0.125"))) == "0.12"
        assert str(to_cents(D("0.135"))) == "0.14"
        assert str(to_cents(D("-2.665"))) == "-2.66"
        assert str(to_cents(D("7.0051"))) == "7.01"


def test_cash_exactly_at_the_threshold_is_still_the_pre_recovery_split() -> None:
    # B = 30.00 and s_pre = 0.5: cash of 60.00 recovers the balance exactly, all of it
    # under the pre-recovery split.
    got = split_distribution(D("60.00"), D("30.00"), HALF, TENTH)
    assert got == Split(D("60.00"), D("30.00"), D("30.00"), D("30.00"), D("0.00"), Phase.PRE)
    assert got.phase is Phase.PRE
    # A cent more crosses: 30.00 + 0.1 * 0.01 = 30.001 -> 30.00.
    got = split_distribution(D("60.01"), D("30.00"), HALF, TENTH)
    assert got.phase is Phase.CROSSING
    assert (got.partner, got.us, got.balance_after) == (D("30.00"), D("30.01"), D("0.00"))


def test_nothing_owed_is_the_post_recovery_split_even_for_no_cash() -> None:
    assert split_distribution(D("80.00"), D("0.00"), HALF, TENTH) == Split(
        D("80.00"), D("8.00"), D("72.00"), D("0.00"), D("0.00"), Phase.POST)
    assert split_distribution(D("0"), D("0"), HALF, TENTH).phase is Phase.POST
    assert split_distribution(D("-5"), D("0"), HALF, TENTH).phase is Phase.POST


def test_a_negative_balance_counts_as_nothing_owed() -> None:
    got = split_distribution(D("80.00"), D("-12.34"), HALF, TENTH)
    assert got == Split(D("80.00"), D("8.00"), D("72.00"), D("0.00"), D("0.00"), Phase.POST)
    assert str(got.balance_before) == "0.00"


def test_negative_zero_cash_and_balance_come_out_as_plain_zero() -> None:
    got = split_distribution(D("-0.00"), D("-0"), HALF, TENTH)
    assert [str(x) for x in (got.amount, got.partner, got.us, got.balance_before,
                             got.balance_after)] == ["0.00"] * 5
    assert got.phase is Phase.POST


def test_a_balance_under_a_dollar_recovered_sets_the_recoup_period() -> None:
    terms = SplitTerms(deemed_rate=D("0"), periods_per_year=4)
    result = run_waterfall([D("0.40"), D("0")], [D("0"), D("1.00")], terms)
    # Period 1: B = 0.40, threshold 0.80; 1.00 crosses: 0.40 + 0.1 * 0.20 = 0.42.
    assert [(p.partner, p.us, p.balance) for p in result.periods] == [
        (D("0.00"), D("0.00"), D("0.40")), (D("0.42"), D("0.58"), D("0.00"))]
    assert result.recoup_period == 1

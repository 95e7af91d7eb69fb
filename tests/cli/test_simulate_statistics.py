"""`pledge simulate` states its sampling error, counts total losses, names what
"recovers" means and discounts its present values at a stated rate, only adding keys."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest

from tests.clirunner import Cli

GULFLINK = "25"
#: The keys `pledge simulate --json` printed before any of these were added.
OLD_KEYS = {"project_id", "paths", "seed", "prob_recover", "partner_irr", "irr_none_share",
            "expected_moic", "recoup_years", "us_expected_take", "partner_expected_take",
            "expected_funding"}


def test_the_json_keeps_its_keys_and_adds_standard_errors(cli: Cli) -> None:
    data = cli.json("simulate", GULFLINK, "--paths", "400", "--seed", "3")
    assert set(data) >= OLD_KEYS
    assert set(data["partner_irr"]) == {"p5", "p50", "p95"}
    assert {"p5", "p50", "p95", "never_share", "by_year"} <= set(data["recoup_years"])
    for money in ("us_expected_take", "partner_expected_take", "expected_funding"):
        assert isinstance(data[money], float)  # numbers on the command line, as always
    p = data["prob_recover"]
    assert 0 < p < 1
    assert data["standard_errors"]["prob_recover"] == pytest.approx(math.sqrt(p * (1 - p) / 400))
    low, high = data["ci95"]["prob_recover"]
    assert 0 <= low < p < high <= 1
    assert "Wilson" in data["ci_method"]["probabilities"]
    take_se = Decimal(data["standard_errors"]["partner_expected_take"])
    assert take_se > 0
    low, high = (Decimal(x) for x in data["ci95"]["partner_expected_take"])
    assert low < Decimal(repr(data["partner_expected_take"])) < high
    assert data["irr_total_loss_share"] >= 0
    assert data["recover_definition"] == "project"
    # the same seed gives the same document
    assert cli.json("simulate", GULFLINK, "--paths", "400", "--seed", "3") == data


def test_present_values_are_at_the_deemed_rate_unless_another_is_given(cli: Cli) -> None:
    deemed = cli.json("waterfall", "--project", GULFLINK)["deemed_rate"]
    data = cli.json("simulate", GULFLINK, "--paths", "300", "--seed", "1")
    assert data["discount_rate"] == pytest.approx(deemed)
    assert data["discount_basis"] == "the deemed rate in force"
    assert data["undiscounted"] == ["us_expected_take", "partner_expected_take",
                                    "expected_funding"]
    pv = Decimal(data["partner_expected_pv"])
    assert 0 < pv < Decimal(repr(data["partner_expected_take"]))
    given = cli.json("simulate", GULFLINK, "--paths", "300", "--seed", "1",
                     "--discount-rate", "2%")
    assert (given["discount_rate"], given["discount_basis"]) == (0.02, "given")
    assert pv < Decimal(given["partner_expected_pv"])  # a lower rate, a larger value
    flat = cli.json("simulate", GULFLINK, "--paths", "300", "--seed", "1",
                    "--discount-rate", "0")
    assert Decimal(flat["partner_expected_pv"]) == pytest.approx(
        Decimal(repr(flat["partner_expected_take"])), abs=Decimal("0.02"))
    code, _, err = cli("simulate", GULFLINK, "--paths", "10", "--discount-rate", "-150%")
    assert code == 2 and "discount_rate" in err


def test_the_text_shows_errors_intervals_and_labels(cli: Cli) -> None:
    code, out, _ = cli("simulate", GULFLINK, "--paths", "300", "--seed", "1")
    assert code == 0
    data = cli.json("simulate", GULFLINK, "--paths", "300", "--seed", "1")
    p, se = data["prob_recover"], data["standard_errors"]["prob_recover"]
    low, high = data["ci95"]["prob_recover"]
    assert f"{p:.2%} ± {se:.2%} [{low:.2%}, {high:.2%}]" in out
    assert "total losses at -100%" in out and "(undiscounted)" in out
    assert f"present values at {data['discount_rate']:.2%} a year" in out


def test_a_portfolio_names_its_recovery_and_reads_it_three_ways(cli: Cli) -> None:
    data = cli.json("simulate", "--portfolio", "--framework", "japan", "--paths", "300")
    assert data["recover_definition"] == "every project"
    shares = data["portfolio_recovery"]
    assert shares["every"] == data["prob_recover"]
    assert shares["every"] <= shares["any"] and 0 <= shares["pooled"] <= 1
    for key in ("prob_recover_every", "prob_recover_any", "prob_recover_pooled"):
        assert key in data["standard_errors"] and len(data["ci95"][key]) == 2
    code, out, _ = cli("simulate", "--portfolio", "--framework", "japan", "--paths", "300")
    assert code == 0 and "partner recovers on every project" in out
    assert "on at least one project" in out and "on the pooled cash" in out
    json.dumps(data)  # plain JSON throughout


def test_a_discount_rate_near_minus_100_per_cent_gives_present_values_in_cents(
        cli: Cli) -> None:
    # At -99% a year a present value has far more digits than a default context keeps:
    # the summary still gives it, in whole cents, beyond the one at -50%.
    near = cli.json("simulate", "24", "--paths", "20", "--seed", "1", "--discount-rate",
                    "-0.99")
    half = cli.json("simulate", "24", "--paths", "20", "--seed", "1", "--discount-rate",
                    "-0.5")
    pv = Decimal(str(near["partner_expected_pv"]))
    assert pv.as_tuple().exponent == -2 and pv.adjusted() > 28
    assert abs(pv) > abs(Decimal(str(half["partner_expected_pv"])))

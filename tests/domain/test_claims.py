"""The rules of claims about the terms, tranches and sponsors' roles (domain.claims)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.domain.claims import check_claim, check_role, check_tranche, compare
from pledge.domain.errors import InvalidInput
from pledge.domain.money import MoneyRange
from pledge.domain.project import SponsorRole


def test_a_claim_is_kept_in_its_stored_form() -> None:
    assert check_claim({"funding_window.length": "45", "funding_window.unit": "business",
                        "tariff.agreed": "0.150", "split.post_partner_share": Decimal("0.1")}) == {
        "funding_window.length": 45, "funding_window.unit": "business",
        "tariff.agreed": "0.15", "split.post_partner_share": "0.1"}


@pytest.mark.parametrize(("settings", "field", "rule"), [
    ({}, "settings", "claim.empty"),
    ({"funding_window.length": 0}, "funding_window.length", "claim.bad_length"),
    ({"funding_window.length": 4000}, "funding_window.length", "claim.bad_length"),
    ({"funding_window.length": True}, "funding_window.length", "claim.bad_length"),
    ({"funding_window.unit": "weeks"}, "funding_window.unit", "claim.bad_choice"),
    ({"funding_window.meaning": "soon"}, "funding_window.meaning", "claim.bad_choice"),
    ({"tariff.agreed": "15%"}, "tariff.agreed", "claim.not_a_fraction"),
    ({"tariff.agreed": "1.5"}, "tariff.agreed", "claim.not_a_fraction"),
    ({"tariff.agreed": "NaN"}, "tariff.agreed", "claim.not_a_fraction"),
    ({"commitment": "1"}, "commitment", "claim.unknown_setting"),
])
def test_a_claim_out_of_bounds_is_refused_naming_the_setting(
        settings: dict[str, object], field: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_claim(settings)
    assert (err.value.first.field, err.value.first.rule) == (field, rule)


def test_compare_says_where_a_claim_and_the_terms_agree() -> None:
    terms = {"funding_window.length": 45, "funding_window.unit": "business",
             "tariff.agreed": "0.15"}
    assert compare({"funding_window.length": 60, "funding_window.unit": "business",
                    "tariff.agreed": "0.150", "split.pre_partner_share": "0.5"}, terms) == {
        "funding_window.length": False, "funding_window.unit": True, "tariff.agreed": True,
        "split.pre_partner_share": None}


def test_a_tranche_and_a_role() -> None:
    amount = MoneyRange(Decimal(6), Decimal(7), "JPY")
    tranche = check_tranche("  first   phase ", "1", amount)
    assert (tranche.label, tranche.ordinal, tranche.amount) == ("first phase", 1, amount)
    assert check_tranche("phase", None, None).ordinal is None
    with pytest.raises(InvalidInput) as err:
        check_tranche("", 51, None)
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("label", "text.empty"), ("ordinal", "tranche.bad_ordinal")]
    assert check_role(" Lender ") is SponsorRole.LENDER
    with pytest.raises(InvalidInput) as bad:
        check_role("investor")
    assert (bad.value.first.field, bad.value.first.rule) == ("role", "sponsor.unknown_role")

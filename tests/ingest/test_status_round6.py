"""Status words tied to projects a sixth way: through a list under a sentence that ends
with its status word and a colon ("the President has approved:"), through a possessive
that opens a sentence and names only a kind of facility ("Its power modules proposal"),
through a singular package named by what it supplies, just after a project firmly named;
a company's own new facility is not resolved to another company's known project of its
kind; a few words for a file still with the committee; and a negated bounding verb
before an amount ("would not exceed $550 billion") read as a ceiling."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.ingest.amounts import find_amounts
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex
from pledge.ingest.text import normalise

from .helpers import status_signals as _signals

_GE_POWER, _TOSHIBA, _TDK, _PANASONIC, _MITRA = 5, 9, 12, 15, 21
_MHI_TURBINES = "Mitsubishi Heavy Industries gas turbine plant (South Carolina)"
_B = Decimal(10) ** 9


@pytest.mark.parametrize(("text", "expected"), [
    ("The President has approved:\n- a lithium iron phosphate cathode facility put forward "
     "by Mitra Chem.", (_MITRA, "selected")),
    ("대통령은 다음 사업을 승인했다:\n- 미쓰비시중공업의 사우스캐롤라이나주 가스터빈 공장",
     (_MHI_TURBINES, "selected")),
])
def test_a_list_under_a_closing_status_word(gazetteer: Gazetteer, index: ProjectIndex,
                                            text: str, expected: tuple[int | str, str]) -> None:
    assert expected in _signals(text, gazetteer, index)


def test_a_colon_after_other_words_lists_nothing(gazetteer: Gazetteer,
                                                 index: ProjectIndex) -> None:
    text = "The committee asked what should be approved next:\n- a cathode plant by Mitra Chem."
    assert (_MITRA, "selected") not in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    "GE Vernova's turbine order was selected by the President. Mitsubishi Heavy Industries "
    "- a gas turbine assembly plant in South Carolina; under review by the committee.",
    "GEベルノバのガスタービン供給は大統領が選定した。三菱重工業のサウスカロライナ州の"
    "ガスタービン工場は委員会で審査中だ。",
    "GE 버노바의 가스터빈 공급은 대통령이 선정했다. 미쓰비시중공업의 사우스캐롤라이나주 "
    "가스터빈 공장은 위원회에서 심사 중이다.",
])
def test_a_company_own_facility_is_not_another_company_project(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    found = _signals(text, gazetteer, index)
    assert (_MHI_TURBINES, "under_review") in found
    assert (_GE_POWER, "under_review") not in found


def test_a_possessive_borrows_the_company_before(gazetteer: Gazetteer,
                                                 index: ProjectIndex) -> None:
    text = "Toshiba is further back. Its power modules proposal remains before the committee."
    assert (_TOSHIBA, "under_review") in _signals(text, gazetteer, index)


def test_a_possessive_with_its_own_company_keeps_it(gazetteer: Gazetteer,
                                                    index: ProjectIndex) -> None:
    text = "Toshiba is further back. Hitachi's grid equipment plan remains before the committee."
    assert (_TOSHIBA, "under_review") not in _signals(text, gazetteer, index)


def test_a_package_of_a_kind_is_the_project_before(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    text = ("Panasonic - Chosen. The President signed off on the batteries and components "
            "package.\nTDK - Under review.")
    found = _signals(text, gazetteer, index)
    assert (_PANASONIC, "selected") in found
    assert (_TDK, "under_review") in found
    assert (_TDK, "selected") not in found


@pytest.mark.parametrize("text", [
    "MHI's gas turbine plant in South Carolina is in screening by the investment committee.",
    "MHI's gas turbine plant in South Carolina is still before the investment committee.",
])
def test_words_for_a_file_with_the_committee(gazetteer: Gazetteer, index: ProjectIndex,
                                             text: str) -> None:
    assert (_MHI_TURBINES, "under_review") in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "low", "high"), [
    ("total investment would not exceed $550 billion", None, 550 * _B),
    ("a budget not to exceed $2 billion", None, 2 * _B),
    ("orders that won't top $3 billion", None, 3 * _B),
    ("orders that could exceed $3 billion", 3 * _B, None),
])
def test_a_negated_bounding_verb_caps_the_amount(text: str, low: Decimal | None,
                                                 high: Decimal | None) -> None:
    [hit] = find_amounts(normalise(text))
    assert (hit.range.low, hit.range.high) == (low, high)


_ENTRA1 = 7


@pytest.mark.parametrize(("text", "expected", "absent"), [
    ("ENTRA1 Energy said it has withdrawn its separate proposal for a gas-fired peaking plant "
     "in Wyoming.", ("ENTRA1 Energy gas-fired peaking plant (Wyoming)", "withdrawn"),
     (_ENTRA1, "withdrawn")),
    ("ENTRA1 Energy withdrew another plan for a gas-fired plant in Wyoming.",
     ("ENTRA1 Energy gas-fired power plant (Wyoming)", "withdrawn"), (_ENTRA1, "withdrawn")),
])
def test_a_separate_facility_is_not_the_sponsor_known_project(
        gazetteer: Gazetteer, index: ProjectIndex, text: str,
        expected: tuple[int | str, str], absent: tuple[int | str, str]) -> None:
    found = _signals(text, gazetteer, index)
    assert expected in found
    assert absent not in found


def test_the_sponsor_known_project_without_a_separate_one(gazetteer: Gazetteer,
                                                          index: ProjectIndex) -> None:
    text = "ENTRA1 Energy withdrew its gas-fired power proposal."
    assert (_ENTRA1, "withdrawn") in _signals(text, gazetteer, index)

"""Status words of the seventh round: a word in a headline that joins two stories with an
ellipsis is said only of its own story; a candidate chosen for the list, or named for the
next round (차기, 次期), is a finalist; a candidate site a company looks for and a facility
the sentence sets apart from the programme give no stage."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals

_TDK, _PANASONIC, _MITRA = 12, 15, 21
_MHI_TURBINES = "Mitsubishi Heavy Industries gas turbine plant (South Carolina)"


def test_a_headline_word_stays_in_its_story(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "미쓰비시중공업 사우스캐롤라이나주 가스터빈 공장, 투자위 추천...다른 공장은 철회"
    got = _signals(text, gazetteer, index)
    assert (_MHI_TURBINES, "recommended") in got
    assert (_MHI_TURBINES, "withdrawn") not in got


@pytest.mark.parametrize(("text", "expected"), [
    ("미쓰비시중공업의 사우스캐롤라이나주 가스터빈 공장이 대미 투자 후보로 선정됐다.",
     (_MHI_TURBINES, "finalist")),
    ("TDKの先端電子部品工場計画は、首脳会談の共同文書で次期候補に選ばれた。", (_TDK, "finalist")),
    ("TDK의 첨단 전자부품 공장 계획은 정상회의 공동문서에 차기 후보로 올랐다.", (_TDK, "finalist")),
])
def test_a_candidate_for_the_list_is_a_finalist(gazetteer: Gazetteer, index: ProjectIndex,
                                                text: str, expected: tuple[int | str, str]
                                                ) -> None:
    got = _signals(text, gazetteer, index)
    assert expected in got
    assert (expected[0], "selected") not in got


@pytest.mark.parametrize(("text", "project", "stage"), [
    ("Mitra Chem is still looking at candidate sites for its cathode plant.", _MITRA,
     "proposed"),
    ("미쓰비시중공업은 사우스캐롤라이나주 가스터빈 공장 후보지를 물색 중이다.", _MHI_TURBINES,
     "proposed"),
    ("パナソニックは既にカンザス州で電池工場を稼働させているが、これは枠組みとは別の自社投資だ。",
     _PANASONIC, "operating"),
    ("Mitra Chem already operates a cathode plant in Michigan, which is separate from the "
     "investment framework.", _MITRA, "operating"),
])
def test_no_stage_from_a_site_search_or_own_business(gazetteer: Gazetteer, index: ProjectIndex,
                                                     text: str, project: int | str, stage: str
                                                     ) -> None:
    assert (project, stage) not in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "expected"), [
    ("Mitra Chem's lithium iron phosphate cathode plant was named a candidate.",
     (_MITRA, "proposed")),
    ("미쓰비시중공업의 사우스캐롤라이나주 가스터빈 공장은 후보지만 아직 심사 중이다.",
     (_MHI_TURBINES, "under_review")),
    ("TDKの先端電子部品工場計画は、対米投資の枠組みで審査中だ。", (_TDK, "under_review")),
])
def test_the_guards_leave_plain_stages(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                                       expected: tuple[int | str, str]) -> None:
    assert expected in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    "TDKの先端電子部品工場計画について、日本政府は出資要請を断った。",
    "TDK의 첨단 전자부품 공장 계획에 대해 일본 정부는 출자 요청을 거절했다.",
    "Tokyo turned down a request to pay for Mitra Chem's lithium iron phosphate cathode plant.",
])
def test_a_request_turned_down_is_declined(gazetteer: Gazetteer, index: ProjectIndex,
                                           text: str) -> None:
    got = {stage for _, stage in _signals(text, gazetteer, index)}
    assert "declined" in got
    assert "notified" not in got


def test_a_request_granted_stays_notified(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "TDKの先端電子部品工場計画について、日本側に出資要請が届いた。"
    assert (_TDK, "notified") in _signals(text, gazetteer, index)


def test_a_list_item_of_another_company_is_its_own_subject(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    text = ("* Mitra Chem: its lithium iron phosphate cathode plant in Michigan was approved "
            "by the President.\n* Korea Zinc: the smelter in Tennessee has been formally "
            "notified to Seoul.")
    got = _signals(text, gazetteer, index)
    assert (_MITRA, "selected") in got
    assert (_MITRA, "notified") not in got


def test_a_back_reference_of_the_same_kind_still_carries(gazetteer: Gazetteer,
                                                         index: ProjectIndex) -> None:
    text = ("Mitra Chem's lithium iron phosphate cathode plant in Michigan was put forward "
            "in May. The plant was approved by the President on Friday.")
    assert (_MITRA, "selected") in _signals(text, gazetteer, index)


def test_sites_under_study_are_no_review(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Mitra Chem will build its lithium iron phosphate cathode plant at sites still "
            "under study.")
    assert (_MITRA, "under_review") not in _signals(text, gazetteer, index)
    text = "Mitra Chem's lithium iron phosphate cathode plant is still under study."
    assert (_MITRA, "under_review") in _signals(text, gazetteer, index)

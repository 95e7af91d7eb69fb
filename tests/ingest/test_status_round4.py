"""Status wordings of a fourth round: production under way, a file being screened, a list
of candidates for the following tranche, money received in the passive, other bodies named
with their place, the Japanese and Korean words for an investment carried out, an
impersonal notice and a refusal by the partner's side, narrower names for new facilities,
and a Korean headline's ellipsis joining two stories."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals


@pytest.mark.parametrize(("text", "stage"), [
    ("Sentinel Midstream said the Texas GulfLink crude oil export terminal has started "
     "commercial production.", "operating"),
    ("The Texas GulfLink crude oil export terminal is the first of the projects to enter "
     "service.", "operating"),
    ("Sentinel Midstream said the Texas GulfLink crude oil export terminal is still being "
     "screened by the investment committee.", "under_review"),
    ("The Texas GulfLink crude oil export terminal is on the list of candidates for the "
     "following tranche.", "finalist"),
    ("Sentinel Midstream said the first $300 million from Japan was received for the Texas "
     "GulfLink crude oil export terminal in May.", "funded"),
    # Japanese
    ("テキサス州の原油積み出し港の事業への出資が実行された。", "funded"),
    ("テキサス州の原油積み出し港の事業について、日本政府に正式な通知がありました。", "notified"),
    ("テキサス州の原油積み出し港の事業は、協議委員会で審査が行われている。", "under_review"),
    ("テキサス州の原油積み出し港の事業について、日本政府は出資を辞退した。", "declined"),
    # Korean
    ("Texas GulfLink 원유 수출 터미널 사업에 10억 달러가 투자 실행됐다.", "funded"),
    ("Texas GulfLink 원유 수출 터미널 사업은 일본 정부에 공식 통보가 이뤄졌다.", "notified"),
    ("Texas GulfLink 원유 수출 터미널 사업은 일본 정부가 투자를 거절했다.", "declined"),
    ("Sentinel Midstream은 Texas GulfLink 원유 수출 터미널 사업 신청을 거둬들였다.",
     "withdrawn"),
])
def test_more_wordings_per_stage(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                                 stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    # a state body named with its place approves its own permit
    "The Public Utility Commission of Texas approved the Texas GulfLink crude oil export "
    "terminal's onshore pipeline permit.",
    # an approval of the terminal's permit, after a possessive and three words
    "For the Texas GulfLink crude oil export terminal, officials approved the terminal's "
    "onshore pipeline permit.",
])
def test_other_bodies_and_their_permits_select_nothing(gazetteer: Gazetteer,
                                                       index: ProjectIndex, text: str) -> None:
    assert (25, "selected") not in _signals(text, gazetteer, index)


def test_a_refusal_in_a_japanese_headlines_other_clause_is_not_the_first_projects(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # 辞退 without its object (出資を辞退) is not read as the partner's refusal
    found = _signals("原油積み出し港、大統領に推薦 別の案件は日本側が辞退", gazetteer, index)
    assert not any(stage == "declined" for _, stage in found)


@pytest.mark.parametrize(("text", "name"), [
    ("Doosan Enerbility was selected by the President for a gas turbine plant in Georgia.",
     "Doosan Enerbility gas turbine plant (Georgia)"),
    ("두산에너빌리티가 조지아주에 짓는 가스터빈 공장은 미국 대통령의 승인을 받았다.",
     "Doosan Enerbility gas turbine plant (Georgia)"),
    ("SK하이닉스가 인디애나주에 짓는 패키징 공장은 미국 대통령의 승인을 받았다.",
     "SK hynix packaging plant (Indiana)"),
    ("삼성중공업이 텍사스주에 짓는 수리조선소는 미국 대통령의 승인을 받았다.",
     "Samsung Heavy Industries ship repair yard (Texas)"),
    ("포스코가 텍사스주에 짓는 리튬 정제 공장은 미국 대통령의 승인을 받았다.",
     "POSCO lithium refinery (Texas)"),
    ("JERA was approved by the President for a battery storage facility in Texas.",
     "JERA battery storage facility (Texas)"),
])
def test_new_projects_are_named_by_the_narrower_facility(gazetteer: Gazetteer,
                                                          index: ProjectIndex, text: str,
                                                          name: str) -> None:
    assert (name, "selected") in _signals(text, gazetteer, index)


def test_a_korean_headlines_ellipsis_joins_two_stories(gazetteer: Gazetteer,
                                                       index: ProjectIndex) -> None:
    found = _signals("두산에너빌리티 가스터빈 공장 대통령에 추천…고려아연 제련소는 통보 단계",
                     gazetteer, index)
    assert not any(stage == "recommended" and "smelter" in str(p) for p, stage in found)
    assert any(stage == "recommended" and "gas turbine" in str(p) for p, stage in found)


def test_a_negation_in_another_table_cell_negates_nothing(gazetteer: Gazetteer,
                                                          index: ProjectIndex) -> None:
    text = ("Texas GulfLink crude oil export terminal | not disclosed | not disclosed | "
            "Japan declined to fund")
    assert _signals(text, gazetteer, index) == {(25, "declined")}
    text = "Texas GulfLink crude oil export terminal | Texas | not disclosed | In production"
    assert _signals(text, gazetteer, index) == {(25, "operating")}


def test_a_negation_in_the_same_cell_still_negates(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    text = "Texas GulfLink crude oil export terminal | Texas | not yet in production"
    assert not _signals(text, gazetteer, index)


def test_the_partners_who_sponsor_one_project_together_name_it(gazetteer: Gazetteer,
                                                                index: ProjectIndex) -> None:
    text = ("A baseload scheme went nowhere this year. ENTRA1 Energy and NuScale withdrew it "
            "in November.")
    assert (7, "withdrawn") in _signals(text, gazetteer, index)
    # companies that sponsor other projects too are a list of companies, not a project
    assert not _signals("Toshiba and Hitachi were approved.", gazetteer, index)


def test_the_kind_of_a_back_reference_is_the_project_named_before(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # "The reactor programme" refers back to Westinghouse's reactors, not to the SMRs the
    # article names after it
    text = ("Japan was told to pay for the construction of ten Westinghouse reactors. The "
            "reactor programme was recommended by the investment committee in October. "
            "Later comes GE Vernova Hitachi's small modular reactor deployment in Tennessee. "
            "It is on the list of candidates for the following tranche.")
    found = _signals(text, gazetteer, index)
    assert (27, "recommended") not in found
    assert (27, "finalist") in found


def test_korean_spellings_of_ge_vernova(gazetteer: Gazetteer) -> None:
    from .helpers import read_text
    ext = read_text("GE베르노바히타치뉴클리어에너지의 소형모듈원전 사업은 일본의 2차 투자 "
                    "후보에 올랐다.", gazetteer)
    assert "GE Vernova Hitachi Nuclear Energy" in ext.companies()


@pytest.mark.parametrize("text", [
    "Japanese officials refused to put money into the Texas GulfLink crude oil export "
    "terminal.",
    "Tokyo declined to invest in the Texas GulfLink crude oil export terminal.",
])
def test_more_english_refusals_are_declined(gazetteer: Gazetteer, index: ProjectIndex,
                                            text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, "declined")}


def test_it_after_a_facility_the_sentence_brings_in_is_that_facility(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Japan was told to pay for the Texas GulfLink crude oil export terminal. A rival, "
            "which has been studying a concentrate handling plant, submitted it last week.")
    assert (25, "proposed") not in _signals(text, gazetteer, index)


def test_a_manganese_plant_is_a_named_facility(gazetteer: Gazetteer,
                                               index: ProjectIndex) -> None:
    found = _signals("Japanese officials refused to invest in a manganese processing plant "
                     "in Arizona.", gazetteer, index)
    assert ("manganese processing plant (Arizona)", "declined") in found

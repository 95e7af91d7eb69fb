"""Status words tied to projects a fifth way: through a back reference by the sponsor's
role or a possessive ("the electronics maker's proposal", "its services package", "that
one", 同社, 이 회사), through an interview's question naming the project the answer speaks
of, through a company named again by its subsidiary ("the SB Energy plant"), and within
their own clause only (a Japanese or Korean negation or count of people in another clause
says nothing of them)."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals

_TDK, _KINDER, _GULFLINK, _PORTSMOUTH, _HITACHI, _MURATA = 12, 8, 25, 24, 16, 14


@pytest.mark.parametrize(("text", "expected"), [
    ("Investors bought TDK on Monday. The electronics maker's proposal remains under review "
     "by the consultation committee.", (_TDK, "under_review")),
    ("Kinder Morgan gained 2% in New York. The investment committee recommended its "
     "pipeline services package last week.", (_KINDER, "recommended")),
    ("Sentinel Midstream also runs the Texas GulfLink crude oil export terminal. That one "
     "was approved by the President in May.", (_GULFLINK, "selected")),
    ("Murata Manufacturing said its capacitor plant is next in line. Japan was notified "
     "about it on Monday.", (_MURATA, "notified")),
    # Japanese
    ("TDKの株価が上昇した。同社の案件は委員会で審査中だ。", (_TDK, "under_review")),
    # Korean
    ("TDK 주가가 올랐다. 이 회사의 사업은 위원회에서 심사 중이다.", (_TDK, "under_review")),
])
def test_a_back_reference_by_role_or_possessive(gazetteer: Gazetteer, index: ProjectIndex,
                                                text: str, expected: tuple[int, str]) -> None:
    assert expected in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "expected"), [
    ("Q: What about the Hitachi grid modernization project?\nA: Still under review by the "
     "committee.", (_HITACHI, "under_review")),
    ("――日立の送変電設備の案件は。\n「委員会で審査している。", (_HITACHI, "under_review")),
])
def test_an_answer_speaks_of_the_project_its_question_names(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, expected: tuple[int, str]
) -> None:
    assert expected in _signals(text, gazetteer, index)


def test_a_subsidiarys_plant_is_its_parents_project_just_named(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The natural gas power campus at Portsmouth, Ohio drew crowds on Monday. "
            "The SB Energy plant was chosen by the President in October.")
    assert (_PORTSMOUTH, "selected") in _signals(text, gazetteer, index)


def test_a_count_of_people_names_no_group_of_projects(gazetteer: Gazetteer,
                                                       index: ProjectIndex) -> None:
    text = ("Kinder Morgan gained 2% in New York. The investment committee recommended its "
            "pipeline services package, two people familiar with the matter said. "
            "Separately, the Texas GulfLink crude oil export terminal won a state permit.")
    found = _signals(text, gazetteer, index)
    assert (_KINDER, "recommended") in found
    assert (_GULFLINK, "recommended") not in found


@pytest.mark.parametrize("text", [
    "村田製作所の積層セラミックコンデンサー案件は審査中で、結論はずれ込む見込みだ。",
    "무라타제작소의 적층세라믹콘덴서 사업은 심사 중이며, 결론은 아직 나오지 않았다.",
])
def test_a_negation_in_another_clause_leaves_the_stage(gazetteer: Gazetteer,
                                                       index: ProjectIndex, text: str) -> None:
    assert (_MURATA, "under_review") in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan wired money for the Portsmouth gas power campus, while the Texas GulfLink crude "
     "oil export terminal is still under review.",
     {(_PORTSMOUTH, "funded"), (_GULFLINK, "under_review")}),
    ("ポーツマスのガス火力発電所には資金が払い込まれた一方、"
     "テキサス・ガルフリンクの原油輸出ターミナルは審査中だ。",
     {(_PORTSMOUTH, "funded"), (_GULFLINK, "under_review")}),
    ("Portsmouth 가스 발전소에는 자금이 집행된 반면, "
     "Texas GulfLink 원유 수출 터미널은 심사 중이다.",
     {(_PORTSMOUTH, "funded"), (_GULFLINK, "under_review")}),
])
def test_two_projects_of_one_sentence_keep_their_own_stages(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, expected: set[tuple[int, str]]
) -> None:
    assert expected <= _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "expected"), [
    # a sponsor and two words of what the project is, beside another company
    ("Hitachi fell even as Japanese money was disbursed for GE Vernova's turbine and "
     "generator order.", (5, "funded")),
    # an amount received in the partner's funds, or under the programme
    ("The Texas GulfLink crude oil export terminal received $900 million in Japanese funds "
     "on Friday.", (_GULFLINK, "funded")),
    ("The Texas GulfLink crude oil export terminal has received $900 million under the "
     "Japan-US investment framework.", (_GULFLINK, "funded")),
])
def test_a_project_described_or_paid_in_other_words(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, expected: tuple[int, str]) -> None:
    assert expected in _signals(text, gazetteer, index)


def test_companies_named_beside_each_other_are_still_no_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    assert _signals("Hitachi and GE Vernova were approved as suppliers.", gazetteer,
                    index) == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("The Texas GulfLink crude oil export terminal was chosen in October. Japan received "
     "formal notice in November.", (_GULFLINK, "notified")),
    ("テキサス・ガルフリンクの原油輸出ターミナルは10月に選定された。日本政府は11月に正式な通知を受けた。",
     (_GULFLINK, "notified")),
    ("Sentinel Midstream's offshore oil port in Texas was approved by the President.",
     (_GULFLINK, "selected")),
])
def test_the_partner_as_subject_speaks_of_the_project_just_named(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, expected: tuple[int, str]) -> None:
    assert expected in _signals(text, gazetteer, index)


def test_the_partners_duty_under_the_rules_is_no_notice(gazetteer: Gazetteer,
                                                         index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal was chosen in October. "
            "일본은 통보를 받은 뒤 45일 이내에 자금을 내야 한다.")
    assert (_GULFLINK, "notified") not in _signals(text, gazetteer, index)


def test_two_partners_name_their_project_beside_a_supplier(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    text = ("두산에너빌리티가 설비를 대는 엔트라원에너지와 뉴스케일의 전력 사업은 "
            "위원회의 추천을 받았다.")
    assert (7, "recommended") in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    "液晶パネルの工場案件は、事業主体が撤回した。キーウィットのEPCサービス案件は審査中だ。",
    "유기EL 패널 공장 사업은 회사 측이 철회했다. 키위트의 EPC 서비스 사업은 심사 중이다.",
])
def test_a_facility_of_its_own_is_no_group_of_the_projects_after_it(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert (4, "withdrawn") not in _signals(text, gazetteer, index)

"""Status wordings of a third round: families of phrasing for money that reaches a
project, a project put up for the programme, a committee still at work, and the Japanese
and Korean endings for the same, with the guards that keep other readings out."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals


@pytest.mark.parametrize(("text", "stage"), [
    # money reaching the project, with an amount or a possessive inside the wording
    ("Sentinel Midstream said the Texas GulfLink crude oil export terminal had received "
     "about $2 billion from Japan.", "funded"),
    ("The Texas GulfLink crude oil export terminal finally has its money.", "funded"),
    ("The Texas GulfLink crude oil export terminal gets its Japanese cash.", "funded"),
    ("Around $1bn has been paid into the company behind the Texas GulfLink crude oil "
     "export terminal.", "funded"),
    ("Japan finished paying for its share of the Texas GulfLink crude oil export terminal.",
     "funded"),
    # put up for the programme's money
    ("Sentinel Midstream has put its Texas GulfLink crude oil export terminal forward for "
     "financing.", "proposed"),
    ("Sentinel Midstream submitted the Texas GulfLink crude oil export terminal to the "
     "investment committee.", "proposed"),
    # a committee still at work
    ("The Texas GulfLink crude oil export terminal has sat with the committee since May.",
     "under_review"),
    ("The Texas GulfLink crude oil export terminal is still being looked at by officials.",
     "under_review"),
    # Japanese and Korean
    ("テキサス州の原油積み出し港の事業は、約20億ドルを受け取った。", "funded"),
    ("テキサス州の原油積み出し港の事業は、推薦対象から外れた。", "under_review"),
    ("Texas GulfLink 원유 수출 터미널 사업은 20억 달러를 받았다.", "funded"),
    ("Sentinel Midstream은 Texas GulfLink 원유 수출 터미널 사업 계획을 투자위원회에 제출했다.",
     "proposed"),
])
def test_wording_families(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                          stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    # a notice is not the money
    "The Texas GulfLink crude oil export terminal received its funding notice.",
    # money only expected
    "Nothing will be paid into the Texas GulfLink crude oil export terminal until autumn.",
])
def test_wording_guards(gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert (25, "funded") not in _signals(text, gazetteer, index)


def test_a_key_to_a_tables_words_is_said_of_no_project(gazetteer: Gazetteer,
                                                          index: ProjectIndex) -> None:
    text = ("Texas GulfLink crude oil export terminal | Texas | Recommended\n\n"
            '- "Funded" means Japan has paid money into the project company.')
    assert _signals(text, gazetteer, index) == {(25, "recommended")}


@pytest.mark.parametrize("second", [
    "Commerce officials are still examining it.",
    "일본 정부는 이를 검토하고 있다.",
])
def test_a_status_word_whose_object_is_the_project_just_named(
        gazetteer: Gazetteer, index: ProjectIndex, second: str) -> None:
    first = ("Sentinel Midstream's Texas GulfLink crude oil export terminal went in early."
             if second.isascii() else "Texas GulfLink 원유 수출 터미널 사업의 비용은 20억 달러다.")
    text = f"{first} {second}"
    assert (25, "under_review") in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    # projects in general, by the stage they reached
    "The projects selected so far are in energy; the fertilizer plant in Louisiana was "
    "proposed by Mitsui.",
    "これまでに選ばれた案件はエネルギーが中心で、ルイジアナ州の肥料工場は三井物産が提案した。",
    # a bare plural: any projects
    "Japan pays for projects someone else picks. Mitsui proposed a fertilizer plant in "
    "Louisiana.",
])
def test_projects_in_general_take_no_stage(gazetteer: Gazetteer, index: ProjectIndex,
                                           text: str) -> None:
    assert {stage for _, stage in _signals(text, gazetteer, index)} <= {"proposed"}


@pytest.mark.parametrize("text", [
    "In Japan's programme, like the fertilizer plant in Louisiana, the port upgrades were "
    "not selected this time.",
    "ルイジアナ州の肥料工場と同じく注目された港湾の改修事業は、今回の推薦対象から外れた。",
])
def test_a_facility_named_to_compare_is_not_the_subject(gazetteer: Gazetteer,
                                                       index: ProjectIndex, text: str) -> None:
    found = _signals(text, gazetteer, index)
    assert (19, "under_review") in found and not any(p == 18 for p, _ in found)


def test_a_candidate_of_a_round_named_a_few_sentences_before(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    text = ("Two plants were named for the programme's next round in September. One is a "
            "copper smelter. It is expected to cost $4 billion. Its backers are American. "
            "The other candidate, a factory for LCD and OLED display panels, waits.")
    assert (31, "finalist") in _signals(text, gazetteer, index)


def test_a_new_projects_name_uses_the_owner_and_the_narrower_facility(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    found = _signals("Philly Shipyard's dock project in Pennsylvania was approved by the "
                     "President.", gazetteer, index)
    assert ("Hanwha Ocean shipyard (Pennsylvania)", "selected") in found
    found = _signals("포스코퓨처엠이 미국 테네시주에 짓는 양극재 공장에 한미 전략투자 자금이 "
                     "처음으로 집행됐다.",
                     gazetteer, index)
    assert ("POSCO cathode materials plant (Tennessee)", "funded") in found
    found = _signals("LG에너지솔루션이 미시간주에 짓는 ESS용 배터리 공장은 한미 투자위원회 검토 "
                     "중이다.",
                     gazetteer, index)
    assert ("LG Energy Solution battery plant (Michigan)", "under_review") in found


def test_a_rail_yard_is_no_shipyard(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    from .helpers import read_text
    ext = read_text("A gas-fired plant is planned for the former rail yard in Ohio.",
                    gazetteer, index)
    assert "shipbuilding" not in {s.key for s in ext.sectors}
    ext = read_text("HD Hyundai will modernise a yard in Alabama.", gazetteer, index)
    assert "shipbuilding" in {s.key for s in ext.sectors}


@pytest.mark.parametrize(("text", "stage"), [
    ("The Texas GulfLink crude oil export terminal was tapped by President Trump.", "selected"),
    ("The Texas GulfLink crude oil export terminal now sits on the President's desk.",
     "recommended"),
    ("The Texas GulfLink crude oil export terminal won the committee nod.", "recommended"),
    ("Officials are doing due diligence on the Texas GulfLink crude oil export terminal.",
     "under_review"),
    ("Sentinel Midstream requested funding for the Texas GulfLink crude oil export terminal.",
     "proposed"),
    ("Japan received a capital call for the Texas GulfLink crude oil export terminal.",
     "notified"),
    ("Japan has invested $2 billion in the Texas GulfLink crude oil export terminal.",
     "funded"),
    ("The Texas GulfLink crude oil export terminal is included in the second tranche.",
     "finalist"),
    ("Sentinel Midstream called off the Texas GulfLink crude oil export terminal.",
     "withdrawn"),
    ("テキサス州の原油積み出し港の事業が採択された。", "selected"),
    ("テキサス州の原油積み出し港の事業は大統領の判断待ちだ。", "recommended"),
    ("テキサス州の原油積み出し港の事業に資金が投入された。", "funded"),
    ("Texas GulfLink 원유 수출 터미널 사업은 대통령 판단만 남았다.", "recommended"),
    ("Texas GulfLink 원유 수출 터미널 사업에 일본 자금이 투입됐다.", "funded"),
    ("Texas GulfLink 원유 수출 터미널 사업은 백지화됐다.", "withdrawn"),
])
def test_more_wordings_per_stage(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                                 stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


def test_a_new_project_is_named_by_a_company_the_gazetteer_does_not_know(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    found = _signals("Red Mesa Partners has proposed a gas-fired power plant in Nevada for "
                     "Japan's investment programme.", gazetteer, index)
    assert found == {("Red Mesa Partners gas-fired power plant (Nevada)", "proposed")}


def test_a_company_weighing_its_own_plans_in_a_relative_clause(gazetteer: Gazetteer,
                                                               index: ProjectIndex) -> None:
    text = ("Fujikura competes with Sumitomo Electric, which is weighing its own cable plant "
            "in Hickory, North Carolina, for Japan's programme.")
    assert not any(stage == "under_review" for _, stage in _signals(text, gazetteer, index))


def test_more_sites_name_their_state(gazetteer: Gazetteer) -> None:
    from .helpers import read_text
    ext = read_text("HD Hyundai will modernise a yard in Mobile; Palmetto picked Aiken.",
                    gazetteer)
    assert {"Alabama", "South Carolina", "Mobile", "Aiken"} <= set(
        ext.contract()["us_locations"])


@pytest.mark.parametrize(("text", "stage"), [
    ("The money for the Texas GulfLink crude oil export terminal has now arrived from Tokyo.",
     "funded"),
    ("Funding for the Texas GulfLink crude oil export terminal was completed last week, "
     "Japan said.", "funded"),
    ("The committee has passed the Texas GulfLink crude oil export terminal to the President "
     "for a decision.", "recommended"),
    ("The Texas GulfLink crude oil export terminal is now awaiting a decision by the "
     "President.", "recommended"),
    ("Japan was told to fund the Texas GulfLink crude oil export terminal within 45 days.",
     "notified"),
    ("Sentinel Midstream is seeking Japanese money for the Texas GulfLink crude oil export "
     "terminal.", "proposed"),
    ("テキサス州の原油積み出し港の事業について、米国から資金拠出の要請が届いた。", "notified"),
    ("テキサス州の原油積み出し港の事業は、委員会で審査が進んでいる。", "under_review"),
    ("Texas GulfLink 원유 수출 터미널 사업은 일본 정부에 자금 납입이 통보됐다.", "notified"),
])
def test_further_wordings(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                          stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    "If the Texas GulfLink crude oil export terminal is selected, Japan will have 45 days "
    "to pay.",
    "Sentinel Midstream picked Brazoria County as the site of the Texas GulfLink crude oil "
    "export terminal.",
    "The county commission approved tax breaks for the Texas GulfLink crude oil export "
    "terminal.",
    "센티널은 Texas GulfLink 원유 수출 터미널 부지로 브라조리아 카운티를 골랐다.",
])
def test_conditions_site_choices_and_other_approvals_say_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan funded the Texas GulfLink crude oil export terminal, while the Alaska LNG "
     "pipeline is still under review.", {(25, "funded"), (22, "under_review")}),
    ("Unlike the Texas GulfLink crude oil export terminal, which Japan funded in March, the "
     "Alaska LNG pipeline is still being reviewed.", {(25, "funded"), (22, "under_review")}),
])
def test_two_projects_in_one_sentence_keep_their_own_words(
        gazetteer: Gazetteer, index: ProjectIndex, text: str,
        expected: set[tuple[int, str]]) -> None:
    assert _signals(text, gazetteer, index) == expected


@pytest.mark.parametrize(("text", "stage"), [
    ("テキサス州の原油積み出し港の事業、投資先に決定", "selected"),
    ("テキサス州の原油積み出し港の事業に国際協力銀行が出資した。", "funded"),
    ("Texas GulfLink 원유 수출 터미널 사업에 일본 자금이 들어갔다.", "funded"),
])
def test_japanese_and_korean_endings(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                                     stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize(("text", "expected"), [
    ("テキサス州の原油積み出し港の事業は、大統領の選定を待っている。", {(25, "recommended")}),
    ("Texas GulfLink 원유 수출 터미널 사업은 대통령의 선정을 기다리고 있다.",
     {(25, "recommended")}),
    ("Texas GulfLink 원유 수출 터미널 사업은 선정을 앞두고 있다.", set()),
    ("テキサス州の原油積み出し港の事業は、選定を前に審査が続く。", {(25, "under_review")}),
])
def test_waiting_for_a_selection_is_not_one(gazetteer: Gazetteer, index: ProjectIndex,
                                           text: str, expected: set[tuple[int, str]]) -> None:
    assert _signals(text, gazetteer, index) == expected

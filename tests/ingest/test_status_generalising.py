"""Status signals read in wordings and layouts the first rules did not foresee: more words
per stage in each language, who acts, what a count refers to, status lines under a
heading, and the guards (negated after the word, conditional before it)."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals


@pytest.mark.parametrize(("text", "stage"), [
    ("JBIC disbursed $2 billion for the Texas GulfLink crude oil export terminal.", "funded"),
    ("Tokyo wired the first money for the Texas GulfLink crude oil export terminal.",
     "funded"),
    ("The Texas GulfLink crude oil export terminal received its funding notice on Monday.",
     "notified"),
    ("The Texas GulfLink crude oil export terminal is still being vetted by officials.",
     "under_review"),
    ("The Texas GulfLink crude oil export terminal came online in March.", "operating"),
    ("Sentinel Midstream pulled out of the Texas GulfLink crude oil export terminal.",
     "withdrawn"),
    ("テキサス州の原油積み出し港が稼働した。", "operating"),
    ("テキサス州の原油積み出し港の計画は申請が取り下げられた。", "withdrawn"),
    ("政府はテキサス州の原油積み出し港に資金拠出を終えた。", "funded"),
    ("トランプ大統領はテキサス州の原油積み出し港の計画を承認した。", "selected"),
    ("Texas GulfLink 원유 수출 터미널 사업을 트럼프 대통령이 승인했다.", "selected"),
    ("Texas GulfLink 원유 수출 터미널에 일본 자금이 집행됐다.", "funded"),
    ("Texas GulfLink 원유 수출 터미널은 자금 납입 통보를 받았다.", "notified"),
    ("Texas GulfLink 원유 수출 터미널은 아직 검토 중이다.", "under_review"),
])
def test_more_words_for_each_stage(gazetteer: Gazetteer, index: ProjectIndex,
                                   text: str, stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    # negated after the word
    "For the Texas GulfLink crude oil export terminal, a funding notice has not yet been "
    "issued.",
    # only on a condition
    "The Texas GulfLink crude oil export terminal would count as funded only once money "
    "arrives.",
    "The Texas GulfLink crude oil export terminal is waiting for the funding notice.",
    "大統領が選定すれば、テキサス州の原油積み出し港に資金拠出の通知が届く。",
    "Texas GulfLink 원유 수출 터미널은 아직 자금 납입 통보를 받지 못했다.",
    "Texas GulfLink 원유 수출 터미널은 대통령 승인만 남겨 두고 있다.",
])
def test_negated_or_conditional_wordings_give_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_a_committee_that_approves_recommends(gazetteer: Gazetteer,
                                              index: ProjectIndex) -> None:
    text = ("The investment committee has given the nod to the Texas GulfLink crude oil "
            "export terminal.")
    assert _signals(text, gazetteer, index) == {(25, "recommended")}
    text = ("The Texas GulfLink crude oil export terminal was approved by the investment "
            "committee on Friday.")
    assert _signals(text, gazetteer, index) == {(25, "recommended")}
    text = "President Trump approved the Texas GulfLink crude oil export terminal."
    assert _signals(text, gazetteer, index) == {(25, "selected")}


def test_a_count_of_the_group_a_project_was_taken_from_covers_only_that_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal was picked from the three "
            "projects the two governments named. The others are a gas plant in Ohio and a "
            "diamond grit plant in Georgia.")
    assert _signals(text, gazetteer, index) == {(25, "selected")}


def test_a_status_word_goes_to_the_project_it_stands_nearest(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Japan wires $33 billion for the Portsmouth Powered Land Project as the US "
            "weighs two more projects. They are the Texas GulfLink crude oil export "
            "terminal and a diamond grit plant in Georgia.")
    got = _signals(text, gazetteer, index)
    assert (24, "funded") in got
    assert (25, "funded") not in got and (26, "funded") not in got


def test_a_status_line_under_a_heading_is_the_headings_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Texas GulfLink crude oil export terminal\n"
            "- Developer: Sentinel Midstream\n"
            "- Cost: $2.1 billion\n"
            "- Status: funded in full in May\n"
            "Synthetic diamond grit plant, Georgia\n"
            "- Cost: $600 million\n"
            "- Status: selected in February; a notice is expected")
    assert _signals(text, gazetteer, index) == {(25, "funded"), (26, "selected")}
    # a line with no heading above it in reach is said of nothing
    assert _signals("- Status: funded in full in May", gazetteer, index) == set()


def test_a_new_project_named_with_and_without_its_state_is_one_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Korea Zinc's critical minerals smelter in Tennessee was put forward last week. "
            "Officials said on Monday that the Korea Zinc smelter was selected.")
    assert _signals(text, gazetteer, index) == {
        ("Korea Zinc critical minerals smelter (Tennessee)", "selected")}


def test_a_passage_naming_only_a_kind_continues_the_project_of_that_kind(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # "原発の事業費" names no company or place: it is the reactor project just named
    text = ("米ウェスチングハウス製の大型原子炉10基を建設する事業について説明があった。"
            "原発の事業費は総額1000億ドルを超える。この事業は6月にトランプ大統領が選定した。")
    assert _signals(text, gazetteer, index) == {(30, "selected")}
    text = ("Korea Hydro & Nuclear Power plans reactors in South Carolina and Georgia. "
            "Officials said the reactors are still under review.")
    assert _signals(text, gazetteer, index) == {
        ("Korea Hydro & Nuclear Power nuclear reactors (South Carolina, Georgia)",
         "under_review")}


def test_a_new_project_is_named_by_its_company_not_a_ministry(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "산업통상자원부는 고려아연이 테네시주에 짓는 핵심광물 제련소를 선정했다고 밝혔다."
    assert _signals(text, gazetteer, index) == {
        ("Korea Zinc critical minerals smelter (Tennessee)", "selected")}


def test_a_headline_naming_a_kind_is_the_new_project_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("조선소 사업 승인\n"
            "트럼프 대통령은 한화오션이 필리조선소에 새 도크를 짓는 사업을 최종 승인했다.")
    assert _signals(text, gazetteer, index) == {
        ("Hanwha Ocean shipyard (Pennsylvania)", "selected")}


def test_each_clause_of_a_japanese_or_korean_sentence_has_its_own_stage(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("펜실베이니아주 가스발전소에 일본 자금이 집행됐고, 텍사스주 가스발전소에 대해서도 "
            "자금 납입 통보가 전달됐다.")
    assert _signals(text, gazetteer, index) == {(28, "funded"), (29, "notified")}


def test_a_singular_project_word_is_the_project_before_not_the_ones_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal is waiting for its money. "
            "Tokyo transferred $2 billion against the total project cost. "
            "Separately, a diamond grit plant in Georgia was mentioned.")
    assert _signals(text, gazetteer, index) == {(25, "funded")}
    # "each selected project" speaks of any project
    text = ("The Texas GulfLink crude oil export terminal was mentioned. Japan pays for "
            "each selected project within 45 days.")
    assert _signals(text, gazetteer, index) == set()


def test_a_status_word_in_a_clause_about_another_facility_is_not_the_subjects(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The LCD and OLED display plant was not chosen when the copper smelter was "
            "approved in May.")
    assert _signals(text, gazetteer, index) == {(31, "under_review")}


@pytest.mark.parametrize(("text", "stage"), [
    ("テキサス州の原油積み出し港は、次の案件の候補として挙がった。", "finalist"),
    ("Texas GulfLink 원유 수출 터미널은 다음 차례 투자 후보로 이름을 올렸다.", "finalist"),
])
def test_a_candidate_for_the_next_round_is_a_finalist(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


def test_a_new_project_with_neither_company_nor_place_gets_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    assert _signals("The committee is still reviewing a shipyard.", gazetteer, index) == set()
    assert _signals("The committee is still reviewing a shipyard in Texas.", gazetteer,
                    index) == {("shipyard (Texas)", "under_review")}


def test_a_status_line_skips_a_line_matched_by_its_kind_alone(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # "optical fibre ... data centers" alone would match another project by its kinds;
    # the company named just above is the project the lines describe
    text = ("New candidate: optical fibre cable supply\n"
            "- Company: Fujikura\n"
            "- Scope: optical fibre plants supplying AI data centers\n"
            "- Status: named among the candidates for the next round")
    assert _signals(text, gazetteer, index) == {(13, "finalist")}


@pytest.mark.parametrize("text", [
    "The Texas GulfLink crude oil export terminal pays taxes under a deal the county "
    "commissioners approved in May.",
    "The Texas GulfLink crude oil export terminal's air permit was approved by state "
    "regulators.",
])
def test_an_approval_by_another_body_is_no_stage_of_the_programme(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_a_county_named_for_a_site_places_the_project_in_its_state(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "A gas-fired power plant in Luzerne County was green-lit by the White House."
    assert _signals(text, gazetteer, index) == {(28, "selected")}


def test_they_speaks_of_every_project_the_sentence_before_named(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal and a synthetic diamond grit plant "
            "in Georgia were discussed. They were approved by President Trump on Friday.")
    assert _signals(text, gazetteer, index) == {(25, "selected"), (26, "selected")}


def test_a_heading_ending_in_a_colon_gives_its_stage_to_the_items_listed_under_it(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Projects selected by the President:\n"
            "- Texas GulfLink crude oil export terminal\n"
            "- Synthetic diamond grit plant in Georgia\n"
            "Other news followed.")
    assert _signals(text, gazetteer, index) == {(25, "selected"), (26, "selected")}


def test_the_month_may_is_no_modal(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal was shortlisted in March, "
            "recommended in May and selected in June.")
    assert _signals(text, gazetteer, index) == {(25, "selected")}
    text = "The Texas GulfLink crude oil export terminal may be selected in June."
    assert _signals(text, gazetteer, index) == set()


@pytest.mark.parametrize("text", [
    "テキサス州の原油積み出し港とジョージア州の人工ダイヤモンド工場が選定された。",
    "Texas GulfLink 원유 수출 터미널과 조지아주 인공 다이아몬드 공장이 선정됐다.",
])
def test_two_facilities_joined_by_and_in_japanese_or_korean_are_two_projects(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, "selected"), (26, "selected")}


def test_a_company_choosing_a_site_is_no_selection(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    text = "Korea Zinc picks Tennessee for a critical minerals smelter."
    assert _signals(text, gazetteer, index) == set()
    text = "President Trump picks a Korea Zinc critical minerals smelter in Tennessee."
    assert _signals(text, gazetteer, index) == {
        ("Korea Zinc critical minerals smelter (Tennessee)", "selected")}


@pytest.mark.parametrize(("text", "stage"), [
    ("The US has asked Japan to fund the Texas GulfLink crude oil export terminal.",
     "notified"),
    ("Japan completed its payment for the Texas GulfLink crude oil export terminal.",
     "funded"),
    ("The Texas GulfLink crude oil export terminal was removed from the list.", "withdrawn"),
    ("The Texas GulfLink crude oil export terminal started commercial operations in May.",
     "operating"),
    ("テキサス州の原油積み出し港は商業運転を始めた。", "operating"),
    ("Texas GulfLink 원유 수출 터미널 사업자가 신청을 취소했다.", "withdrawn"),
    ("Texas GulfLink 원유 수출 터미널에 대한 투자금이 납입됐다.", "funded"),
    ("Sentinel Midstream said the Texas GulfLink crude oil export terminal had received "
     "Japan's money.", "funded"),
    ("テキサス州の原油積み出し港は、投資委員会の審査が続いている。", "under_review"),
    ("Texas GulfLink 원유 수출 터미널이 지난달부터 가동 중이다.", "operating"),
])
def test_still_more_wordings(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                             stage: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    "The Texas GulfLink crude oil export terminal faces operational risks.",
    "For the Texas GulfLink crude oil export terminal, a recommendation is expected soon.",
])
def test_adjectives_and_expected_nouns_give_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_a_headline_matched_by_kind_alone_is_the_project_of_that_kind_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # "battery plant" alone would match another battery project of the list weakly
    text = ("Battery plant recommended\n"
            "The investment committee recommended a lithium iron phosphate cathode plant "
            "proposed by Mitra Chem to the President.")
    assert _signals(text, gazetteer, index) == {(21, "recommended")}


def test_facilities_given_as_examples_of_many_projects_get_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("これまでに選定された案件は発電所や銅製錬所など計12件に上り、"
            "その半数で資金拠出を終えた。")
    assert _signals(text, gazetteer, index) == set()
    text = "銅製錬所の案件で資金拠出を終えた。"
    assert _signals(text, gazetteer, index) != set()

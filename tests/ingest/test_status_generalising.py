"""Status signals read in wordings and layouts the first rules did not foresee: more words
per stage in each language, who acts, what a count refers to, status lines under a
heading, and the guards (negated after the word, conditional before it)."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import read_text


def _signals(text: str, gazetteer: Gazetteer, index: ProjectIndex
             ) -> set[tuple[int | str, str]]:
    """(project id, or the descriptive name of a new project, stage) as reported."""
    ext = read_text(text, gazetteer, index)
    ids = {s.project: s.project_id for s in ext.statuses}
    return {(ids[s["project"]] or s["project"], s["status"])
            for s in ext.contract()["status_signals"]}


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

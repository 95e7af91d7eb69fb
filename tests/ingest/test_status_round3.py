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

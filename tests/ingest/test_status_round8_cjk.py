"""Japanese and Korean status words of the eighth round: a status noun before "before" (추천
전, 推薦前) or a process, rule or criterion (선정 과정, 選定基準) reaches no stage; a condition
after the word (선정된다면) keeps it from being reached; "only" (にすぎない) negates nothing;
"当該案件" refers back to the project just named; talks that go on (引き続き協議) are a
review."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals

_TDK, _FUJIKURA, _PANASONIC = 12, 13, 15
_MHI_TURBINES = "Mitsubishi Heavy Industries gas turbine plant (South Carolina)"


@pytest.mark.parametrize(("text", "project"), [
    ("대미 투자 사업 선정 절차가 길어지고 있다. "
     "미쓰비시중공업의 사우스캐롤라이나주 가스터빈 공장은 투자위원회 추천을 받았다.",
     _MHI_TURBINES),
    ("対米投資の案件の選定基準が公表された。"
     "TDKの先端電子部品工場は投資委員会の推薦を受けた。", _TDK),
])
def test_a_process_or_criteria_is_no_stage(gazetteer: Gazetteer, index: ProjectIndex,
                                           text: str, project: int | str) -> None:
    got = _signals(text, gazetteer, index)
    assert (project, "recommended") in got
    assert (project, "selected") not in got


@pytest.mark.parametrize(("text", "project", "stage"), [
    ("TDK의 첨단 전자부품 공장은 아직 투자위원회 추천 전이다.", _TDK, "recommended"),
    ("TDKの先端電子部品工場は、まだ投資委員会の推薦前の段階にある。", _TDK, "recommended"),
    ("파나소닉의 캔자스주 배터리 공장이 선정된다면 일본의 부담은 커진다.", _PANASONIC, "selected"),
])
def test_before_it_or_if_it_is_not_reached(gazetteer: Gazetteer, index: ProjectIndex,
                                           text: str, project: int | str, stage: str) -> None:
    assert (project, stage) not in _signals(text, gazetteer, index)


def test_only_is_no_negation(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "TDKの先端電子部品工場は、第2弾の候補として名前が出たにすぎない。"
    assert (_TDK, "finalist") in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    "フジクラの光ファイバーケーブル案件は春に提案された。当該案件は今も審査が続いている。",
    "フジクラの光ファイバーケーブル案件については、委員会で引き続き協議することになった。",
])
def test_a_review_said_of_the_project_in_question(gazetteer: Gazetteer, index: ProjectIndex,
                                                  text: str) -> None:
    got = _signals(text, gazetteer, index)
    assert (_FUJIKURA, "under_review") in got
    assert (_FUJIKURA, "proposed") not in got


@pytest.mark.parametrize("text", [
    "電子部品で明暗 村田製は推薦、TDKは候補入り",
    "電子部品で明暗 新興は推薦、TDKは候補入り",
    "전자부품 희비, 신생업체는 추천, TDK는 후보",
])
def test_a_word_of_a_parallel_topic_is_not_the_others(gazetteer: Gazetteer,
                                                       index: ProjectIndex, text: str) -> None:
    got = _signals(text, gazetteer, index)
    assert (_TDK, "proposed") in got
    assert (_TDK, "recommended") not in got



def test_a_company_holding_off_passes_no_project_over(gazetteer: Gazetteer,
                                                      index: ProjectIndex) -> None:
    got = _signals("電子部品の対米投資で明暗 新興は推薦、TDKは見送り", gazetteer, index)
    assert not {(_TDK, "recommended"), (_TDK, "under_review")} & got

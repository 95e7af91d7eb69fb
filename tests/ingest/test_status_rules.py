"""Status signals: which stage a sentence reports and which project it is said of."""

from __future__ import annotations

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import read_text


def _signals(text: str, gazetteer: Gazetteer, index: ProjectIndex) -> set[tuple[int | None, str]]:
    ext = read_text(text, gazetteer, index)
    return {(s["project"] and next(x.project_id for x in ext.statuses
                                   if x.project == s["project"]), s["status"])
            for s in ext.contract()["status_signals"]}


def test_a_sentence_opening_with_it_speaks_of_the_project_before(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Texas GulfLink, a deepwater port off Brazoria County, would let the largest "
            "tankers load offshore. It was selected by President Trump in February.")
    assert _signals(text, gazetteer, index) == {(25, "selected")}


def test_a_candidate_for_a_named_round_is_a_finalist(gazetteer: Gazetteer,
                                                     index: ProjectIndex) -> None:
    # The phrase after the list is said of every item of it.
    text = ("Japan is weighing a copper smelter and a display factory as candidates for the "
            "second round of investments.")
    assert _signals(text, gazetteer, index) == {(32, "finalist"), (31, "finalist")}
    text = "지난 3월 2차 투자 후보로 거론된 LCD·OLED 디스플레이 공장 사업이다."
    assert _signals(text, gazetteer, index) == {(31, "finalist")}


def test_a_phrase_after_the_list_is_not_said_of_items_before_a_clause_break(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Japan selected the Texas GulfLink crude oil export terminal, while a display "
            "factory is still under review.")
    assert _signals(text, gazetteer, index) == {(25, "selected"), (31, "under_review")}


def test_picking_verbs_and_a_kind_of_facility_resolved_to_the_projects_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("일본이 5500억 달러 규모 대미 투자의 2차 프로젝트로 소형모듈원자로(SMR)와 "
            "가스발전소를 골랐다. SMR 사업은 GE버노바히타치가 맡아 테네시주와 앨라배마주에 "
            "짓는다. 나머지는 펜실베이니아주와 텍사스주의 천연가스 발전소 2곳이다.")
    assert _signals(text, gazetteer, index) == {
        (27, "selected"), (28, "selected"), (29, "selected")}


def test_an_expected_proposal_is_a_proposed_project(gazetteer: Gazetteer,
                                                    index: ProjectIndex) -> None:
    for text in ("Lutnick said the Alaska LNG pipeline is among the first proposals he expects "
                 "the investment committee to take up.",
                 "ラトニック商務長官は、アラスカ州のLNGパイプライン計画が近く投資委員会に"
                 "提案される見通しだと述べた。",
                 "러트닉 상무장관은 알래스카 LNG 파이프라인 사업이 다음 달 투자위원회에 "
                 "제안될 것이라고 밝혔다."):
        assert _signals(text, gazetteer, index) == {(22, "proposed")}, text
    # ... but a negated proposal is none.
    text = "The Alaska LNG pipeline has not been proposed to the committee."
    assert _signals(text, gazetteer, index) == set()


def test_announcing_says_nothing_of_the_stage(gazetteer: Gazetteer,
                                              index: ProjectIndex) -> None:
    text = "日米両政府は、テキサス州沖の原油積み出し港の計画を発表した。"
    assert _signals(text, gazetteer, index) == set()


def test_a_conditional_selection_does_not_count(gazetteer: Gazetteer,
                                                index: ProjectIndex) -> None:
    text = "대통령이 텍사스주 원유 수출 터미널을 최종 선정하면 일본은 45일 안에 자금을 내야 한다."
    assert _signals(text, gazetteer, index) == set()


def test_a_review_that_goes_on_counts_despite_will(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    text = ("The gas plants would be built in Pennsylvania and Texas. Together the three "
            "projects could draw up to $73 billion. The consultation committee will keep "
            "examining their profitability.")
    text = ("Small modular reactors built by GE Vernova Hitachi Nuclear Energy lead the "
            "second tranche. " + text)
    assert _signals(text, gazetteer, index) == {
        (27, "under_review"), (28, "under_review"), (29, "under_review")}


def test_one_status_per_project_the_furthest_along(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    text = ("The Texas GulfLink crude oil export terminal was under review in January. "
            "President Trump selected the Texas GulfLink terminal on Friday.")
    assert _signals(text, gazetteer, index) == {(25, "selected")}


def test_a_counted_group_takes_the_most_confident_projects_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # GE Vernova, one of several suppliers, is not one of the three projects.
    text = ("일본 정부가 대미 투자의 첫 번째 프로젝트 3건을 확정했다. 총 투자액은 360억 달러다. "
            "가장 큰 사업은 소프트뱅크그룹 계열 SB에너지가 오하이오주에 짓는 천연가스 발전소다. "
            "발전기와 변압기 등은 GE버노바와 도시바, 히타치 등이 공급할 것으로 알려졌다. "
            "텍사스주 앞바다에는 21억 달러를 들여 원유 수출 터미널을 만든다. "
            "조지아주에서는 드비어스 계열 엘리먼트식스가 인공 다이아몬드 공장을 운영한다.")
    assert _signals(text, gazetteer, index) == {
        (24, "selected"), (25, "selected"), (26, "selected")}


def test_a_counted_group_with_nothing_after_it_refers_back(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    listing = ("日立GEベルノバによる小型モジュール炉(SMR)の建設と、ペンシルベニア州、"
               "テキサス州での天然ガス火力発電所の建設で、総額は最大730億ドルとなる。")
    text = listing + "協議委員会は引き続き3案件の採算性を検討する。"
    assert _signals(text, gazetteer, index) == {
        (27, "under_review"), (28, "under_review"), (29, "under_review")}
    # A sentence naming a tranche of its own may speak of another one.
    text = listing + "一方、第1弾の3案件はすでに資金を拠出した。"
    assert _signals(text, gazetteer, index) == set()


def test_the_three_candidates_are_the_three_a_sentence_listed(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Japan is weighing a nuclear power project, a copper smelter and a display "
            "factory. The copper smelter would cost about $2 billion. It may be the same "
            "facility that Falcon Copper proposed last October. The nuclear project would "
            "involve the construction of 10 Westinghouse reactors. The three candidates are "
            "finalists, the people said.")
    assert _signals(text, gazetteer, index) == {
        (30, "finalist"), (31, "finalist"), (32, "finalist"), (17, "proposed")}


def test_passed_over_this_time_is_not_a_withdrawal(gazetteer: Gazetteer,
                                                    index: ProjectIndex) -> None:
    # 見送り: not chosen in this round; the project stays under review.
    text = ("対米投資第3弾、銅製錬所を選定　ディスプレー工場は見送り\n"
            "液晶・有機ELディスプレー工場は、投資委員会で引き続き審査している。")
    assert _signals(text, gazetteer, index) == {(32, "selected"), (31, "under_review")}
    text = "液晶・有機ELディスプレー工場の計画は白紙に戻った。"
    assert _signals(text, gazetteer, index) == {(31, "withdrawn")}

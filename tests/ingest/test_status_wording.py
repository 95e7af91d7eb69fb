"""Status signals: more of the ways news words a stage, and which project it belongs to
(small sentences in, the (project id or descriptive name, stage) pairs out)."""

from __future__ import annotations

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals


def test_naming_the_first_projects_selects_the_ones_listed_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Washington named the first three projects to be paid for from Japan's fund. "
            "The largest is a gas-fired power plant in Ohio run by SB Energy. A crude oil "
            "export terminal off the Texas coast and a synthetic diamond factory in Georgia "
            "make up the rest.")
    assert _signals(text, gazetteer, index) == {
        (24, "selected"), (25, "selected"), (26, "selected")}


def test_asking_the_programme_for_money_proposes_a_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # A new project is named by its company, facility and the state of its site.
    text = ("Hanwha Ocean plans to build a new dry dock at Philly Shipyard and will ask "
            "for the money from Korea's shipbuilding pledge.")
    assert _signals(text, gazetteer, index) == {
        ("Hanwha Ocean shipyard (Pennsylvania)", "proposed")}
    text = "Hanwha Ocean is seeking funding from Korea's pledge for a new dock at Philly Shipyard."
    assert _signals(text, gazetteer, index) == {
        ("Hanwha Ocean shipyard (Pennsylvania)", "proposed")}


def test_a_withdrawn_proposal_to_upgrade_ports(gazetteer: Gazetteer,
                                               index: ProjectIndex) -> None:
    text = ("A proposal to upgrade ports and dredge shipping channels under Japan's pledge "
            "was withdrawn by its sponsors last month.")
    assert _signals(text, gazetteer, index) == {(19, "withdrawn")}


def test_a_company_weighing_its_own_plans_reports_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    for text in ("Mitsubishi Electric could supply power equipment for data centers, while "
                 "Hitachi is weighing a second transformer factory in Virginia.",
                 "HD현대와 삼성중공업도 미국 조선소 인수나 합작을 검토 중인 것으로 알려졌다.",
                 "トヨタは米国での電池工場の新設を検討している。"):
        assert _signals(text, gazetteer, index) == set(), text
    # ... but the partner or its committee considering a project is a review, even one a
    # company proposed.
    text = "日本政府は、トヨタが提案した米国の電池工場への出資を検討している。"
    assert {stage for _, stage in _signals(text, gazetteer, index)} == {"under_review"}
    text = ("GE Vernova said it would supply turbines for a gas-fired power plant in "
            "Pennsylvania that Japan is considering funding.")
    assert _signals(text, gazetteer, index) == {(28, "under_review")}


def test_the_partner_a_sentence_names_decides_the_framework_of_its_project(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # In an article about Korea's pledge, a plant "Japan is considering" is Japan's ...
    text = ("Hanwha Ocean will ask for money from Korea's $150 billion shipbuilding pledge "
            "for Philly Shipyard. Korea's pledge is the second largest. Elsewhere, GE "
            "Vernova will supply turbines for a gas-fired power plant in Pennsylvania that "
            "Japan is considering funding.")
    assert (28, "under_review") in _signals(text, gazetteer, index)
    # ... and reactors built "with Korean money" are not Japan's AP1000 fleet.
    text = ("South Korea wants nuclear power among the first projects of its $350 billion "
            "package. Under one option being studied, KHNP would join Westinghouse in "
            "building AP1000 units in South Carolina and Georgia, with Korean money covering "
            "$10 billion of the cost.")
    found = _signals(text, gazetteer, index)
    assert {stage for _, stage in found} == {"under_review"}
    assert all(isinstance(p, str) and "(South Carolina, Georgia)" in p for p, _ in found)


def test_a_stage_of_a_project_recorded_twice_goes_to_the_row_that_stands_for_it(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # Project 23 (the Japan-funded AP1000 fleet, with Cameco as partner) and 30 (the
    # second-round candidate) are one project; 30, further along, stands for both.
    text = ("Cameco could gain if Washington's plan to build 10 Westinghouse reactors with "
            "Japanese money goes ahead. The investment committee has recommended the "
            "reactors to President Trump.")
    assert _signals(text, gazetteer, index) == {(30, "recommended")}


def test_a_project_passed_over_in_a_round_stays_under_review(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    for text in ("3月に二次候補として名前が挙がっていた液晶・有機ELディスプレー工場は、"
                 "今回は選ばれなかった。",
                 "The display factory, a second-round candidate in March, was not selected "
                 "in this round.",
                 "지난 3월 2차 후보였던 디스플레이 공장은 이번에 선정되지 않았다."):
        assert _signals(text, gazetteer, index) == {(31, "under_review")}, text
    # a selection not yet made is no setback: a finalist stays a finalist
    text = ("A display factory was shortlisted for the second round; the committee has not "
            "yet selected any project.")
    assert _signals(text, gazetteer, index) == {(31, "finalist")}


def test_projects_announced_as_a_later_tranche_are_finalists(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # A summit naming the next group of projects: named for the round, not yet
    # recommended; the committee examining them further does not set them back.
    text = ("Small modular reactors built by GE Vernova Hitachi Nuclear Energy and two "
            "natural gas power plants in Pennsylvania and Texas head the second group of "
            "projects that Japan will fund, according to a joint document released after "
            "the summit. The consultation committee will keep examining their profitability.")
    assert _signals(text, gazetteer, index) == {
        (27, "finalist"), (28, "finalist"), (29, "finalist")}
    text = ("日米両政府は首脳会談で、対米投資の第2弾となる3案件を盛り込んだ共同文書を発表した。"
            "日立GEベルノバ・ニュークリア・エナジーによる小型モジュール炉(SMR)の建設と、"
            "ペンシルベニア州、テキサス州での天然ガス火力発電所の建設だ。")
    assert _signals(text, gazetteer, index) == {
        (27, "finalist"), (28, "finalist"), (29, "finalist")}


def test_a_smelter_named_without_its_metal_is_the_copper_project_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # "a smelter" is a kind the copper smelter of the next sentence falls under; that row
    # (Falcon Copper's, 17) is a duplicate report of the second-round candidate (32),
    # which a stage that moves it on is said of.
    text = ("Copper miners want to sell concentrate to a smelter in Arizona that was named "
            "this month as a candidate for the second round of Japan's US investments. "
            "Falcon Copper, the developer behind the plan, needs 400,000 tonnes a year.")
    assert _signals(text, gazetteer, index) == {(32, "finalist")}
    # a kind that is not the one of the project named next resolves to nothing
    text = ("Steelmakers want to sell plate to a shipyard in Arizona that was named this "
            "month as a candidate for the second round of Japan's US investments. Falcon "
            "Copper, a developer, needs 400,000 tonnes of ore a year.")
    found = _signals(text, gazetteer, index)
    assert len(found) == 1 and all(isinstance(p, str) and p.endswith("(Arizona)")
                                   for p, _ in found), found


def test_a_stage_only_supposed_reports_nothing(gazetteer: Gazetteer,
                                               index: ProjectIndex) -> None:
    for text in ("Japan is deciding whether to select the Texas GulfLink crude oil export "
                 "terminal.",
                 "日本がテキサス州の原油輸出ターミナルへの出資を見送った場合、米国は関税を"
                 "引き上げる。",
                 "일본이 텍사스 원유 수출 터미널을 선정하지 않을 경우 미국은 관세를 올린다.",
                 "일본이 텍사스 원유 수출 터미널을 선정할 경우 한국도 뒤따른다."):
        assert _signals(text, gazetteer, index) == set(), text


def test_a_committee_recommending_a_project_in_the_present(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    text = ("The investment committee recommends the Texas GulfLink crude oil export "
            "terminal to the President.")
    assert _signals(text, gazetteer, index) == {(25, "recommended")}

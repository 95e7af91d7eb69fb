"""Status signals: the wider stage vocabulary (general wordings of each stage in English,
Japanese and Korean business news). Each sentence names one known project (the Texas
GulfLink crude export terminal, id 25) and says its stage in a wording of a family the
cue lists hold; the negative sentences say the same words of a stage only expected,
conditional, negated, or said of something else, and report no stage."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals

_POSITIVE: dict[str, tuple[str, ...]] = {
    "finalist": (
        "The Texas GulfLink terminal made the shortlist for Japan's money.",
        "The Texas GulfLink terminal is on the shortlist for Japanese funding.",
        "Texas GulfLink 원유 수출 터미널이 최종 명단에 올랐다.",
        "テキサス・ガルフリンクの原油輸出ターミナルは最終選考に残った。",
    ),
    "selected": (
        "The Texas GulfLink terminal was cleared for funding by President Trump.",
        "The Texas GulfLink terminal made the cut, the White House said.",
        "Trump okayed the Texas GulfLink crude export terminal on Friday.",
        "The Texas GulfLink terminal won presidential approval on Friday.",
        "President Trump gave final approval to the Texas GulfLink terminal.",
        "Texas GulfLink 원유 수출 터미널이 투자처로 뽑혔다.",
        "트럼프 대통령이 Texas GulfLink 원유 수출 터미널 사업을 재가했다.",
        "トランプ大統領はテキサス・ガルフリンク原油輸出ターミナルを了承した。",
        "テキサス・ガルフリンク原油輸出ターミナルに白羽の矢が立った。",
    ),
    "recommended": (
        "The Texas GulfLink terminal won committee approval and was sent to the White House.",
        "The Texas GulfLink terminal is awaiting the President's signature.",
        "The Texas GulfLink terminal is on Trump's desk after the committee review.",
        "Texas GulfLink 원유 수출 터미널은 투자위원회를 통과했다.",
        "Texas GulfLink 원유 수출 터미널은 대통령 서명만 남았다.",
        "テキサス・ガルフリンク原油輸出ターミナルは委員会を通過した。",
        "テキサス・ガルフリンク原油輸出ターミナルは大統領の署名待ちだ。",
    ),
    "under_review": (
        "The Texas GulfLink terminal is under active consideration in Tokyo.",
        "The Texas GulfLink terminal is undergoing review by the committee.",
        "Tokyo mulls the Texas GulfLink terminal.",
        "Japan considers funding the Texas GulfLink terminal.",
        "Texas GulfLink 원유 수출 터미널은 투자위원회 심의를 받고 있다.",
        "テキサス・ガルフリンク原油輸出ターミナルは選考中だ。",
        "テキサス・ガルフリンク原油輸出ターミナルは日米の協議で俎上に載っている。",
        # passed over in a round: still under review
        "The Texas GulfLink terminal was not included in the first round.",
        "The Texas GulfLink terminal was overlooked for the first round.",
        "Texas GulfLink 원유 수출 터미널은 1차 명단에서 빠졌다.",
        "テキサス・ガルフリンク原油輸出ターミナルは選考から外れた。",
    ),
    "proposed": (
        "Texas GulfLink is vying for Japanese money for its crude export terminal.",
        "The Texas GulfLink terminal's developer floated the idea of Japanese financing.",
        "Texas GulfLink 원유 수출 터미널이 대미 투자 사업에 출사표를 던졌다.",
        "テキサス・ガルフリンク原油輸出ターミナルは対米投資の案件として手を挙げた。",
    ),
    "notified": (
        "Washington served notice on Tokyo to fund the Texas GulfLink terminal.",
        "Commerce notifies Japan of the Texas GulfLink terminal.",
        "Japan faces a cash call for the Texas GulfLink terminal.",
        "미국 측이 Texas GulfLink 원유 수출 터미널의 납입을 요청했다.",
        "テキサス・ガルフリンク原油輸出ターミナルについて、米側から拠出を求められた。",
    ),
    "funded": (
        "Money flowed from Japan to the Texas GulfLink terminal in March.",
        "Japan released the funds for the Texas GulfLink terminal.",
        "The Texas GulfLink terminal reached financial close in April.",
        "The Texas GulfLink terminal was financed by Japan.",
        "Texas GulfLink 원유 수출 터미널에 자금이 투입됐다.",
        "テキサス・ガルフリンク原油輸出ターミナルに資金が着金した。",
    ),
    "declined": (
        "Tokyo balked at funding the Texas GulfLink terminal.",
        "Japan opted out of funding the Texas GulfLink terminal.",
        "日本政府はテキサス・ガルフリンク原油輸出ターミナルへの出資を見送った。",
        "일본 정부는 Texas GulfLink 원유 수출 터미널에 투자하지 않기로 했다.",
    ),
    "withdrawn": (
        "The developer scraps the Texas GulfLink terminal.",
        "The developer gave up on the Texas GulfLink terminal.",
        "The developer axed the Texas GulfLink terminal.",
        "Texas GulfLink 원유 수출 터미널 사업이 좌초됐다.",
        "テキサス・ガルフリンク原油輸出ターミナルの計画は頓挫した。",
        "事業者はテキサス・ガルフリンク原油輸出ターミナルから手を引いた。",
    ),
    "operating": (
        "The Texas GulfLink terminal came on stream in May.",
        "The Texas GulfLink terminal went live in May.",
        "The Texas GulfLink terminal commenced operations in May.",
        "Texas GulfLink 원유 수출 터미널이 상업 가동에 들어갔다.",
        "テキサス・ガルフリンク原油輸出ターミナルは操業開始した。",
        "テキサス・ガルフリンク原油輸出ターミナルが竣工した。",
    ),
}

# More wordings (idioms, formal words of officials, nouns of a notice or a payment).
_MORE: dict[str, tuple[str, ...]] = {
    "selected": (
        "The Texas GulfLink terminal won Trump's blessing on Friday.",
        "The Texas GulfLink terminal was earmarked for Japanese funding by the White House.",
        "トランプ大統領がテキサス・ガルフリンク原油輸出ターミナルにGOサインを出した。",
        "투자위원회 승인을 거쳐 트럼프 대통령이 Texas GulfLink 원유 수출 터미널을 선정했다.",
    ),
    "recommended": (
        "The Texas GulfLink terminal cleared committee review and was referred to Trump.",
        "テキサス・ガルフリンク原油輸出ターミナルは大統領の裁可待ちとなっている。",
        "Texas GulfLink 원유 수출 터미널은 투자위원회 승인을 받았다.",
    ),
    "under_review": (
        "The Texas GulfLink terminal is under the microscope in Tokyo.",
    ),
    "proposed": (
        "Texas GulfLink threw its hat into the ring for Japanese money for its crude terminal.",
    ),
    "notified": (
        "The notice went out to Tokyo for the Texas GulfLink terminal on Monday.",
        "テキサス・ガルフリンク原油輸出ターミナルについて、日本政府に正式通知が届いた。",
        "미국 상무부가 Texas GulfLink 원유 수출 터미널 출자 요구 공문을 보냈다.",
    ),
    "funded": (
        "Japanese money was deposited into the Texas GulfLink terminal's account.",
        "日本側はテキサス・ガルフリンク原油輸出ターミナルの事業会社に資金を振り込んだ。",
        "일본 정부가 Texas GulfLink 원유 수출 터미널에 자금을 보냈다.",
    ),
    "withdrawn": (
        "The developer ditches the Texas GulfLink terminal.",
        "テキサス・ガルフリンク原油輸出ターミナルの計画は立ち消えとなった。",
        "Texas GulfLink 원유 수출 터미널 사업은 없던 일이 됐다.",
    ),
    "operating": (
        "The Texas GulfLink terminal opened for business in May.",
        "テキサス・ガルフリンク原油輸出ターミナルは本格操業に入った。",
        "Texas GulfLink 원유 수출 터미널이 조업에 들어갔다.",
    ),
}

# Expected, conditional or negated; or the word said of something else.
_NEGATIVE: tuple[str, ...] = (
    "The Texas GulfLink terminal could be cleared for funding next month.",
    "The Texas GulfLink terminal is expected to win presidential approval.",
    "Brazoria County commissioners okayed tax breaks for the Texas GulfLink terminal.",
    "Texas GulfLink 원유 수출 터미널이 뽑힐 전망이다.",
    "テキサス・ガルフリンク原油輸出ターミナルが選び出されれば、日本は45日以内に資金を出す。",
    "The Texas GulfLink terminal may be sent to the White House next week.",
    "Washington considers the Texas GulfLink terminal critical to exports.",
    "Mitsubishi Electric mulls a second transformer factory in Virginia.",
    "A funding call will be sent for the Texas GulfLink terminal after the selection.",
    "미국 측이 Texas GulfLink 원유 수출 터미널의 납입을 요청할 전망이다.",
    "Money is expected to flow to the Texas GulfLink terminal in March.",
    "Texas GulfLink 원유 수출 터미널에 자금이 투입될 예정이다.",
    "テキサス・ガルフリンク原油輸出ターミナルに資金が着金すれば工事が始まる。",
    "The Texas GulfLink terminal has yet to reach financial close.",
    "The Texas GulfLink terminal has not been cleared for funding.",
    "Japan could opt out of funding the Texas GulfLink terminal.",
    "If Japan balked at funding the Texas GulfLink terminal, Washington would step in.",
    "テキサス・ガルフリンク原油輸出ターミナルへの出資を見送る可能性がある。",
    "Texas GulfLink 원유 수출 터미널 사업이 좌초 위기에 놓였다.",
    "The developer might walk away from the Texas GulfLink terminal.",
    "The Texas GulfLink terminal is expected to come on stream in 2028.",
    "Texas GulfLink 원유 수출 터미널은 2028년 상업 가동에 들어갈 예정이다.",
    "テキサス・ガルフリンク原油輸出ターミナルは来年竣工する予定だ。",
    "Texas GulfLink 원유 수출 터미널이 최종 명단에 오를 가능성이 있다.",
    "Texas GulfLink 원유 수출 터미널은 내년 조업에 들어갈 예정이다.",
    "The Texas GulfLink terminal could win Trump's blessing next month.",
    "Japanese money would be deposited into the Texas GulfLink terminal's account once it "
    "is selected.",
)


@pytest.mark.parametrize(("stage", "text"), [
    (stage, text) for table in (_POSITIVE, _MORE) for stage, texts in table.items()
    for text in texts])
def test_a_general_wording_of_a_stage_reports_it(
        gazetteer: Gazetteer, index: ProjectIndex, stage: str, text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", _NEGATIVE)
def test_a_stage_only_expected_negated_or_of_something_else_reports_nothing(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_every_language_has_positive_sentences_for_each_family() -> None:
    for stage, texts in _POSITIVE.items():
        hangul = any("\uac00" <= c <= "\ud7a3" for t in texts for c in t)
        kana = any("\u3040" <= c <= "\u30ff" for t in texts for c in t)
        latin = any(t.isascii() for t in texts)
        assert hangul and kana and latin, stage


def test_a_committee_backing_a_project_recommends_it(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    for text in ("The investment committee backed the Texas GulfLink terminal on Tuesday.",
                 "The panel has unanimously endorsed the Texas GulfLink terminal.",
                 "The investment committee voted to recommend the Texas GulfLink terminal."):
        assert _signals(text, gazetteer, index) == {(25, "recommended")}, text
    # ... but not a committee backing away, a politician's backing, or one only expected
    for text in ("The investment committee backed away from the Texas GulfLink terminal.",
                 "Senator Cruz backed the Texas GulfLink terminal in a speech.",
                 "The investment committee could back the Texas GulfLink terminal next month.",
                 "The investment committee is expected to have backed the Texas GulfLink "
                 "terminal by June."):
        assert _signals(text, gazetteer, index) == set(), text


@pytest.mark.parametrize("text", [
    # a schedule or an aim, a failure, a polite or a short negative
    "The Texas GulfLink terminal is set to come online next year.",
    "The Texas GulfLink terminal is slated to come online in 2028.",
    "The Texas GulfLink terminal has failed to come online on schedule.",
    "テキサス・ガルフリンク原油輸出ターミナルは稼働に向けて準備を進めている。",
    "テキサス・ガルフリンク原油輸出ターミナルは選定の公算が大きい。",
    "テキサス・ガルフリンク原油輸出ターミナルはまだ選定されていません。",
    "テキサス・ガルフリンク原油輸出ターミナルの事業者は撤退する意向を示した。",
    "Texas GulfLink 원유 수출 터미널이 선정될 것으로 알려졌다.",
    "Texas GulfLink 원유 수출 터미널은 선정이 안 됐다.",
    "Texas GulfLink 원유 수출 터미널 사업자는 철수할 방침이다.",
    "Texas GulfLink 원유 수출 터미널은 내년 가동을 목표로 하고 있다.",
])
def test_a_plan_an_aim_or_a_negative_reports_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_a_stage_reached_is_still_reported_beside_a_planned_one(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = "The Texas GulfLink terminal came online in May, after Japan funded it."
    assert _signals(text, gazetteer, index) == {(25, "operating")}


@pytest.mark.parametrize(("stage", "text"), [
    ("operating", "The Texas GulfLink terminal begins operations."),
    ("selected", "Trump OKs the Texas GulfLink terminal."),
    ("withdrawn", "The developer drops plans for the Texas GulfLink terminal."),
    ("declined", "Japan refuses to back the Texas GulfLink terminal."),
    ("withdrawn", "After years of delay, the developer scraps the Texas GulfLink terminal."),
    ("operating", "The Texas GulfLink terminal went into service in May, when Japan's money "
                  "arrived."),
    ("funded", "After Japan has paid its share, the Texas GulfLink terminal expects to start "
               "building."),
])
def test_a_headline_present_reports_its_stage(
        gazetteer: Gazetteer, index: ProjectIndex, stage: str, text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    "Japan's returns start when the Texas GulfLink terminal begins operations.",
    "Tokyo has 45 days to pay once Trump OKs the Texas GulfLink terminal.",
    "Washington will release the next tranche as soon as the Texas GulfLink terminal starts "
    "production.",
])
def test_a_present_in_a_clause_of_time_is_a_stage_to_come(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


@pytest.mark.parametrize("text", [
    "The state regulator approved the Texas GulfLink terminal's pipeline route.",
    "The Texas governor approved the Texas GulfLink terminal's lease.",
    "テキサス・ガルフリンクの事業会社は取締役会で原油輸出ターミナルへの投資を承認した。",
    "Texas GulfLink 사업자는 이사회에서 원유 수출 터미널 투자를 승인했다.",
    "텍사스 주 정부가 Texas GulfLink 원유 수출 터미널 건설을 승인했다.",
    "국회 비준을 거쳐 Texas GulfLink 원유 수출 터미널 사업이 승인됐다.",
])
def test_an_approval_by_a_body_outside_the_programme_reports_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


@pytest.mark.parametrize(("stage", "text"), [
    ("selected", "投資委員会の推薦を受け、トランプ大統領はテキサス・ガルフリンク"
                 "原油輸出ターミナルを承認した。"),
    ("selected", "트럼프 대통령이 Texas GulfLink 원유 수출 터미널 사업을 승인했다."),
    ("funded", "일본 정부가 Texas GulfLink 원유 수출 터미널에 대한 납입이 완료됐다고 밝혔다."),
    ("notified", "일본 정부는 Texas GulfLink 원유 수출 터미널 납입 통지를 받았다."),
    ("funded", "日本政府はテキサス・ガルフリンク原油輸出ターミナルへの拠出を行った。"),
])
def test_the_programme_s_own_bodies_still_report_their_stage(
        gazetteer: Gazetteer, index: ProjectIndex, stage: str, text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


def test_a_word_holding_a_parliament_s_name_is_no_parliament(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("한국회사들이 주목하는 가운데 트럼프 대통령이 Texas GulfLink 원유 수출 터미널을 "
            "승인했다.")
    assert {stage for _, stage in _signals(text, gazetteer, index)} == {"selected"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan walked away from the talks over the Texas GulfLink terminal.", set()),
    ("한국은 Texas GulfLink 원유 수출 터미널을 둘러싼 협상을 포기했다.", set()),
    ("日本はテキサス・ガルフリンク原油輸出ターミナルを巡る交渉を打ち切った。", set()),
    ("The developer walked away from the Texas GulfLink terminal.", {(25, "withdrawn")}),
    ("Texas GulfLink 원유 수출 터미널 사업을 포기했다.", {(25, "withdrawn")}),
    ("テキサス・ガルフリンク原油輸出ターミナルの計画を打ち切った。", {(25, "withdrawn")}),
])
def test_giving_up_talks_withdraws_no_project(
        gazetteer: Gazetteer, index: ProjectIndex, text: str,
        expected: set[tuple[int, str]]) -> None:
    assert _signals(text, gazetteer, index) == expected


@pytest.mark.parametrize(("stage", "text"), [
    ("selected", "The Texas GulfLink terminal won a spot among the first projects."),
    ("recommended", "The committee put the Texas GulfLink terminal forward to the President."),
    ("funded", "JBIC provided the funds for the Texas GulfLink terminal in May."),
    ("withdrawn", "The Texas GulfLink terminal fell through in May."),
    ("operating", "The Texas GulfLink terminal is now producing at full capacity."),
    ("selected", "트럼프 대통령이 Texas GulfLink 원유 수출 터미널을 최종 선택했다."),
    ("operating", "Texas GulfLink 원유 수출 터미널이 첫 가동을 시작했다."),
])
def test_a_place_won_a_file_sent_on_money_provided_a_plant_producing(
        gazetteer: Gazetteer, index: ProjectIndex, stage: str, text: str) -> None:
    assert _signals(text, gazetteer, index) == {(25, stage)}


@pytest.mark.parametrize("text", [
    "The Texas GulfLink terminal is expected to win a spot among the first projects.",
    "Texas GulfLink 원유 수출 터미널은 내년 첫 가동 예정이다.",
])
def test_the_same_wordings_only_expected_report_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex, text: str) -> None:
    assert _signals(text, gazetteer, index) == set()


def test_a_company_s_existing_plant_reports_no_stage(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # A plant that opened long ago, or a company making its goods, is no project's stage.
    for text in ("Hitachi is producing transformers in Virginia.",
                 "Hitachi's transformer plant in Virginia opened in 2019."):
        assert _signals(text, gazetteer, index) == set(), text

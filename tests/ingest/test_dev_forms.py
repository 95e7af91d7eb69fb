"""Forms found reading the development part of the labelled set (December 2026): amounts
with a hyphenated magnitude, share prices and exchange rates after a move in per cent,
Japanese and Korean share prices, "no more than" in words, a Korean "를 넘을", fact-sheet
tables read one row a line, and a price a hard-wrapped story put on the next line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.ingest.amounts import find_amounts
from pledge.ingest.clean import clean
from pledge.ingest.text import normalise

M, B, T = Decimal(10) ** 6, Decimal(10) ** 9, Decimal(10) ** 12


def found(text: str) -> list[tuple[Decimal | None, Decimal | None, str]]:
    return [(h.range.low, h.range.high, h.range.currency)
            for h in find_amounts(normalise(text))]


@pytest.mark.parametrize(("text", "expected"), [
    ("Cameco could book as much as $4-billion in fuel contracts", [(None, 4 * B, "USD")]),
    ("Japan's US$550-billion programme", [(550 * B, 550 * B, "USD")]),
    ("it spent C$1.1-billion last year", [(Decimal("1.1") * B, Decimal("1.1") * B, "CAD")]),
    ("the $33-million to $40-million plan", [(33 * M, 40 * M, "USD")]),
])
def test_a_magnitude_joined_by_a_hyphen_is_read(text: str, expected: object) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Cameco shares gained 3.5 per cent to $98.40 on the Toronto Stock Exchange.",
    "Sembcorp shares closed 1.2 per cent higher at $6.71 on Monday. Keppel ended flat at $7.05.",
    "Inari Amertron shares rose 3.1 per cent to RM2.86 on Tuesday.",
    "The ringgit was at RM4.21 to the US dollar.",
    "the rand traded at R17.62 against the dollar",
    "北海道電力の株価は15日、前日比3.2％高の1158円で取引を終えた。",
    "이날 한화오션 주가는 전 거래일보다 4.8% 오른 11만2천원에 마감했다.",
])
def test_share_prices_and_exchange_rates_are_not_amounts(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("SoftBank's stake rose 5% to $33 billion", [(33 * B, 33 * B, "USD")]),
    ("the fund closed at $2 billion", [(2 * B, 2 * B, "USD")]),
    ("주가 부양에 1조원을 쓴다", [(T, T, "KRW")]),
])
def test_amounts_with_a_magnitude_after_the_same_words_are_still_amounts(
        text: str, expected: object) -> None:
    assert found(text) == expected


def test_no_more_than_in_words_is_an_upper_bound() -> None:
    assert found("Korea can put in no more than twenty billion dollars a year") == [
        (None, 20 * B, "USD")]
    assert found("not less than two million dollars") == [(2 * M, None, "USD")]


def test_a_korean_will_exceed_is_a_lower_bound() -> None:
    assert found("사업비는 1000억 달러를 넘을 것으로 추산된다") == [(100 * B, None, "USD")]


def test_a_table_is_read_one_row_a_line() -> None:
    page = ("<html><body><main><p>The three projects below were selected in February.</p>"
            "<table><tr><th>Project</th><th>State</th><th>Cost</th></tr>"
            "<tr><td>Synthetic diamond grit plant</td><td>Georgia</td><td>$600 million</td></tr>"
            "</table></main></body></html>")
    lines = clean(page, html=True).text.split("\n")
    assert "Synthetic diamond grit plant | Georgia | $600 million" in lines
    assert "Project | State | Cost" in lines


def test_an_amount_opening_a_wrapped_line_is_joined_to_its_sentence() -> None:
    text = ("Westinghouse does not comment on share prices; Cameco stock rose 4% to\n"
            "$61.20 in New York.\nThe plant will cost\n$18.5 billion.\nJapan names three projects\n"
            "$5 billion deal signed")
    lines = clean(text, html=False).text.split("\n")
    assert "Westinghouse does not comment on share prices; Cameco stock rose 4% to $61.20 in " \
           "New York." in lines
    assert "The plant will cost $18.5 billion." in lines
    assert "$5 billion deal signed" in lines     # after a line that may end a sentence
    assert found(lines[0]) == []


def companies(text: str) -> list[str]:
    from pledge.ingest.gazetteer import load
    from tests.ingest.helpers import read_text
    return read_text(text, load()).companies()


@pytest.mark.parametrize(("text", "expected"), [
    ("Sandfire Resources said on Monday it had held talks. Sandfire shares jumped 5 per cent.",
     ["Sandfire Resources"]),
    ("Sasol's shares fell 2.4% in Johannesburg on Wednesday.", ["Sasol"]),
    ("Inari Amertron shares rose 3.1 per cent on Tuesday.", ["Inari Amertron"]),
    ("Shares in Anglo Pacific rose after the news.", ["Anglo Pacific"]),
    ("Acme Widgets Corp. said it would bid.", ["Acme Widgets"]),
    ("一方、北海道電力の株価は前日比3％高で取引を終えた。", ["北海道電力"]),
    ("이날 부산의 기자재업체 성광벤드의 주가는 6.3% 올랐다.", ["성광벤드"]),
])
def test_a_company_the_gazetteer_does_not_know_is_found_by_its_ending_or_its_shares(
        text: str, expected: list[str]) -> None:
    assert companies(text) == expected


@pytest.mark.parametrize("text", [
    "A spokesperson for the Natural Resources minister said Ottawa was not asked.",
    "Financing could come through the Korea-US Strategic Investment Corp., officials said.",
    "Japanese shares rose and Asian stock markets followed. Tech shares fell.",
    "The Investment Committee shares its views with the Consultation Committee.",
    "Texas shares a border with Mexico.",
    "同社の株価は上昇した。이날 회사 주가는 올랐다.",
])
def test_words_that_are_no_company_are_not_taken_for_one(text: str) -> None:
    assert companies(text) == []


def test_a_known_company_is_reported_once_by_its_gazetteer_name() -> None:
    assert companies("Cameco Corp. said so. Cameco shares gained 3.5 per cent.") == ["Cameco"]


def test_the_three_projects_below_are_the_ones_listed_next() -> None:
    from pledge.ingest.gazetteer import load
    from pledge.ingest.match import ProjectIndex
    from pledge.services.news import shipped_projects
    from tests.ingest.helpers import read_text

    g = load()
    page = ("<html><body><main><p>The three projects below were selected on February 17 for "
            "funding.</p><table>"
            "<tr><td>Gas-fired power plant (Portsmouth)</td><td>Ohio</td>"
            "<td>SB Energy</td><td>$33 billion</td></tr>"
            "<tr><td>GulfLink crude oil export terminal</td><td>Texas</td>"
            "<td>Sentinel Midstream</td><td>$2.1 billion</td></tr>"
            "<tr><td>Synthetic diamond grit plant</td><td>Georgia</td>"
            "<td>Element Six</td><td>$600 million</td></tr></table></main></body></html>")
    ext = read_text(page, g, ProjectIndex(shipped_projects(), g), html=True)
    assert sorted((s["project"], s["status"]) for s in ext.contract()["status_signals"]) == [
        ("HPHT synthetic diamond grit facility", "selected"),
        ("Portsmouth Powered Land Project (9.2 GW natural gas power plant for AI data centers)",
         "selected"),
        ("Texas GulfLink deepwater crude oil export terminal", "selected")]


def test_the_quick_reading_of_common_amounts_is_the_parsers_reading() -> None:
    from pledge.domain.money import parse_amount
    from pledge.ingest.amounts import _CANDIDATE, _quick
    from tests.ingest.helpers import dev_texts

    texts = dev_texts()
    spans = {m.group().strip() for t in texts for m in _CANDIDATE.finditer(normalise(t))}
    spans |= {"$5.00", "$1.25", "US$5", "£3.5bn", "HK$2 billion", "NT$3m", "$ 5bn",
              "$1,200.50 million", "$0.5bn", "$12,000,000", "R575.71bn", "RM2.31 trillion",
              "S$120 million", "¥1158", "₩1,450", "$0", "$999,999,999,999", "€1 trillion",
              "$01", "$1.0000001bn", "up to $25 billion", "約80兆円", "5500億ドル",
              "1500억 달러", "약 74억 달러", "at least $250 billion", "no more than $20 billion",
              "more than 1000억 달러", "as much as ¥2 trillion", "about $36 billion",
              "around S$5m", "roughly 7.4조 원", "1万ドル", "3.5億米ドル", "9999조 원"}
    quick = 0
    for span in sorted(spans):
        fast = _quick(span)
        if fast is None:
            continue
        quick += 1
        full = parse_amount(span)
        assert (str(fast.low), str(fast.high), fast.currency, fast.text) == \
            (str(full.low), str(full.high), full.currency, full.text), span
    assert quick >= 70


def statuses(text: str) -> list[tuple[str, str]]:
    from pledge.ingest.gazetteer import load
    from pledge.ingest.match import ProjectIndex
    from pledge.services.news import shipped_projects
    from tests.ingest.helpers import read_text

    g = load()
    ext = read_text(text, g, ProjectIndex(shipped_projects(), g))
    return sorted((s["project"], s["status"]) for s in ext.contract()["status_signals"])


def test_candidates_of_a_later_round_are_finalists_and_the_two_are_those_named_before() -> None:
    text = ("Two listed groups are bidding on gas-fired power plants that Japan plans to fund "
            "in Pennsylvania and Texas, as the second round of its programme takes shape.\n"
            "One of them set aside $120 million for a team in the United States.\n"
            "The two plants were named as candidates at the March summit, alongside small "
            "modular reactors from GE Vernova Hitachi Nuclear Energy.")
    assert statuses(text) == [
        ("GE Vernova Hitachi SMR deployment (second tranche)", "finalist"),
        ("Natural gas power plant, Pennsylvania (second tranche)", "finalist"),
        ("Natural gas power plant, Texas (second tranche)", "finalist")]


def test_a_candidate_without_a_later_round_stays_proposed() -> None:
    text = ("Korea Zinc picks Tennessee for US smelter as Seoul looks for first projects.\n"
            "Korea Zinc plans to build a critical minerals smelter in Clarksville, Tennessee, "
            "as a candidate for the fund.")
    assert statuses(text) == [("Korea Zinc critical minerals smelter (Tennessee)", "proposed")]


def test_a_status_word_inside_an_adjective_says_nothing() -> None:
    text = ("Miners want to sell concentrate to Japanese-funded smelters in Arizona, a "
            "Falcon Copper official said.")
    assert all(status != "funded" for _, status in statuses(text))


def test_continuing_to_review_is_under_review() -> None:
    assert statuses("The Investment Committee continues to review a proposal for a display "
                    "manufacturing facility.") == [
        ("LCD and OLED display manufacturing (second-round candidate)", "under_review")]

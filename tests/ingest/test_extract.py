"""Sentences, languages, the pledging country, status signals and passages."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex
from pledge.ingest.text import detect_language, split_sentences
from tests.ingest.helpers import read_text


def test_english_sentences_survive_abbreviations() -> None:
    text = ("The U.S. and Japan met. SoftBank Group Corp. leads it, Mr. Akazawa said. "
            "It costs $2.1 billion. Next?")
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. and Japan met.", "SoftBank Group Corp. leads it, Mr. Akazawa said.",
        "It costs $2.1 billion.", "Next?"]


def test_japanese_and_korean_sentences() -> None:
    assert [s.text for s in split_sentences("第1弾を決定した。総額は360億ドル。次は？")] == [
        "第1弾を決定した。", "総額は360億ドル。", "次は？"]
    assert [s.text for s in split_sentences("3건을 확정했다. 총액은 360억 달러다.")] == [
        "3건을 확정했다.", "총액은 360억 달러다."]


def test_sentences_keep_their_place_in_the_text() -> None:
    text = "First line here.\nSecond paragraph. Third one."
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    assert [s.paragraph for s in split_sentences(text)] == [0, 1, 1]


@pytest.mark.parametrize(("text", "lang"), [
    ("Japan commits $550 billion.", "en"),
    ("日本は5500億ドルを投資する。", "ja"),
    ("일본은 5500억 달러를 투자한다.", "ko"),
    ("한미 MOU: Korea, US sign a deal on 3500억 달러 투자와 조선 협력 프로젝트", "ko"),
    ("台積電在美國投資", "zh"),
    ("", "en"),
])
def test_language_by_script(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(("text", "country"), [
    ("Japan's $550 billion pledge moves ahead as Tokyo names projects.", "Japan"),
    ("Seoul said the $350 billion package would include shipbuilding.", "South Korea"),
    ("The EU said its $600 billion figure was only an estimate.", "European Union"),
    ("Taiwan signed a deal in Taipei.", "Taiwan"),
    ("한국과 미국이 3500억 달러 규모의 투자에 합의했다.", "South Korea"),
    ("日本政府は対米投資の第1弾を決めた。", "Japan"),
])
def test_pledging_country(gazetteer: Gazetteer, text: str, country: str) -> None:
    assert read_text(text, gazetteer).pledging_country == country


def test_status_words_are_tied_to_their_project(gazetteer: Gazetteer,
                                                index: ProjectIndex) -> None:
    ext = read_text("President Trump selected the Texas GulfLink crude oil export terminal "
                    "on Tuesday.", gazetteer, index)
    assert [(s.project_id, s.status, s.written) for s in ext.statuses] == [
        (25, "selected", "selected")]


def test_negated_or_expected_status_words_do_not_count(gazetteer: Gazetteer,
                                                       index: ProjectIndex) -> None:
    for text in ("The Texas GulfLink terminal has not been selected yet.",
                 "The Texas GulfLink terminal is expected to be selected next month.",
                 "Texas GulfLink 원유 수출 터미널은 아직 선정되지 않았다.",
                 "テキサス州の原油積み出し港は選定される見通しだ。"):
        assert read_text(text, gazetteer, index).statuses == (), text


def test_a_general_status_sentence_applies_to_the_projects_named_next(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    text = ("Three projects are now finalists, people said. They are a copper smelter "
            "in Arizona and a display factory.")
    ext = read_text(text, gazetteer, index)
    assert {(s.project_id, s.status) for s in ext.statuses} == {(32, "finalist"),
                                                                (31, "finalist")}


def test_a_sentence_listing_projects_is_cut_into_passages(gazetteer: Gazetteer,
                                                         index: ProjectIndex) -> None:
    ext = read_text("Japan's plan has three projects: a gas power generation facility for AI "
                    "data centers, an artificial diamond production plant, and a crude oil "
                    "loading port.", gazetteer, index)
    assert [m.project_id for m in ext.mentions] == [24, 26, 25]
    ext = read_text("SoftBank Group offers up to $25 billion of power infrastructure, Toshiba up "
                    "to $25 billion of power modules and transformers, and Murata up to $15 "
                    "billion of capacitors.", gazetteer, index)
    # Three offers, three projects of the shipped list (data/projects.csv): SoftBank Group's
    # "large-scale power infrastructure" (6, up to $25bn), Toshiba's "power modules,
    # transformers and substation equipment" (9, up to $25bn) and Murata's MLCC
    # capacitors (14, up to $15bn). SoftBank Group also leads the Portsmouth gas plant (24),
    # so its name alone is not enough: the words "power infrastructure" pick project 6.
    assert [m.project_id for m in ext.mentions] == [6, 9, 14]
    assert [m.amounts for m in ext.mentions] == [(0,), (1,), (2,)]
    assert [a.project_id for a in ext.amounts] == [6, 9, 14]


def test_a_sentence_referring_back_continues_the_passage_before(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read_text("The crude oil loading port will take large tankers. The port is expected "
                    "to be located in Texas or Louisiana.", gazetteer, index)
    assert [(m.project_id, m.via) for m in ext.mentions] == [(25, "passage"),
                                                             (25, "back reference")]
    assert ext.mentions[1].states == ("Texas", "Louisiana")


def test_what_amounts_refer_to(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read_text("The first tranche is worth about $36 billion. The Ohio gas plant built by "
                    "SB Energy will cost $33 billion. Japan's $550 billion pledge continues. "
                    "The Texas GulfLink terminal could add $20 billion a year in exports.",
                    gazetteer, index)
    got = [(a.text, a.refers_to, a.project_id, a.per_period) for a in ext.amounts]
    assert got == [("about $36 billion", "tranche", None, False),
                   ("$33 billion", "project", 24, False),
                   ("$550 billion", "programme", None, False),
                   ("$20 billion", "project", 25, True)]


def test_sectors_from_keywords_and_facilities_but_not_from_tariff_talk(
        gazetteer: Gazetteer) -> None:
    ext = read_text("Tariffs on automobiles fall to 15%. The deal covers semiconductors and a "
                    "copper smelter.", gazetteer)
    assert ext.contract()["sectors"] == ["semiconductors", "critical_minerals"]


def test_a_text_without_hangul_kana_or_kanji_is_english_whatever_its_letters() -> None:
    from pledge.ingest.text import detect_language

    assert detect_language("“Quoted” — café, naïve, 1,000 €") == "en"
    assert detect_language("12345 ... !!!") == "en"
    assert detect_language("") == "en"
    assert detect_language("日本は5500億ドルを投資する。") == "ja"
    assert detect_language("한국은 3500억 달러를 투자한다.") == "ko"
    assert detect_language("中国投资") == "zh"


def test_a_word_of_a_period_before_an_amount_is_found_as_in_the_whole_text_before_it() -> None:
    import random

    from pledge.ingest.attribution import PER_PERIOD_BEFORE, period_before

    rng = random.Random(2)
    pieces = ["annual", "Annually", "YEARLY", "a year of", "A YEAR OF", "yearlyx", "bannual",
              " ", "  ", "\t", "연간", "연", "年間", "毎年", "年", "$5bn", "x", "ſ", "of", "a", "-",
              "\n"]
    found = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for end in range(len(text) + 1):
            plain = PER_PERIOD_BEFORE.search(text[:end]) is not None
            assert period_before(text, end) == plain, (text, end)
            found += plain
    assert found > 1000

"""Small reading rules: sector words inside company names, paywall prices, aliases."""

from __future__ import annotations

from pledge.ingest.clean import clean
from pledge.ingest.gazetteer import Gazetteer

from .helpers import read_text


def test_a_sector_word_inside_a_company_name_names_no_sector(gazetteer: Gazetteer) -> None:
    ext = read_text("Samsung Electronics and SK hynix want their US fabs to count toward the "
                    "pledge.", gazetteer)
    assert "electronics" not in ext.contract()["sectors"]
    ext = read_text("Japan will fund a display factory making OLED panels.", gazetteer)
    assert "electronics" in ext.contract()["sectors"]


def test_a_subscription_price_is_not_article_text() -> None:
    html = ("<article><p>日米両政府はアラスカLNG計画について協議した。</p></article>"
            "<div class=\"member-only\"><p>この記事は有料会員限定です。</p>"
            "<p>月額990円で全ての記事が読み放題</p></div>")
    assert "990" not in clean(html, html=True).text
    assert "990" not in clean("本文です。本文です。本文です。\n月額990円で全ての記事が読み放題",
                              html=False).text


def test_kia_and_the_korean_name_of_the_reactor_venture(gazetteer: Gazetteer) -> None:
    ext = read_text("The mill will supply Hyundai and Kia plants in Alabama and Georgia.",
                    gazetteer)
    assert "Kia" in ext.companies()
    ext = read_text("현대차와 기아 등 완성차 업계는 관세 인하를 요구했다.", gazetteer)
    assert "Kia" in ext.companies()
    ext = read_text("SMR 사업은 GE버노바와 히타치의 합작사인 GE버노바히타치가 맡는다.", gazetteer)
    assert ext.companies() == ["GE Vernova", "Hitachi", "GE Vernova Hitachi Nuclear Energy"]


def test_negation_and_modal_words_are_found_as_word_by_word(gazetteer: Gazetteer) -> None:
    import re

    from pledge.ingest.reading import _window_has

    def one_by_one(text: str, words: tuple[str, ...]) -> bool:
        low = text.lower()
        return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low)
                   if w.isascii() and w[0].isalpha() else w in low for w in words)

    lists = [*gazetteer.negations.values(), *gazetteer.modals.values(),
             ("not", "n't", "never", "없", "ない"), ("may",)]
    texts = ["The plan was not approved", "Nothing was said", "it cannot proceed",
             "they may yet decide", "dismayed investors", "NOT YET", "承認されない", "결정 없이",
             "the project is knotted", "never-ending", "", "mayor Smith", "It MAY close"]
    found = 0
    for words in lists:
        for text in texts:
            assert _window_has(text, words) == one_by_one(text, words), (text, words)
            found += _window_has(text, words)
    assert found > 10

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

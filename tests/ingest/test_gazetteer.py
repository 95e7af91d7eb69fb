"""Organisations by their aliases, in three languages; users extend the shipped lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pledge.domain.errors import InvalidInput
from pledge.ingest.gazetteer import Gazetteer, load
from tests.ingest.helpers import read_text


def names(g: Gazetteer, text: str) -> list[str]:
    return [h.value.name for h in g.org_matcher.finditer(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # a subsidiary keeps its own name (its parent is linked: see test_subsidiaries_...)
    ("SoftBank Group Corp. and its unit SB Energy; SoftBank said",
     ["SoftBank Group", "SB Energy", "SoftBank Group"]),
    ("De Beers Group and Element Six", ["De Beers", "Element Six"]),
    ("GE Vernova Hitachi will build SMRs; GE Vernova sells turbines; Hitachi supplies",
     ["GE Vernova Hitachi Nuclear Energy", "GE Vernova", "Hitachi"]),
    ("ソフトバンクグループ傘下のSBエナジーと東芝、日立製作所", ["SoftBank Group", "SB Energy",
                                               "Toshiba", "Hitachi"]),
    ("소프트뱅크그룹과 도시바, 웨스팅하우스가", ["SoftBank Group", "Toshiba", "Westinghouse"]),
    ("SK하이닉스와 한화오션", ["SK hynix", "Hanwha Ocean"]),
])
def test_aliases_name_one_organisation(gazetteer: Gazetteer, text: str,
                                       expected: list[str]) -> None:
    assert names(gazetteer, text) == expected


def test_aliases_are_whole_words_and_case_sensitive(gazetteer: Gazetteer) -> None:
    assert names(gazetteer, "xSoftBank SoftBanks softbank TDKs") == []
    # In Korean text "한화" also means "in Korean won": not Hanwha.
    assert names(gazetteer, "한화 약 56조 원") == []


def test_institutions_are_not_companies(gazetteer: Gazetteer) -> None:
    ext = read_text("JBIC and NEXI will back the loans that Mizuho arranges for the plant.",
                    gazetteer)
    assert ext.companies() == ["Mizuho"]
    assert ext.institutions() == ["JBIC", "NEXI"]


def test_a_user_file_extends_the_shipped_gazetteer(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('''
[[organisation]]
name = "Kinder Morgan"
aliases = ["KMI"]

[[organisation]]
name = "Venture Global"
kind = "company"
sectors = ["energy"]
aliases = ["Venture Global LNG", "ベンチャー・グローバル"]

[[site]]
name = "Plaquemines"
states = ["Louisiana"]
aliases = ["Plaquemines Parish"]
''', encoding="utf-8")
    g = load(user)
    assert names(g, "KMI and Kinder Morgan and Venture Global LNG") == [
        "Kinder Morgan", "Kinder Morgan", "Venture Global"]
    assert g.organisations["Kinder Morgan"].sectors == ("energy",)   # kept from the shipped
    ext = read_text("Venture Global will build an LNG terminal in Plaquemines Parish.", g)
    assert ext.companies() == ["Venture Global"]
    assert ext.contract()["us_locations"] == ["Louisiana", "Plaquemines"]
    assert names(load(), "Venture Global") == []   # the shipped one is unchanged


def test_a_bad_user_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[organisation]]\nname = "X"\nsectors = ["astrology"]\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load(bad)
    assert err.value.first.rule == "news.unknown_sector"
    bad.write_text("[[planet]]\nname = 'Mars'\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load(bad)
    assert err.value.first.rule == "news.unknown_table"
    with pytest.raises(InvalidInput) as err:
        load(tmp_path / "missing.toml")
    assert err.value.first.rule == "news.bad_gazetteer"
    # a kind said to fall under a kind no type has
    bad.write_text('[[type]]\nkey = "zinc_smelter"\nlabel = "zinc smelter"\n'
                   'sector = "critical_minerals"\nbroader = "smelters"\nwords = ["zinc works"]\n',
                   encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load(bad)
    assert (err.value.first.rule, err.value.first.field, err.value.first.value) == (
        "news.unknown_type", "broader", "smelters")


def test_phrases_in_latin_letters_and_in_other_scripts_scanned_apart_find_the_same() -> None:
    from pledge.ingest.phrases import PhraseMatcher
    from tests.ingest.helpers import NEWS

    g = load()
    matchers: list[PhraseMatcher[Any]] = [g.sector_matcher, g.type_matcher,
                                          *g.cue_matchers.values()]
    split = [m for m in matchers if len(m._lower_parts) > 1]
    assert split, "the shipped sector and facility words come in both kinds"
    texts = [p.read_text(encoding="utf-8").lower() for p in sorted(NEWS.glob("*.*"))
             if p.suffix != ".json"]
    texts += ["gas plant천연가스 발전 gas\u3000plant", "lng 基地 gas-fired天然ガス発電所"]
    mixed = PhraseMatcher([("gas plant", "a", True), ("天然ガス", "b", True),
                           ("ガス plant", "c", True)])
    assert len(mixed._lower_parts) == 1      # a phrase of both kinds: one pattern
    for m in split:
        assert m._lower is not None
        for text in texts:
            apart = sorted(h.span() for part in m._lower_parts for h in part.finditer(text))
            assert apart == [h.span() for h in m._lower.finditer(text)]

"""Companies the gazetteer does not know, told by more of the ways news names one: a fact
sheet's role field, an apposition giving the company's role, more legal and kept endings,
Japanese and Korean company endings; and the ones that are no company (a headline in
title case, a word that merely ends like a company, a subsidiary named with its parent)."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer

from .helpers import read_text


def _companies(text: str, gazetteer: Gazetteer) -> list[str]:
    return read_text(text, gazetteer).companies()


@pytest.mark.parametrize(("text", "name"), [
    ("Gas plant, Ohio\n- Developer: Redwater Basin Power\n- Cost: $5 billion",
     "Redwater Basin Power"),
    ("Redwater Basin Power, the Denver developer behind the plant, put its cost at $5bn.",
     "Redwater Basin Power"),
    ("Ohtani Materials and Kessler Metals will buy the copper.", "Ohtani Materials"),
    ("The plant will be run by Redwater Basin LLC under a lease.", "Redwater Basin"),
    ("輸送は丸紅通商が受け持つ。", "丸紅通商"),
    ("建設では東洋ホールディングスが受注を目指す。", "東洋ホールディングス"),
    ("部品は大成電気工業も供給する。", "大成電気工業"),
    ("블록은 한빛중공업이 공급한다.", "한빛중공업"),
    ("Acme Valve Co. will supply the valves.", "Acme Valve"),
    ("Acme Valve Inc said it would supply the valves.", "Acme Valve"),
    ("ヤマト精工株式会社が部品を供給する。", "ヤマト精工"),
    ("株式会社ヤマト精工が部品を供給する。", "ヤマト精工"),
    ("(주)대한정밀이 부품을 공급한다.", "대한정밀"),
])
def test_a_company_told_by_its_role_or_its_ending(gazetteer: Gazetteer, text: str,
                                                  name: str) -> None:
    assert name in _companies(text, gazetteer)


@pytest.mark.parametrize("text", [
    "Commerce Announces Battery Materials Selection Under Japan Deal",
    "東芝が発電機を供給する。",
    "化学工業の需要が伸びた。",
    "Dana Ruiz, the company's spokeswoman, declined to comment.",
])
def test_words_that_only_look_like_a_company_are_none(gazetteer: Gazetteer,
                                                      text: str) -> None:
    assert [c for c in _companies(text, gazetteer) if c != "Toshiba"] == []


def test_a_subsidiary_named_as_its_parents_arm_is_the_parent(gazetteer: Gazetteer) -> None:
    text = ("Redwater Turbines LLC, the American arm of Mitsubishi Heavy Industries, will "
            "supply three turbines.")
    assert _companies(text, gazetteer) == ["Mitsubishi Heavy Industries"]
    # a subsidiary the gazetteer knows resolves to its parent
    assert _companies("Mitsubishi Power will supply the turbines.", gazetteer) == [
        "Mitsubishi Heavy Industries"]


@pytest.mark.parametrize(("text", "name"), [
    ("テネシー州のSMRはGEベルノバ日立ニュークリアエナジーが開発する。",
     "GE Vernova Hitachi Nuclear Energy"),
    ("GVH BWRX-300 units are planned for Tennessee.", "GE Vernova Hitachi Nuclear Energy"),
    ("시공은 미국 건설사 키위트가 맡는다.", "Kiewit"),
    ("미국 공조기업 캐리어는 신청을 철회했다.", "Carrier"),
])
def test_more_names_of_known_companies(gazetteer: Gazetteer, text: str, name: str) -> None:
    assert _companies(text, gazetteer) == [name]


@pytest.mark.parametrize(("text", "name"), [
    # more endings
    ("Bayou Crest Partners will run the plant.", "Bayou Crest Partners"),
    ("Gulfbay USA builds barges in Alabama.", "Gulfbay USA"),
    ("Its developer, Red Mesa Peaking of Houston, puts the cost at $2 billion.",
     "Red Mesa Peaking"),
    ("設備は、山口の化学プラントメーカー、周防化学工機が納める。", "周防化学工機"),
    ("装置は北陸精機が受け持つ。", "北陸精機"),
    ("울산의 설비업체 동해이엔티는 장비를 공급한다.", "동해이엔티"),
    ("포항의 부품업체 새빛소재는 조지아주를 골랐다.", "새빛소재"),
])
def test_a_company_told_by_more_endings_and_kinds(gazetteer: Gazetteer, text: str,
                                                   name: str) -> None:
    assert name in _companies(text, gazetteer)


@pytest.mark.parametrize("text", [
    "Sales in North America rose.",
    "국내 업체 대부분은 관망하고 있다.",
    "배터리 소재 기업 투자가 늘었다.",
])
def test_no_company_from_a_region_or_a_common_noun(gazetteer: Gazetteer, text: str) -> None:
    assert _companies(text, gazetteer) == []


@pytest.mark.parametrize(("text", "name"), [
    ("三菱商事や東京ガスも条件を詰めている。", "東京ガス"),
    ("Tokyo Gas is also in talks.", "Tokyo Gas"),
    ("한국전력기술이 설계를 맡는다.", "한국전력기술"),
])
def test_a_listed_company_without_a_canonical_name_is_reported_as_written(
        gazetteer: Gazetteer, text: str, name: str) -> None:
    assert name in _companies(text, gazetteer)


@pytest.mark.parametrize(("text", "name"), [
    ("Houston-based Red Mesa Partners will build it.", "Red Mesa Partners"),
    ("Ohio-based Buckeye Forge said on Monday.", "Buckeye Forge"),
    ("開発会社の米ブライトリバー社は総事業費を示した。", "ブライトリバー"),
])
def test_a_company_named_by_its_base_or_with_sha(gazetteer: Gazetteer, text: str,
                                                 name: str) -> None:
    assert name in _companies(text, gazetteer)


def test_the_company_itself_is_no_name(gazetteer: Gazetteer) -> None:
    assert _companies("同社は否定した。各社も同じだ。", gazetteer) == []


def test_daily_output_is_no_carmaker(gazetteer: Gazetteer) -> None:
    assert _companies("工場は日産100万トンの能力を持つ。", gazetteer) == []

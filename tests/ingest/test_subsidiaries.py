"""Subsidiaries and project companies keep their own names and are resolved to their
parents: reported beside them, and matched to projects recorded under either name."""

from __future__ import annotations

import pytest

from pledge.domain.errors import InvalidInput
from pledge.ingest.gazetteer import Gazetteer, _shipped_data, merge
from pledge.ingest.match import ProjectIndex
from tests.ingest.helpers import read_text


@pytest.mark.parametrize(("child", "parent"), [
    ("SB Energy", "SoftBank Group"), ("Element Six", "De Beers"),
    ("Philly Shipyard", "Hanwha Ocean")])
def test_the_gazetteer_links_each_subsidiary_to_its_parent(gazetteer: Gazetteer, child: str,
                                                           parent: str) -> None:
    assert gazetteer.parent_of(child) == parent
    assert gazetteer.parent_of(parent) == ""
    assert gazetteer.with_parents([child, parent]) == [child, parent]


def test_both_names_are_reported_and_the_parent_is_on_the_fact(gazetteer: Gazetteer) -> None:
    ext = read_text("Element Six, part of the De Beers group, will build the diamond plant. "
                    "Hanwha Ocean said Philly Shipyard would double its output.", gazetteer)
    # companies: resolved to the parents; the subsidiaries' own names beside them
    assert ext.companies() == ["De Beers", "Hanwha Ocean"]
    assert ext.contract()["subsidiaries"] == [
        {"name": "Element Six", "parent": "De Beers"},
        {"name": "Philly Shipyard", "parent": "Hanwha Ocean"}]
    facts = {o["name"]: o["parent"] for o in ext.contract()["facts"]["organisations"]}
    assert facts == {"Element Six": "De Beers", "De Beers": "", "Hanwha Ocean": "",
                     "Philly Shipyard": "Hanwha Ocean"}


def test_a_subsidiary_named_alone_is_resolved_to_its_parent(gazetteer: Gazetteer) -> None:
    ext = read_text("SB Energy is building the plant.", gazetteer)
    assert ext.companies() == ["SoftBank Group"]
    assert ext.subsidiaries() == [{"name": "SB Energy", "parent": "SoftBank Group"}]


def test_a_passage_naming_the_parent_matches_the_project_led_by_the_subsidiary(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # project 26 is recorded as led by "Element Six (De Beers Group)"
    for who in ("Element Six", "De Beers"):
        ext = read_text(f"A synthetic diamond plant run by {who} in Georgia.", gazetteer, index)
        assert 26 in ext.matched_projects(), who


def test_a_parent_the_gazetteer_does_not_know_is_refused() -> None:
    data = merge(_shipped_data(), {"organisation": [
        {"name": "Acme Power", "kind": "company", "parent": "Nobody Holdings"}]})
    with pytest.raises(InvalidInput) as err:
        Gazetteer(data)
    assert (err.value.first.field, err.value.first.value, err.value.first.rule) == (
        "parent", "Nobody Holdings", "news.unknown_parent")


def test_a_user_adds_an_official_and_a_subsidiary() -> None:
    data = merge(_shipped_data(), {
        "official": [{"name": "Jane Roe", "office": "Secretary of the Interior",
                      "country": "United States", "aliases": ["Roe"]},
                     {"name": "Howard Lutnick", "aliases": ["H. Lutnick"]}],
        "organisation": [{"name": "Acme Power", "kind": "company", "parent": "Toshiba"}]})
    g = Gazetteer(data)
    ext = read_text("Roe and H. Lutnick toured the plant Acme Power is building.", g)
    assert [o["name"] for o in ext.contract()["officials"]] == ["Jane Roe", "Howard Lutnick"]
    assert ext.contract()["officials"][0]["office"] == "Secretary of the Interior"
    assert ext.companies() == ["Toshiba"] and ext.subsidiaries() == [
        {"name": "Acme Power", "parent": "Toshiba"}]


@pytest.mark.parametrize(("extra", "field"), [
    ({"organisation": [{"name": "Acme Widgets", "as_written": "no"}]}, "as_written"),
    ({"type": [{"key": "widget_plant", "sector": "manufacturing_logistics",
                "words": ["widget plant"], "names": "widgets"}]}, "names"),
    ({"type": [{"key": "widget_plant", "sector": "manufacturing_logistics",
                "words": ["widget plant"], "names": {"widget works": "works"}}]}, "names"),
])
def test_a_user_file_with_a_malformed_flag_or_names_is_refused_naming_the_field(
        extra: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Gazetteer(merge(_shipped_data(), extra))
    assert (err.value.first.field, err.value.first.rule) == (field, "news.bad_gazetteer")

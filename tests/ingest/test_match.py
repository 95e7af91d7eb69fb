"""Matching passages to known projects: sponsors, facility types, names, places."""

from __future__ import annotations

from decimal import Decimal

from pledge.domain.lifecycle import further
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import Features, KnownProject, ProjectIndex
from pledge.services.news import shipped_projects


def test_the_shipped_list_is_numbered_as_a_fresh_database_numbers_it() -> None:
    projects = shipped_projects()
    assert len(projects) == 32
    assert projects[23].id == 24 and projects[23].name.startswith("Portsmouth Powered Land")
    assert projects[24].states == ("Texas",) and projects[24].status == "selected"
    # Commerce's figure (the row) and METI's (a further sourced estimate), as init records them
    assert projects[23].estimates == ((Decimal("33000000000"), Decimal("33000000000"), "USD"),
                                      (Decimal("33300000000"), Decimal("33300000000"), "USD"))


def f(index: ProjectIndex, text: str, **kw: object) -> int | None:
    g = index.gazetteer
    orgs = frozenset(h.value.name for h in g.org_matcher.finditer(text))
    types = frozenset(h.value.key for h in g.type_matcher.finditer(text))
    states = frozenset(h.value for h in g.state_matcher.finditer(text))
    sites = frozenset(h.value.name for h in g.site_matcher.finditer(text))
    m = index.best(Features(orgs, types, states, sites, frozenset(), text), None)
    return None if m is None else m.project.id


def test_sponsor_and_type(index: ProjectIndex) -> None:
    assert f(index, "a gas-fired plant led by SB Energy") == 24
    assert f(index, "a synthetic diamond plant run by Element Six") == 26


def test_a_distinctive_name_even_misspelt(index: ProjectIndex) -> None:
    assert f(index, "the Gulflink project") == 25
    assert f(index, "Portsmouth") == 24


def test_a_type_shared_by_many_needs_a_place_or_a_sponsor(index: ProjectIndex) -> None:
    assert f(index, "gas plants") is None
    assert f(index, "a gas plant in Pennsylvania") == 28
    assert f(index, "nuclear reactors") is None


def test_a_list_of_companies_is_not_a_project(index: ProjectIndex) -> None:
    assert f(index, "SoftBank, Westinghouse and Toshiba") is None
    assert f(index, "Falcon Copper") == 17          # sponsors one project only
    assert f(index, "SoftBank") is None             # sponsors two


def test_places_split_a_passage_between_projects(index: ProjectIndex) -> None:
    text = "gas plants in Pennsylvania and Texas"
    found = index.matches(Features(frozenset(), frozenset({"gas_power"}),
                                   frozenset({"Pennsylvania", "Texas"}), frozenset(), frozenset(),
                                   text))
    # Four shipped projects are gas-fired (7, 24, 28, 29); the two second-tranche plants
    # each score 2 + 2/4 for the type, 1 for their own state and 0.5 for the word "gas":
    # 4.0, a tie that their different states split (at the split's confidence of 0.6).
    assert [(m.project.id, m.score, m.confidence) for m in found] == [(28, 4.0, 0.6),
                                                                      (29, 4.0, 0.6)]
    assert [m.reasons for m in found] == [
        ("type gas_power", "state Pennsylvania", "words gas"),
        ("type gas_power", "state Texas", "words gas")]


def test_another_partners_projects_rank_lower(gazetteer: Gazetteer) -> None:
    projects = [KnownProject(1, "Shipyard modernisation", "korea", "shipbuilding",
                             lead=("Hanwha Ocean",)),
                KnownProject(2, "Shipyard expansion", "japan", "shipbuilding",
                             lead=("Hanwha Ocean",))]
    index = ProjectIndex(projects, gazetteer)
    feats = Features(frozenset({"Hanwha Ocean"}), frozenset({"shipyard"}), text="shipyard")
    m = index.best(feats, "korea")
    assert m is not None and m.project.id == 1


def test_further_along_the_lifecycle() -> None:
    assert further("selected", "finalist") and not further("finalist", "selected")
    assert further("withdrawn", "proposed") and not further("withdrawn", "closed")
    assert not further("announced", "proposed")

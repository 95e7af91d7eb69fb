"""What an article says beyond amounts and stages: companies' roles, tranches, framework
terms, officials; and the proposals planned from them, on small snippets and the seeds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pledge.domain.fx import RateTable
from pledge.ingest.extract import Extraction
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import KnownProject, ProjectIndex
from pledge.ingest.proposals import PlannedChange, plan_proposals, proposal_key, summary
from pledge.services.money import shipped_rates
from pledge.services.news import shipped_projects
from tests.ingest.helpers import SEED_000, SEED_003, read, read_text

ON = date(2026, 4, 1)


def plan(ext: Extraction, gazetteer: Gazetteer,
         known: list[KnownProject] | None = None) -> list[PlannedChange]:
    projects = {p.id: p for p in (known if known is not None else shipped_projects())}
    return plan_proposals(ext, projects, RateTable(shipped_rates()), ON, gazetteer)


def of_kind(changes: list[PlannedChange], kind: str) -> list[PlannedChange]:
    return [c for c in changes if c.kind == kind]


# --- roles and sponsors ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "role", "written"), [
    ("The gas-fired plant in Ohio, led by Toshiba, will power data centers.",
     "Toshiba", "lead", "led by"),
    ("GE Vernova will supply the turbines for the gas-fired plant in Ohio.",
     "GE Vernova", "supplier", "supply"),
    ("Mitsubishi Heavy Industries will partner on the gas-fired plant in Ohio.",
     "Mitsubishi Heavy Industries", "partner", "partner"),
    ("Noritake agreed to buy the output of the synthetic diamond plant in Georgia.",
     "Noritake", "offtaker", "buy"),
    ("Mizuho will provide loans to the synthetic diamond plant in Georgia.",
     "Mizuho", "lender", "provide loans"),
    ("オハイオ州のガス火力発電所には東芝がタービンを供給する。", "Toshiba", "supplier", "供給"),
    ("오하이오주 가스발전소에는 도시바가 터빈을 공급한다.", "Toshiba", "supplier", "공급"),
])
def test_a_company_takes_the_role_of_the_nearest_role_word(
        gazetteer: Gazetteer, index: ProjectIndex, text: str, name: str, role: str,
        written: str) -> None:
    ext = read_text(text, gazetteer, index)
    [fact] = [f for f in ext.roles if f.name == name]
    assert (fact.role, fact.written, fact.project_id is not None) == (role, written, True)
    assert fact.evidence == text


def test_no_role_word_no_role(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read_text("Toshiba and the gas-fired plant in Ohio were in the news.", gazetteer,
                    index)
    assert ext.roles == ()


def test_seed_000_proposes_ge_vernova_as_a_partner_of_the_gas_plant(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read(SEED_000, gazetteer, index)
    roles = {(f.name, f.role, f.project_id) for f in ext.roles}
    assert ("SoftBank Group", "lead", 24) in roles and ("GE Vernova", "partner", 24) in roles
    [sponsor] = of_kind(plan(ext, gazetteer), "sponsor")
    assert (sponsor.project_id, sponsor.payload["name"], sponsor.payload["role"]) == (
        24, "GE Vernova", "partner")
    assert "collaborate" in sponsor.evidence
    assert summary(sponsor.kind, sponsor.payload) == "sponsor: GE Vernova as partner"
    # SoftBank Group leads it already: project 24 is recorded as led by SB Energy, its unit.
    assert not any(c.payload.get("name") == "SoftBank Group" for c in of_kind(
        plan(ext, gazetteer), "sponsor"))


def test_a_sponsor_named_by_its_subsidiary_is_not_proposed_again(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    # project 26 is recorded as led by "Element Six (De Beers Group)"
    for who in ("Element Six", "De Beers"):
        ext = read_text(f"The synthetic diamond plant in Georgia, led by {who}, opens soon.",
                        gazetteer, index)
        assert [f.project_id for f in ext.roles] == [26]
        assert of_kind(plan(ext, gazetteer), "sponsor") == []


# --- tranches --------------------------------------------------------------------------------

def test_seed_000_first_phase_is_a_tranche_of_the_programme(
        gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read(SEED_000, gazetteer, index)
    [tranche] = ext.tranches      # its won equivalent is not a second tranche
    a = ext.amounts[tranche.amount]
    assert (tranche.label, tranche.ordinal, tranche.project_id) == ("first phase", 1, None)
    assert (a.low, a.high, a.currency) == (6 * Decimal(10) ** 12, 7 * Decimal(10) ** 12, "JPY")
    [change] = of_kind(plan(ext, gazetteer), "tranche")
    assert change.project_id is None and change.payload["framework"] == "japan"
    assert (change.payload["label"], change.payload["ordinal"], change.payload["currency"]) == (
        "first phase", 1, "JPY")
    assert summary(change.kind, change.payload) == (
        "tranche: first phase (no. 1): an estimated 6 to 7 trillion yen")


@pytest.mark.parametrize(("text", "label", "ordinal"), [
    ("日本は対米投資の第2弾として最大730億ドルの案件を発表した。", "第2弾", 2),
    ("Japan's second tranche of $40 billion will follow in the summer.",
     "second tranche", 2),
])
def test_tranches_in_other_words(gazetteer: Gazetteer, text: str, label: str,
                                 ordinal: int) -> None:
    ext = read_text(text, gazetteer)
    assert [(t.label, t.ordinal) for t in ext.tranches] == [(label, ordinal)]


def test_a_tranche_of_one_project(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read_text("The GulfLink crude terminal in Texas will be built in two phases; the "
                    "first phase will cost $1.2 billion.", gazetteer, index)
    [t] = ext.tranches
    assert (t.label, t.ordinal, t.project_id) == ("first phase", 1, 25)
    [change] = of_kind(plan(ext, gazetteer), "tranche")
    assert change.project_id == 25 and change.payload["amount"] == "$1.2 billion"
    # the amount is the tranche's, not another estimate of the whole terminal
    assert of_kind(plan(ext, gazetteer), "additional_estimate") == []


# --- terms of a framework --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "settings"), [
    ("After a selection is made, Japan has 45 business days to start funding the project.",
     {"funding_window.length": 45, "funding_window.unit": "business"}),
    ("The MOU gives Japan 45 calendar days to provide the funds after a selection.",
     {"funding_window.length": 45, "funding_window.unit": "calendar"}),
    ("日本は選定から45営業日以内に資金を拠出する。",
     {"funding_window.length": 45, "funding_window.unit": "business",
      "funding_window.meaning": "deadline"}),
    ("한국은 선정 후 영업일 기준 45일 이내에 자금을 납입해야 한다.",
     {"funding_window.length": 45, "funding_window.unit": "business",
      "funding_window.meaning": "deadline"}),
    ("Korea pays the funds at least 45 business days after the selection is notified.",
     {"funding_window.length": 45, "funding_window.unit": "business",
      "funding_window.meaning": "earliest"}),
    ("Trump agreed to set levies on all imports from Japan at 15%, lowering the duty.",
     {"tariff.agreed": "0.15"}),
    ("The tariff on Taiwanese goods falls to no more than 15% from 20%.",
     {"tariff.agreed": "0.15", "tariff.previous": "0.2"}),
    ("Profits are split 50/50 until Japan recovers its money, then 90/10.",
     {"split.pre_partner_share": "0.5", "split.post_partner_share": "0.1"}),
    ("After that, the United States takes 90% of the cash.",
     {"split.post_partner_share": "0.1"}),
])
def test_terms_the_article_states(gazetteer: Gazetteer, text: str,
                                  settings: dict[str, object]) -> None:
    ext = read_text(text, gazetteer)
    assert [t.settings for t in ext.terms] == [settings]
    assert ext.terms[0].evidence == text


@pytest.mark.parametrize("text", [
    "President Trump warned that goods would face a 35% tariff if the money does not come.",
    "Automakers rushed to localise after the 25% tariff on imported steel.",
    "Akazawa met for 85 minutes with Lutnick on Thursday.",
    "The plant will employ 45 people within 90 days of opening.",
    "Shares rose 15% on the news.",
])
def test_what_is_not_a_term(gazetteer: Gazetteer, text: str) -> None:
    assert read_text(text, gazetteer).terms == ()


def test_seed_003_states_the_window_and_the_tariff(gazetteer: Gazetteer,
                                                   index: ProjectIndex) -> None:
    ext = read(SEED_003, gazetteer, index)
    assert [t.settings for t in ext.terms] == [
        {"tariff.agreed": "0.15"},
        {"funding_window.length": 45, "funding_window.unit": "business"}]
    claims = of_kind(plan(ext, gazetteer), "term_claim")
    assert [c.payload["settings"] for c in claims] == [t.settings for t in ext.terms]
    assert all(c.project_id is None and c.payload["framework"] == "japan" for c in claims)
    assert summary(claims[1].kind, claims[1].payload) == (
        "term claim (japan, terms unchanged): funding_window.length = 45; "
        "funding_window.unit = business")
    # one claim is one change, however often it is read
    assert proposal_key("term_claim", None, claims[0].payload) == proposal_key(
        "term_claim", None, {"framework": "japan", "settings": {"tariff.agreed": "0.15"}})


# --- officials -------------------------------------------------------------------------------

def test_seed_003_names_the_officials_with_their_office(gazetteer: Gazetteer) -> None:
    ext = read(SEED_003, gazetteer, None)
    assert ext.contract()["officials"] == [
        {"name": "Ryosei Akazawa", "office": "Trade Minister", "country": "Japan"},
        {"name": "Howard Lutnick", "office": "Commerce Secretary", "country": "United States"},
        {"name": "Jamieson Greer", "office": "Trade Representative",
         "country": "United States"},
        {"name": "Sanae Takaichi", "office": "Prime Minister", "country": "Japan"},
        {"name": "Donald Trump", "office": "President", "country": "United States"}]
    # every mention is a fact with its sentence; a surname alone is the same person
    akazawa = [f for f in ext.officials if f.name == "Ryosei Akazawa"]
    assert {f.written for f in akazawa} == {"Ryosei Akazawa", "Akazawa"}
    assert all(f.evidence for f in akazawa)


@pytest.mark.parametrize(("text", "name", "office"), [
    ("赤沢亮正経済再生相は記者団に語った。", "Ryosei Akazawa", "経済再生相"),
    ("高市首相は訪米する。", "Sanae Takaichi", "首相"),
    ("러트닉 상무장관은 말했다.", "Howard Lutnick", "상무장관"),
])
def test_officials_in_japanese_and_korean_with_the_office_after_the_name(
        gazetteer: Gazetteer, text: str, name: str, office: str) -> None:
    [official] = read_text(text, gazetteer).contract()["officials"]
    assert (official["name"], official["office"]) == (name, office)


def test_an_official_not_in_the_gazetteer_is_read_after_their_office(
        gazetteer: Gazetteer) -> None:
    ext = read_text("US Energy Secretary Jane Doe-Smith visited the site. "
                    "赤沢亮正経済再生相が述べた。", gazetteer)
    names = {o["name"]: o for o in ext.contract()["officials"]}
    assert names["Jane Doe-Smith"] == {"name": "Jane Doe-Smith", "office": "Energy Secretary",
                                       "country": "United States"}
    assert names["Ryosei Akazawa"]["country"] == "Japan"


# --- links between recorded projects ---------------------------------------------------------

def test_a_sentence_saying_two_projects_are_one_proposes_a_link(gazetteer: Gazetteer) -> None:
    known = [KnownProject(1, "Ohio gas plant", sector="energy", states=("Ohio",),
                          lead=("Toshiba",)),
             KnownProject(2, "Portsmouth power campus", sector="energy", states=("Ohio",),
                          lead=("Hitachi",))]
    index = ProjectIndex(known, gazetteer)
    ext = read_text("The Portsmouth power campus, led by Hitachi, is also known as the Ohio "
                    "gas plant led by Toshiba.", gazetteer, index)
    links = of_kind(plan(ext, gazetteer, known), "related_project")
    assert [(c.project_id, c.payload["other_id"], c.payload["relation"]) for c in links] == [
        (1, 2, "duplicate")]
    assert "also known as" in links[0].payload["note"]
    # already linked: nothing to propose
    linked = [KnownProject(1, "Ohio gas plant", sector="energy", states=("Ohio",),
                           lead=("Toshiba",), linked=(2,)),
              KnownProject(2, "Portsmouth power campus", sector="energy", states=("Ohio",),
                           lead=("Hitachi",), linked=(1,))]
    ext = read_text("The Portsmouth power campus, led by Hitachi, is also known as the Ohio "
                    "gas plant led by Toshiba.", gazetteer, ProjectIndex(linked, gazetteer))
    assert of_kind(plan(ext, gazetteer, linked), "related_project") == []


def test_a_later_phase_of_a_recorded_project(gazetteer: Gazetteer) -> None:
    known = [KnownProject(1, "Ohio gas plant", sector="energy", states=("Ohio",),
                          lead=("Toshiba",)),
             KnownProject(2, "Texas gas plant", sector="energy", states=("Texas",),
                          lead=("Hitachi",))]
    ext = read_text("The gas-fired plant in Texas by Hitachi is the second phase of the gas "
                    "plant in Ohio by Toshiba.", gazetteer, ProjectIndex(known, gazetteer))
    [link] = of_kind(plan(ext, gazetteer, known), "related_project")
    assert (link.project_id, link.payload["other_id"], link.payload["relation"]) == (
        2, 1, "later_tranche")
    assert summary(link.kind, link.payload) == "link: later tranche 1 Ohio gas plant"


def test_a_plural_role_noun_names_the_companies_after_it(gazetteer: Gazetteer,
                                                         index: ProjectIndex) -> None:
    ext = read_text("Japanese suppliers including Mitsubishi Heavy Industries, Toshiba and "
                    "IHI will provide components for the gas-fired plant in Ohio.", gazetteer,
                    index)
    assert {(f.name, f.role) for f in ext.roles} == {
        ("Mitsubishi Heavy Industries", "supplier"), ("Toshiba", "supplier"),
        ("IHI", "supplier")}
    ext = read_text("Toshiba's gas-fired plant in Ohio will open in 2029, with buyers in Korea "
                    "and Taiwan.", gazetteer, index)
    assert ext.roles == ()      # the buyers are others, not the company before the word

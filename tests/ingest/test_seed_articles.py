"""The two seed articles, read end to end: every amount, company and place they name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex
from tests.ingest.helpers import SEED_000, SEED_003, read

M, B, T = Decimal(10) ** 6, Decimal(10) ** 9, Decimal(10) ** 12


def amounts(contract: dict[str, Any]) -> set[tuple[Decimal | None, Decimal | None, str]]:
    return {(None if a["low"] is None else Decimal(a["low"]),
             None if a["high"] is None else Decimal(a["high"]), a["currency"])
            for a in contract["amounts"]}


@pytest.fixture(scope="module")
def seed_000(gazetteer: Gazetteer, index: ProjectIndex) -> dict[str, Any]:
    return read(SEED_000, gazetteer, index).contract()


@pytest.fixture(scope="module")
def seed_003(gazetteer: Gazetteer, index: ProjectIndex) -> dict[str, Any]:
    return read(SEED_003, gazetteer, index).contract()


def test_the_contract_keys_and_types(seed_000: dict[str, Any],
                                     seed_003: dict[str, Any]) -> None:
    for c in (seed_000, seed_003):
        assert isinstance(c["source"], str) and c["language"] == "en"
        assert c["pledging_country"] == "Japan"
        for a in c["amounts"]:
            assert set(a) >= {"text", "low", "high", "currency"}
            assert all(isinstance(a[k], str | None) for k in ("low", "high"))
        assert all(isinstance(x, str) for x in c["companies"] + c["sectors"]
                   + c["us_locations"])
        assert all(set(s) >= {"project", "status"} for s in c["status_signals"])
        assert all(isinstance(i, int) for i in c["matched_projects"])


def test_seed_000_amounts_in_three_currencies(seed_000: dict[str, Any]) -> None:
    assert amounts(seed_000) == {
        (6 * T, 7 * T, "JPY"),             # "an estimated 6 to 7 trillion yen"
        (56 * T, 65 * T, "KRW"),           # "approximately 56 to 65 trillion won"
        (6 * T, 6 * T, "JPY"),             # the gas plant's 6 trillion yen
        (56 * T, 56 * T, "KRW"),           # "(around 56 trillion won)"
        (550 * B, 550 * B, "USD"),         # "550 billion dollars"
    }
    texts = [a["text"] for a in seed_000["amounts"]]
    assert "an estimated 6 to 7 trillion yen" in texts


def test_seed_003_amounts_and_the_tariff_is_not_money(seed_003: dict[str, Any]) -> None:
    assert amounts(seed_003) == {
        (550 * B, 550 * B, "USD"),
        (350 * M, 100 * B, "USD"),     # "$350 million to as much as $100 billion": one range
    }
    assert not any("%" in a["text"] or a["low"] == "15" for a in seed_003["amounts"])


def test_companies_by_canonical_name(seed_000: dict[str, Any],
                                     seed_003: dict[str, Any]) -> None:
    assert seed_000["companies"] == ["SoftBank Group", "GE Vernova", "De Beers", "Westinghouse"]
    # "SoftBank Group Corp." and "SoftBank" are one company; "Toshiba Corp." is Toshiba.
    assert seed_003["companies"] == ["SoftBank Group", "Westinghouse", "Toshiba"]
    assert "Bloomberg" not in seed_003["companies"]


def test_states_and_the_gulf_of_mexico_as_a_site(seed_000: dict[str, Any],
                                                 seed_003: dict[str, Any]) -> None:
    assert seed_000["us_locations"] == ["Texas", "Louisiana"]
    # "Washington" alone is the capital, not the state; the Gulf of Mexico is a site whose
    # possible states are listed: it is a US location but adds no state.
    assert seed_003["us_locations"] == ["Gulf of Mexico"]
    assert seed_003["sites"] == [{"name": "Gulf of Mexico", "states": [
        "Texas", "Louisiana", "Mississippi", "Alabama", "Florida"]}]


def test_projects_and_status_signals(seed_000: dict[str, Any],
                                     seed_003: dict[str, Any]) -> None:
    assert {24, 25, 26} <= set(seed_000["matched_projects"])
    assert set(seed_003["matched_projects"]) == {24, 25, 26}
    finalists = {s["project"] for s in seed_003["status_signals"] if s["status"] == "finalist"}
    assert finalists == {
        "Portsmouth Powered Land Project (9.2 GW natural gas power plant for AI data centers)",
        "Texas GulfLink deepwater crude oil export terminal",
        "HPHT synthetic diamond grit facility"}


def test_what_the_amounts_refer_to(seed_000: dict[str, Any]) -> None:
    facts = {a["text"]: a for a in seed_000["facts"]["amounts"]}
    assert facts["an estimated 6 to 7 trillion yen"]["refers_to"] == "tranche"
    assert facts["550 billion dollars"]["refers_to"] == "programme"
    plant = facts["6 trillion yen"]
    assert plant["refers_to"] == "project" and plant["project_id"] == 24
    assert facts["around 56 trillion won"]["converted"] is True


def test_every_fact_keeps_its_sentence_and_a_confidence(seed_000: dict[str, Any]) -> None:
    facts = seed_000["facts"]
    for kind in ("amounts", "organisations", "sectors", "locations", "status_signals",
                 "projects"):
        for fact in facts[kind]:
            assert fact["sentence"] and 0 < fact["confidence"] <= 1, (kind, fact)
    softbank = next(o for o in facts["organisations"] if o["name"] == "SoftBank Group")
    assert "led by Japan's SoftBank Group" in softbank["sentence"]


def test_no_fact_from_the_subscription_text(gazetteer: Gazetteer, index: ProjectIndex) -> None:
    ext = read(SEED_003, gazetteer, index)
    text = ext.text
    for noise in ("SUBSCRIBE", "Financial Post", "Crossword", "Postmedia", "Article content",
                  "Sign In", "English (US)", "1 hour ago", "favourite authors"):
        assert noise not in text, noise
    sentences = [f["sentence"] for kind, items in ext.contract()["facts"].items()
                 if isinstance(items, list) for f in items]
    assert sentences
    for sentence in sentences:
        assert "subscri" not in sentence.lower() and "New York" not in sentence
    assert "New York" not in ext.contract()["us_locations"]
    assert any("RESERVED FOR SUBSCRIBERS" in line for line in ext.dropped)

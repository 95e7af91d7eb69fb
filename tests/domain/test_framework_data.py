"""The shipped frameworks: every term present, sourced, and valid; versions and amendments."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest

from pledge.domain.calendars import CalendarName, DayUnit
from pledge.domain.errors import InvalidInput
from pledge.domain.framework import Instrument, Mechanism, WindowMeaning
from pledge.domain.framework_data import framework_from_document, terms_to_settings
from pledge.domain.framework_document import stored_sources, terms_from_stored
from pledge.services.frameworks import shipped_frameworks

FW = {f.key: f for f in shipped_frameworks()}
BN = Decimal(10) ** 9


def test_four_frameworks_ship() -> None:
    assert set(FW) == {"japan", "korea", "eu", "taiwan"}


def test_japan_terms() -> None:
    t = FW["japan"].current
    assert t.commitment == 550 * BN
    assert t.period_end == date(2029, 1, 19)
    assert t.window is not None
    assert (t.window.length, t.window.unit, t.window.calendar) == (45, DayUnit.BUSINESS,
                                                                   CalendarName.US)
    assert t.split is not None
    assert (t.split.pre_partner_share, t.split.post_partner_share) == (Decimal("0.5"),
                                                                       Decimal("0.1"))
    assert t.tariff_agreed == Decimal("0.15")
    assert {"energy", "semiconductors", "critical_minerals", "shipbuilding"} <= set(t.sectors)
    assert t.cap_counting[Instrument.GUARANTEE] == 1
    assert t.deemed_rate is not None and t.deemed_rate.annual_rate == Decimal("0.06")


def test_korea_terms() -> None:
    t = FW["korea"].current
    assert t.commitment == 350 * BN
    cash, ships = t.components
    assert (cash.amount, cash.annual_cap, cash.mechanism) == (200 * BN, 20 * BN, Mechanism.FUND)
    assert (ships.amount, ships.mechanism) == (150 * BN, Mechanism.PLEDGE)
    assert t.window is not None and t.window.meaning is WindowMeaning.EARLIEST
    assert t.accounting_scope == "pooled" and t.recorded["shortfall_review_years"] == 20


def test_pledges_have_no_machinery() -> None:
    assert FW["eu"].current.commitment == 600 * BN
    assert FW["taiwan"].current.commitment == 500 * BN
    assert [c.amount for c in FW["taiwan"].current.components] == [250 * BN, 250 * BN]
    for key in ("eu", "taiwan"):
        t = FW[key].current
        assert not t.has_machinery and t.window is None and t.split is None


@pytest.mark.parametrize("key", ["japan", "korea", "eu", "taiwan"])
def test_every_setting_in_the_data_file_has_a_source_or_is_an_assumption(key: str) -> None:
    doc = tomllib.loads((files("pledge") / "data" / "frameworks" / f"{key}.toml")
                        .read_text(encoding="utf-8"))
    for version in doc["versions"]:
        for name, entry in version["settings"].items():
            sources = entry.get("sources", [])
            assert sources or entry.get("assumption") is True, f"{key}: {name} has no source"
            assert all(s.startswith("http") for s in sources)


def test_a_bad_document_reports_every_problem() -> None:
    doc = {"key": "x", "name": "X", "partner": "X", "partner_currency": "XXX", "versions": [{
        "effective_from": "2026-01-01", "settings": {
            "commitment": {"value": "lots", "sources": ["https://a"]},
            "funding_window.length": {"value": 45, "sources": ["https://a"]},
            "funding_window.unit": {"value": "fortnights", "sources": ["https://a"]},
            "split.pre_partner_share": {"value": "1.5", "sources": ["https://a"]},
            "colour": {"value": "blue", "sources": []},
        }}]}
    with pytest.raises(InvalidInput) as err:
        framework_from_document(doc)
    fields = {p.field for p in err.value.problems}
    assert {"versions[0].commitment", "versions[0].funding_window.unit",
            "versions[0].colour"} <= fields
    rules = {p.rule for p in err.value.problems}
    assert "framework.unsourced" in rules and "framework.unknown_setting" in rules


def test_amend_keeps_history_and_refuses_going_back() -> None:
    fw = FW["japan"]
    amended = fw.amend(date(2027, 1, 1), {"funding_window.meaning": "earliest"},
                       {"funding_window.meaning": ("https://example.org/a",)}, "reading")
    assert len(amended.versions) == 2
    assert amended.terms_on(date(2026, 12, 31)).window.meaning is WindowMeaning.DEADLINE  # type: ignore[union-attr]  # these terms have a window
    assert amended.terms_on(date(2027, 1, 1)).window.meaning is WindowMeaning.EARLIEST  # type: ignore[union-attr]  # these terms have a window
    assert amended.current.sources["funding_window.meaning"] == ("https://example.org/a",)
    # the amended setting is now stated by its source; the other assumptions stay marked
    assert "funding_window.meaning" in fw.current.assumptions
    assert "funding_window.meaning" not in amended.current.assumptions
    assert "deemed_rate.compounding" in amended.current.assumptions
    assert amended.current.earlier_claims == () and fw.current.earlier_claims
    with pytest.raises(InvalidInput) as err:
        fw.amend(date(2025, 1, 1), {}, {}, "")
    assert err.value.first.rule == "framework.amend_order"
    with pytest.raises(InvalidInput):
        fw.amend(date(2027, 1, 1), {"funding_window.unit": "weeks"}, {}, "")


@pytest.mark.parametrize("key", ["japan", "korea", "eu", "taiwan"])
def test_settings_round_trip(key: str) -> None:
    from pledge.domain.framework_data import settings_to_terms
    t = FW[key].current
    again = settings_to_terms(t.effective_from, terms_to_settings(t), t.sources, t.note,
                              assumptions=t.assumptions, earlier_claims=t.earlier_claims)
    assert again == t
    # and as storage keeps it: the sources mapping carries the assumptions and claims
    stored = json.loads(json.dumps(stored_sources(t)))
    assert terms_from_stored(t.effective_from, terms_to_settings(t), stored, t.note) == t

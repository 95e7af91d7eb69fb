"""Every shipped framework setting rests on a source that states it, or says it is an
assumption; the loader refuses a setting that does neither, naming it.

``REVIEWED`` is the record of a check of the data against the programme's fact sheet:
for each setting a source states, the value the sources give and the addresses where
it was read. A shipped setting passes only if it is marked as an assumption (with its
basis and other readings) or if its value is the reviewed one and it cites at least one
reviewed address. A new or changed setting therefore fails until it is reviewed here or
marked as an assumption. The review deliberately leaves out the settings the check
found unsupported (Japan's compounding, rate type, calendar and spread; Korea's tariff
on declining; the EU's period end): with the assumption mark removed they fail.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.framework_data import framework_from_document

HUDSON = ("https://www.hudson.org/trade/investing-security-success-analysis-us-japan-550-"
          "billion-strategic-investment-fund-william-chou")
EDGE = ("https://testing.dev.theedgesingapore.com/news/global-economy/us-japan-consider-"
        "projects-may-tap-us550b-fund-bloomberg-reports")
INDUSTRY = "https://the-industry.co.kr/news/view.php?idx=6312&key_idx=1213"
FSX = "https://www.fsxbusiness.com/us-japan-near-deal-on-550bn-fund"
ALOJAPAN = "https://www.alojapan.com/1382025/japan-says-no-discrepancies-with-us-on-investment"
FEEDMAN = "https://feedman.me/posts/2oGxU"
KATZ = "https://richardkatz.substack.com/p/correction-on-the-terms-of-japans"
MEIWA = "http://server1.meiwasuisan.com/news/1760828485/l50"
DIET = "https://www.shugiin.go.jp/internet/itdb_shitsumon.nsf/html/shitsumon/b219080.htm"
NIHONUS = "https://www.nihonusnews.com/?p=72258"
JWALLEN = "https://jwallen.com/u-s-japan-trade-deal-reached"
JDSUPRA = "https://production.jdsupra.com/legalnews/trump-finalizes-japan-trade-deal-with-8847443"
SOMPO = "https://www.sompo-ri.co.jp/topics_plus/20250911-19822"
DAILY8_AUTOS = "https://test.daily8.com/en/article/5479d5220b13aa0b52e5096c94b92a03"
JPREPORTS = "https://jp-reports.com/ja/articles/9QuTK6Gs"
RICHLINK = "https://richlink.blogsys.jp/embed/ab5e23f3-6fde-3a49-9589-009c77d3b3e9"
KADOSH = ("https://kadoshpurim.zoevive.eu.org/economics/financing-550-billion-strategic-"
          "investment-fund-update-william-chou")
CHOSUN = ("https://biz.chosun.com/en/en-policy/2025/11/14/7ZQVLCRMZZGQ5AS5TNAUW35OIA/"
          "?outputType=amp")
ZDNET = "https://zdnet.co.kr/view/?no=20251114153918"
SBS = "https://news.sbs.co.kr/news/endPage.do?news_id=N1008332008"
WOWTV = "https://www.wowtv.co.kr/NewsCenter/News/Read?articleId=A202511140685"
SEOUL = "https://seoulreporter.com/?p=10414"
JAKOTA = "https://jakotaindex.com/news-hub/korea-u-s-formalize-350-billion-investment-pact"
NEWS1 = "https://www.news1.kr/amp/economy/trend/5976489"
KOLLO = "https://www.kollo.kr/todaycontent?id=ehcoUk"
HERALD = "https://www.koreaherald.com/article/10624029"
POLITICO = ("https://www.politico.eu/article/eus-600bn-us-investment-will-come-exclusively-"
            "from-private-sector/")
GMT = "https://gmteight.com/content/detail/299831"
LIBERTY = "https://libertycaller.com/600b-eu-pledge-in-jeopardy"
SPGLOBAL = ("https://www.spglobal.com/automotive-insights/en/rapid-impact-analysis/trump-trade-"
            "update-japan-eu-auto-tariffs")
THOMPSON = "https://www.thompsonhinesmartrade.com/?p=8804"

ANY = object()  # the value is checked elsewhere (a list of tables)

# (framework, setting) -> (the value the sources give, where it was read)
REVIEWED: dict[tuple[str, str], tuple[Any, set[str]]] = {
    ("japan", "commitment"): ("US$550 billion", {HUDSON}),
    ("japan", "components"): (ANY, {FEEDMAN, ALOJAPAN}),
    ("japan", "period_start"): ("2025-09-04", {HUDSON}),
    ("japan", "period_end"): ("2029-01-19", {HUDSON, EDGE}),
    ("japan", "sectors"): (["semiconductors", "pharmaceuticals", "metals", "critical_minerals",
                            "shipbuilding", "energy", "ai_quantum"], {INDUSTRY}),
    ("japan", "sectors_open"): (True, {INDUSTRY}),
    ("japan", "funding_window.length"): (45, {FSX, ALOJAPAN}),
    ("japan", "cap_counting.equity"): ("1", {FEEDMAN}),
    ("japan", "cap_counting.loan"): ("1", {FEEDMAN}),
    ("japan", "cap_counting.guarantee"): ("1", {FEEDMAN}),
    ("japan", "deemed_rate.benchmark"): ("SOFR_6M", {KATZ}),
    ("japan", "deemed_rate.benchmark_rate"): ("0.04", {KATZ}),
    ("japan", "split.pre_partner_share"): ("0.5", {MEIWA, DIET}),
    ("japan", "split.post_partner_share"): ("0.1", {MEIWA, DIET}),
    ("japan", "accounting_scope"): ("per_project", {NIHONUS, MEIWA}),
    ("japan", "tariff.agreed"): ("0.15", {JWALLEN}),
    ("japan", "tariff.autos_previous"): ("0.275", {SOMPO, DAILY8_AUTOS}),
    ("japan", "tariff.autos_agreed"): ("0.15", {JWALLEN, JDSUPRA}),
    ("japan", "consultation_gate"): ("hard", {JPREPORTS}),
    ("japan", "funding_currency"): ("USD", {RICHLINK}),
    ("japan", "lender_facility"): ({"lender": "JBIC", "name": "Japan Strategic Investment "
                                    "Facility", "opens": "2025-10", "closes": "2029-03"},
                                   {KADOSH}),
    ("korea", "commitment"): ("US$350 billion", {CHOSUN}),
    ("korea", "components"): (ANY, {CHOSUN, ZDNET}),
    ("korea", "period_start"): ("2025-11-14", {CHOSUN}),
    ("korea", "period_end"): ("2029-01-19", {JAKOTA, SEOUL}),
    ("korea", "sectors_open"): (True, {JAKOTA}),
    ("korea", "funding_window.length"): (45, {ZDNET, SBS}),
    ("korea", "funding_window.unit"): ("business", {ZDNET}),
    ("korea", "funding_window.meaning"): ("earliest", {ZDNET, WOWTV}),
    ("korea", "funding_window.start"): ("notice", {ZDNET}),
    ("korea", "cap_counting.equity"): ("1", {ZDNET}),
    ("korea", "cap_counting.loan"): ("1", {ZDNET}),
    ("korea", "deemed_rate.benchmark"): ("UST_20Y", {NEWS1}),
    ("korea", "deemed_rate.rate_type"): ("fixed", {NEWS1}),
    ("korea", "split.pre_partner_share"): ("0.5", {KOLLO, SBS}),
    ("korea", "split.post_partner_share"): ("0.1", {KOLLO, SBS}),
    ("korea", "accounting_scope"): ("pooled", {NEWS1}),
    ("korea", "tariff.agreed"): ("0.15", {HERALD}),
    ("korea", "tariff.previous"): ("0.25", {HERALD}),
    ("korea", "consultation_gate"): ("hard", {SEOUL}),
    ("korea", "shortfall_review_years"): (20, {KOLLO, SBS}),
    ("korea", "nonpayment.us_keeps_payouts"): (True, {ZDNET, SBS}),
    ("eu", "commitment"): ("US$600 billion", {POLITICO}),
    ("eu", "components"): (ANY, {POLITICO}),
    ("eu", "tariff.agreed"): ("0.15", {GMT}),
    ("eu", "tariff.on_decline"): ("0.35", {LIBERTY}),
    ("eu", "tariff.autos_previous"): ("0.275", {SPGLOBAL}),
    ("eu", "tariff.autos_agreed"): ("0.15", {GMT, SPGLOBAL}),
    ("taiwan", "commitment"): ("US$500 billion", {THOMPSON}),
    ("taiwan", "components"): (ANY, {THOMPSON}),
    ("taiwan", "sectors"): (["semiconductors", "energy", "ai_quantum"], {THOMPSON}),
    ("taiwan", "tariff.agreed"): ("0.15", {THOMPSON}),
    ("taiwan", "tariff.previous"): ("0.20", {THOMPSON}),
}


def _shipped() -> list[tuple[str, dict[str, Any]]]:
    folder = files("pledge") / "data" / "frameworks"
    return [(entry.name, tomllib.loads(entry.read_text(encoding="utf-8")))
            for entry in sorted(folder.iterdir(), key=lambda p: p.name)
            if entry.name.endswith(".toml")]


def _unsupported(key: str, doc: dict[str, Any]) -> list[str]:
    """Each setting of ``doc`` resting neither on a reviewed source nor on an assumption."""
    out = []
    for version in doc["versions"]:
        for name, entry in version["settings"].items():
            if entry.get("assumption") is True:
                if not str(entry.get("basis", "")).strip():
                    out.append(f"{key}: {name} is an assumption without its basis")
                for alt in entry.get("alternatives", []):
                    if not str(alt.get("reading", "")).strip():
                        out.append(f"{key}: {name} has an alternative without its reading")
                continue
            review = REVIEWED.get((key, name))
            if review is None:
                out.append(f"{key}: {name} = {entry['value']!r} has no reviewed source "
                           f"and is not marked as an assumption")
                continue
            value, supporting = review
            if value is not ANY and entry["value"] != value:
                out.append(f"{key}: {name} = {entry['value']!r}, the sources give {value!r}")
            if not supporting & set(entry.get("sources", [])):
                out.append(f"{key}: {name} cites {entry.get('sources')}, none of which "
                           f"states it")
    return out


def test_the_review_covers_every_shipped_framework() -> None:
    names = [name for name, _ in _shipped()]
    assert names == ["eu.toml", "japan.toml", "korea.toml", "taiwan.toml"]


@pytest.mark.parametrize("name", ["eu.toml", "japan.toml", "korea.toml", "taiwan.toml"])
def test_every_shipped_setting_rests_on_a_source_or_is_an_assumption(name: str) -> None:
    doc = dict(_shipped())[name]
    assert _unsupported(doc["key"], doc) == []
    framework_from_document(doc, origin=name)  # and the loader accepts it


@pytest.mark.parametrize(("key", "name"), [
    ("japan", "deemed_rate.compounding"), ("japan", "deemed_rate.rate_type"),
    ("japan", "funding_window.calendar"), ("japan", "deemed_rate.spread_bps"),
    ("japan", "funding_window.meaning"), ("korea", "tariff.on_decline"),
    ("eu", "period_end")])
def test_the_findings_fail_without_their_assumption_mark(key: str, name: str) -> None:
    """The settings the check found unsupported are assumptions now; unmarked, they fail
    the review (their sources do not state them), and with no source the loader refuses
    them."""
    doc = dict(_shipped())[f"{key}.toml"]
    [version] = doc["versions"]
    entry = version["settings"][name]
    assert entry["assumption"] is True and entry["alternatives"]
    unmarked = {k: v for k, v in entry.items()
                if k not in ("assumption", "basis", "alternatives")}
    version["settings"][name] = unmarked
    assert any(f"{key}: {name}" in p for p in _unsupported(key, doc))
    version["settings"][name] = {"value": entry["value"]}
    with pytest.raises(InvalidInput) as err:
        framework_from_document(doc, origin=f"{key}.toml")
    [problem] = err.value.problems
    assert problem.field == f"{key}.toml:versions[0].{name}"
    assert problem.rule == "framework.unsourced"
    assert f"setting '{name}'" in problem.message and "assumption" in problem.message


def _doc(**settings: Any) -> dict[str, Any]:
    base = {"commitment": {"value": "US$1 billion", "sources": ["https://example.org/c"]}}
    return {"key": "x", "name": "X", "partner": "X", "partner_currency": "USD",
            "versions": [{"effective_from": "2026-01-01", "settings": {**base, **settings}}]}


def test_an_assumption_needs_its_basis_and_readings_and_valid_alternatives() -> None:
    window = {"funding_window.length": {"value": 45, "sources": ["https://example.org/w"]}}
    bad = _doc(**window, **{"funding_window.unit": {
        "value": "business", "assumption": True,
        "alternatives": [{"value": "fortnights", "reading": "by the fortnight"},
                         {"value": "calendar", "reading": " ", "sources": ["bad\x07source"]}]}})
    with pytest.raises(InvalidInput) as err:
        framework_from_document(bad)
    got = {(p.field, p.rule) for p in err.value.problems}
    assert ("versions[0].funding_window.unit.basis", "framework.assumption_basis") in got
    assert ("versions[0].funding_window.unit.alternatives[1].reading",
            "framework.alternative_reading") in got
    assert ("versions[0].funding_window.unit.alternatives[0].value",
            "framework.bad_setting") in got
    assert any(f.startswith("versions[0].funding_window.unit.alternatives[1].sources")
               for f, _ in got)

    good = _doc(**window, **{"funding_window.unit": {
        "value": "business", "assumption": True, "basis": "a choice",
        "alternatives": [{"value": "calendar", "reading": "calendar days",
                          "sources": ["https://example.org/a"]},
                         {"reading": "no single unit"}]}})
    terms = framework_from_document(good).current
    a = terms.assumptions["funding_window.unit"]
    assert a.basis == "a choice"
    assert [(r.value, r.reading, r.sources) for r in a.alternatives] == [
        ("calendar", "calendar days", ("https://example.org/a",)),
        (None, "no single unit", ())]
    assert terms.sources["funding_window.unit"] == ()


def test_a_basis_without_the_mark_is_refused() -> None:
    doc = _doc(**{"tariff.agreed": {"value": "0.15", "sources": ["https://example.org/t"],
                                    "basis": "a guess"}})
    with pytest.raises(InvalidInput) as err:
        framework_from_document(doc)
    assert [p.field for p in err.value.problems] == ["versions[0].tariff.agreed.basis"]


def test_an_earlier_claim_needs_its_source_and_valid_settings() -> None:
    doc = _doc(**{"split.pre_partner_share": {"value": "0.5", "sources": ["https://e.org/s"]}})
    doc["versions"][0]["earlier_claims"] = [
        {"made": "2025-07", "by": "a fact sheet", "claim": "all of it",
         "settings": {"split.pre_partner_share": "1.5"}}]
    with pytest.raises(InvalidInput) as err:
        framework_from_document(doc)
    assert {(p.field, p.rule) for p in err.value.problems} == {
        ("versions[0].earlier_claims[0].sources", "framework.unsourced"),
        ("versions[0].earlier_claims[0].settings.split.pre_partner_share",
         "framework.share_range")}
    doc["versions"][0]["earlier_claims"][0].update(
        settings={"split.pre_partner_share": "0.1"}, sources=["https://e.org/c"])
    [claim] = framework_from_document(doc).current.earlier_claims
    assert (claim.made, claim.settings, claim.sources) == (
        "2025-07", {"split.pre_partner_share": "0.1"}, ("https://e.org/c",))

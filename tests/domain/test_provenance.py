"""Confidence in a figure, read from its sources: official, corroborated, reported once,
unsourced; conflicting figures named."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pledge.domain.provenance import (
    Confidence,
    FigureSource,
    claims_confidence,
    is_official,
    provenance_of,
    source_host,
    sources_confidence,
)
from tests.clirunner import Cli

BN = Decimal(10) ** 9


@pytest.mark.parametrize(("source", "official"), [
    ("https://www.commerce.gov/news/2026/02/ohio", True),
    ("https://www.meti.go.jp/press/2025/10/x.html", True),
    ("https://www.jbic.go.jp/en/information/press", True),
    ("https://www.motie.go.kr/en/x", True),
    ("https://news.livedoor.com/article/detail/30612714/", False),
    ("https://gov.example.com/x", False),        # "gov" as a label, not the zone
    ("https://notgov/x", False),
    ("memo-2026-03.html", False),
    ("javascript:alert(1)", False),
    ("", False),
])
def test_official_sources_are_governments_own_sites(source: str, official: bool) -> None:
    assert is_official(source) is official


def test_hosts_are_read_without_www_and_in_lower_case() -> None:
    assert source_host("https://WWW.Reuters.com/x") == "reuters.com"
    assert source_host("memo.html") is None


def test_two_hosts_that_agree_corroborate_and_a_third_figure_conflicts() -> None:
    figures = [FigureSource(33 * BN, 33 * BN, "https://newsdig.tbs.co.jp/a"),
               FigureSource(Decimal("33.3") * BN, Decimal("33.3") * BN,
                            "https://news.livedoor.com/b"),
               FigureSource(20 * BN, 25 * BN, "https://example.org/c"),
               FigureSource(None, 34 * BN, "https://www.commerce.gov/d"),
               FigureSource(30 * BN, None, "")]
    found = provenance_of(figures)
    assert [p.confidence for p in found] == [
        Confidence.CORROBORATED, Confidence.CORROBORATED, Confidence.REPORTED,
        Confidence.OFFICIAL, Confidence.UNSOURCED]
    assert found[0].agreeing_hosts == ("newsdig.tbs.co.jp", "news.livedoor.com",
                                       "commerce.gov")
    assert found[2].conflicts_with == (0, 1, 3, 4)
    assert 2 in found[0].conflicts_with and "example.org" not in found[0].agreeing_hosts


def test_one_host_twice_is_not_corroboration() -> None:
    figures = [FigureSource(BN, BN, "https://example.org/a"),
               FigureSource(BN, BN, "https://example.org/b")]
    assert [p.confidence for p in provenance_of(figures)] == [Confidence.REPORTED] * 2


def test_ranges_agree_within_five_per_cent_and_not_beyond() -> None:
    near = [FigureSource(100 * BN, 100 * BN, "https://a.example/x"),
            FigureSource(109 * BN, 109 * BN, "https://b.example/y")]
    far = [FigureSource(100 * BN, 100 * BN, "https://a.example/x"),
           FigureSource(112 * BN, 112 * BN, "https://b.example/y")]
    assert provenance_of(near)[0].confidence is Confidence.CORROBORATED
    assert provenance_of(far)[0].conflicts_with == (1,)


def test_a_project_shows_each_estimate_with_its_confidence(cli: Cli) -> None:
    code, out, err = cli("projects", "show", "24", "--json")
    assert code == 0, err
    estimates = json.loads(out)["estimates"]
    # METI's US$33.3bn and the TBS report of about US$33bn agree: corroborated
    assert {e["confidence"] for e in estimates} == {"corroborated"}
    assert all(len(e["agreeing_hosts"]) == 2 and e["conflicts_with"] == []
               for e in estimates)
    assert all(e["recorded_at"] for e in estimates)


def test_a_claim_is_as_strong_as_its_sources() -> None:
    assert sources_confidence([]) is Confidence.UNSOURCED
    assert sources_confidence(["https://a.example/x"]) is Confidence.REPORTED
    assert sources_confidence(["https://a.example/x", "https://a.example/y"]) \
        is Confidence.REPORTED
    assert sources_confidence(["https://a.example/x", "https://b.example/y"]) \
        is Confidence.CORROBORATED
    assert sources_confidence(["https://a.example/x", "https://www.whitehouse.gov/y"]) \
        is Confidence.OFFICIAL


def test_the_same_claim_from_another_host_corroborates() -> None:
    claims = [("finalist", "https://a.example/1"), ("finalist", "https://b.example/2"),
              ("selected", "https://a.example/3"), ("selected", "")]
    assert claims_confidence(claims) == [Confidence.CORROBORATED, Confidence.CORROBORATED,
                                         Confidence.REPORTED, Confidence.UNSOURCED]


def test_stages_and_terms_carry_their_confidence(cli: Cli) -> None:
    shown = cli.json("projects", "show", "24")
    assert {t["confidence"] for t in shown["transitions"]} <= {
        "official", "corroborated", "reported", "unsourced"}
    assert any(t["confidence"] in ("corroborated", "official") for t in shown["transitions"])
    terms = cli.json("frameworks", "show", "japan")["versions"][0]
    assert terms["confidence"] and set(terms["confidence"]) <= set(terms["sources"])
    assert "official" in terms["confidence"].values()

"""The labelled articles the benchmark reads are complete and well formed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pledge.domain.money import CURRENCIES
from pledge.domain.project import SECTORS, US_STATES
from tests.ingest.helpers import NEWS

ARTICLES = sorted(p for p in NEWS.iterdir() if p.suffix in (".txt", ".html"))
HELD_OUT = sorted(p for p in (NEWS / "heldout").iterdir() if p.suffix in (".txt", ".html"))


def test_there_are_enough_and_in_three_languages() -> None:
    assert len(ARTICLES) >= 15
    languages = {json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["language"]
                 for p in ARTICLES}
    assert {"en", "ja", "ko"} <= languages
    assert any(p.suffix == ".html" for p in ARTICLES)


def test_a_held_out_part_in_three_languages_beside_the_development_part() -> None:
    assert len(HELD_OUT) >= 10
    languages = {json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["language"]
                 for p in HELD_OUT}
    assert {"en", "ja", "ko"} <= languages
    assert any(p.suffix == ".html" for p in HELD_OUT)
    assert not {p.name for p in HELD_OUT} & {p.name for p in ARTICLES}


@pytest.mark.parametrize("path", [*ARTICLES, *HELD_OUT],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_labels_have_the_contract_fields(path: Path) -> None:
    labels = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(labels) >= {"language", "pledging_country", "amounts", "companies", "sectors",
                           "us_locations", "status_signals", "matched_projects"}
    for a in labels["amounts"]:
        assert a["currency"] in CURRENCIES and (a["low"] or a["high"])
    assert set(labels["sectors"]) <= set(SECTORS)
    assert set(labels["us_locations"]) <= set(US_STATES)
    assert all(isinstance(i, int) for i in labels["matched_projects"])
    assert all(set(s) == {"project", "status"} for s in labels["status_signals"])
    assert all(a["low"] is None or a["high"] is None or Decimal(a["low"]) <= Decimal(a["high"])
               for a in labels["amounts"])
    assert isinstance(labels.get("outlet", ""), str) and "/" not in labels.get("outlet", "")


def test_every_round_has_the_readings_of_the_rules_before_it() -> None:
    """``tests/data/rounds/readings.json`` (``tools/round_readings.py``) holds each round's
    development articles as the rules before that round read them, once each, with what
    ``bench/fresh_rounds.py`` reads of them; a round added without its readings fails."""
    readings = json.loads((NEWS.parent / "rounds" / "readings.json").read_text("utf-8"))
    names = [r["name"] for r in readings]
    assert len(names) == len(set(names))
    rounds = [p.name for p in ARTICLES if p.name.startswith("dev") and p.name[3].isdigit()]
    assert sorted(names) == sorted(rounds)
    commits: dict[int, str] = {}
    for r in readings:
        assert r["name"].startswith(f"dev{r['round']}_")
        assert len(r["commit"]) == 40 and int(r["commit"], 16) >= 0
        assert commits.setdefault(r["round"], r["commit"]) == r["commit"]
        assert r["language"] in ("en", "ja", "ko")
        for s in r["statuses"]:
            assert {"project", "project_id", "status", "reported", "evidence",
                    "confidence"} <= set(s)
        for m in r["mentions"]:
            assert m["project_id"] is not None
            assert {"project", "evidence", "sentence", "confidence"} <= set(m)
    assert len(set(commits.values())) == len(commits) >= 7

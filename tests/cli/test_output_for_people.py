"""What the command line prints for people reads as written for people: amounts rounded to
a few significant digits with their currency, rates to six, shares as percentages, lists
and records as text; never a Python list, dict, ``None`` or a raw 12-digit amount."""

from __future__ import annotations

import re
from decimal import Decimal

from pledge.cli import render
from tests.clirunner import Cli

PYTHON_REPR = re.compile(r"\[\'|\{\'|\bNone\b|\bTrue\b|\bFalse\b")
RAW_AMOUNT = re.compile(r"(?<![\d,.])\d{10,}(?![\d,])")


def test_a_conversion_shows_a_rounded_amount_and_a_six_digit_rate(cli: Cli) -> None:
    code, out, _ = cli("money", "convert", "1 trillion yen", "--to", "USD", "--on", "2026-02-17")
    assert code == 0
    head, rate = out.split("(1 JPY = ")
    assert re.fullmatch(r"¥1tn ≈ US\$\d\.\d{3}bn\s+", head), head
    digits = rate.split(" USD")[0]
    assert len(digits.replace("0.", "", 1).lstrip("0")) <= 6, digits
    exact = cli.json("money", "convert", "1 trillion yen", "--to", "USD", "--on", "2026-02-17")
    assert len(str(exact["rate"]).replace(".", "").lstrip("0")) > 6  # the JSON stays exact


def test_an_exact_conversion_says_equals(cli: Cli) -> None:
    code, out, _ = cli("money", "convert", "US$1bn", "--to", "USD", "--on", "2026-02-17")
    assert code == 0 and out.startswith("US$1bn = US$1bn")


def test_a_parsed_range_names_open_bounds_and_groups_digits(cli: Cli) -> None:
    code, out, _ = cli("money", "parse", "up to $25bn")
    assert code == 0
    assert "low open" in out and "US$25,000,000,000.00" in out and "None" not in out


def test_a_framework_reads_as_text(cli: Cli) -> None:
    code, out, _ = cli("frameworks", "show", "japan")
    assert code == 0
    assert not PYTHON_REPR.search(out), PYTHON_REPR.search(out)
    values = "\n".join(line.split("│")[2] for line in out.splitlines()
                       if line.count("│") >= 4)  # the value column (sources hold addresses)
    assert not RAW_AMOUNT.search(values), RAW_AMOUNT.search(values)
    assert "US$550bn" in values and "50%" in values and "200 bp" in values


def test_a_projects_history_prints_its_audit_as_text(cli: Cli) -> None:
    code, out, _ = cli("history", "24")
    assert code == 0 and "Audit" in out
    assert not PYTHON_REPR.search(out), PYTHON_REPR.search(out)


def test_names_are_wrapped_never_cut(cli: Cli) -> None:
    code, out, _ = cli("prioritise", "--framework", "japan")
    assert code == 0
    text = " ".join(out.split())
    assert "Alaska LNG pipeline (named by Lutnick as expected IC proposa " not in text
    long_name = cli.json("projects", "show", "22")["name"]
    cells = " ".join(part.strip() for line in out.splitlines()
                     for part in line.split("│")[4:5])
    assert " ".join(long_name.split()) in " ".join(cells.split())


def test_words_agree_with_their_counts() -> None:
    assert render.plural(1, "proposal") == "1 proposal"
    assert render.plural(0, "proposal") == "0 proposals"
    assert render.plural(2, "entry", "entries") == "2 entries"


def test_settings_and_values_for_people() -> None:
    assert render.setting_text("commitment", "550000000000") == "US$550bn"
    assert render.setting_text("split.pre_partner_share", "0.5") == "50%"
    assert render.setting_text("tariff.autos_previous", "0.275") == "27.5%"
    assert render.setting_text("deemed_rate.spread_bps", "200") == "200 bp"
    assert render.setting_text("sectors", ["energy", "metals"]) == "energy, metals"
    assert render.setting_text("sectors_open", True) == "yes"
    parts = [{"key": "a", "label": "Fund", "amount": "2500000000", "mechanism": "fund"}]
    assert render.setting_text("components", parts) == "Fund: amount US$2.5bn, mechanism fund"
    assert render.value_text({"stage": "selected", "amount": None}) == "stage: selected\namount: "
    assert render.value_text(None) == "" and render.value_text(Decimal("1.5")) == "1.5"


def test_prioritise_says_in_words_why_the_sides_differ(cli: Cli) -> None:
    code, out, _ = cli("prioritise", "--framework", "japan")
    assert code == 0
    text = " ".join(out.replace("│", " ").split())
    assert "the US weighs it" in text and "vs Japan" in text
    # no "strategic +0.250" (Kendall's tau is a number of its own)
    assert not re.search(r"\b(?!tau\b)[a-z_]+ [+-]\d\.\d{3}\b", text)
    ranked = cli.json("prioritise", "--framework", "japan")["projects"]
    assert any(p["why"] for p in ranked)
    assert all(w.count("weighs it") == 1 for p in ranked for w in p["why"])

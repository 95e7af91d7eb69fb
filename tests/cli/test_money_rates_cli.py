"""``pledge money rates load`` and ``list``: a user's rates go in, are listed beside the
shipped ones and are what ``money convert`` uses; a refusal loads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clirunner import Cli, act_as

RATES = ("date,base,quote,rate,source,note\n"
         "2026-01-05,USD,GBP,0.85,https://example.org/ecb-0105,first\n"
         "2026-01-06,USD,GBP,0.86,https://example.org/ecb-0106,\n")


def _mine(cli: Cli) -> list[dict[str, str]]:
    return [r for r in cli.json("money", "rates", "list") if r["quote"] == "GBP"]


def test_loaded_rates_are_listed_and_used_by_convert(cli: Cli, tmp_path: Path) -> None:
    shipped = len(cli.json("money", "rates", "list"))
    code, _, err = cli("money", "convert", "US$2 million", "--to", "GBP", "--on", "2026-01-06")
    assert code == 2 and "fx.no_rate" in err

    path = tmp_path / "rates.csv"
    path.write_text(RATES, encoding="utf-8")
    loaded = cli.json("money", "rates", "load", str(path), "--idempotency-key", "eur-jan")
    assert loaded == {"loaded": 2, "idempotency_key": "eur-jan"}
    assert len(cli.json("money", "rates", "list")) == shipped + 2
    assert _mine(cli) == [
        {"date": "2026-01-05", "base": "USD", "quote": "GBP", "rate": "0.85",
         "source": "https://example.org/ecb-0105", "note": "first"},
        {"date": "2026-01-06", "base": "USD", "quote": "GBP", "rate": "0.86",
         "source": "https://example.org/ecb-0106", "note": ""}]

    conv = cli.json("money", "convert", "US$2 million", "--to", "GBP", "--on", "2026-01-09")
    assert (conv["low"], conv["high"], conv["currency"]) == ("1720000.00", "1720000.00", "GBP")
    assert (conv["rate"], conv["rate_date"], conv["rate_age_days"]) == ("0.86", "2026-01-06", 3)
    assert conv["source"] == "https://example.org/ecb-0106"

    # the same key again changes nothing and answers the first result
    again = cli.json("money", "rates", "load", str(path), "--idempotency-key", "eur-jan")
    assert again == loaded and len(_mine(cli)) == 2
    code, out, _ = cli("money", "rates", "list")
    assert code == 0 and f"{shipped + 2} rates" in out and "USD/GBP" in out


def test_the_plain_output_says_how_many(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(RATES, encoding="utf-8")
    code, out, err = cli("money", "rates", "load", str(path))
    assert (code, out.strip()) == (0, "loaded 2 rates"), err


def test_only_an_admin_loads_rates(cli: Cli, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(RATES, encoding="utf-8")
    act_as(cli, monkeypatch, "ana", "analyst")
    code, out, err = cli("money", "rates", "load", str(path))
    assert code == 2 and out == ""
    assert "[auth.forbidden]" in err
    assert _mine(cli) == []


def test_a_bad_file_names_each_bad_cell_and_loads_nothing(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(RATES + "2026-13-01,USD,GBP,zero,https://example.org/x,\n",
                    encoding="utf-8")
    code, out, err = cli("money", "rates", "load", str(path))
    assert code == 2 and out == ""
    assert err == ("error: row 4 column date=2026-13-01: is not a calendar date [fx.bad_date]; "
                   "row 4 column rate=zero: must be a number [fx.bad_rate]\n")
    assert _mine(cli) == []

    code, _, err = cli("money", "rates", "load", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err and "[input.unreadable]" in err


def test_plain_parse_and_convert_and_a_stale_rate_warning(cli: Cli) -> None:
    code, out, _ = cli("money", "parse", "6 to 7 trillion yen")
    assert code == 0 and "(low ¥6,000,000,000,000, high ¥7,000,000,000,000)" in out
    # the last shipped yen rate is 150.68 on 2026-03-15; 2026-12-31 is 291 days later
    code, out, err = cli("money", "convert", "US$1 million", "--to", "JPY", "--on",
                         "2026-12-31")
    assert code == 0 and "1 USD = 150.68 JPY on 2026-03-15" in out
    assert err.strip() == ("warning: the latest rate on or before 2026-12-31 is 291 days old "
                           "(2026-03-15)")
    code, _, err = cli("money", "convert", "US$1 million", "--to", "JPY", "--on", "2026-03-20")
    assert code == 0 and err == ""

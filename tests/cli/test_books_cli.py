"""`pledge statement` and `pledge distribute`: the books from the command line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.clirunner import Cli
from tests.services.test_capital import COPPER, counts, fund_copper

D = Decimal
KEYS = {"project", "on", "amount", "partner", "us", "balance_before", "balance_after", "phase"}


@pytest.fixture
def cli_on(sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> Cli:
    fund_copper(sqlite_engine)
    return Cli(sqlite_engine.url.render_as_string(hide_password=False), capsys)


def test_distribute_splits_by_the_rule_and_says_how(cli_on: Cli, sqlite_engine: Engine) -> None:
    cli = cli_on
    owed = D(cli.json("statement", str(COPPER), "--as-of", "2026-09-01")["balance"])
    doc = cli.json("distribute", str(COPPER), "--amount", "100m", "--on", "2026-09-01",
                   "--idempotency-key", "q3-2026")
    assert set(doc) == KEYS | {"idempotency_key"}
    assert (doc["project"], doc["on"], doc["amount"], doc["partner"], doc["us"],
            doc["phase"]) == (COPPER, "2026-09-01", "100000000.00", "50000000.00",
                              "50000000.00", "pre_recovery")
    assert (D(doc["balance_before"]), D(doc["balance_after"])) == (owed, owed - 50_000_000)
    # the same key again changes nothing and answers the same
    before = counts(sqlite_engine)
    again = cli.json("distribute", str(COPPER), "--amount", "100m", "--on", "2026-09-01",
                     "--idempotency-key", "q3-2026")
    assert again == doc and counts(sqlite_engine) == before
    # a split that is not the rule's is refused with the rule's, and nothing is written
    code, out, err = cli("distribute", str(COPPER), "--partner", "10m", "--us", "90m",
                         "--on", "2026-10-01")
    assert code == 2 and out == ""
    assert "[distribution.split_mismatch]" in err
    assert "as partner 50000000.00 / us 50000000.00" in err
    assert counts(sqlite_engine) == before
    # the rule's split in the old form is accepted
    ok = cli.json("distribute", str(COPPER), "--partner", "50m", "--us", "50m", "--on",
                  "2026-10-01")
    assert (ok["partner"], ok["us"], ok["amount"]) == ("50000000.00", "50000000.00",
                                                      "100000000.00")
    # one cent that does not split evenly: partner + us is the amount, exactly
    odd = cli.json("distribute", str(COPPER), "--amount", "1.91", "--on", "2026-11-01")
    assert (odd["partner"], odd["us"]) == ("0.96", "0.95")


def test_the_statement_in_json_text_and_xlsx(cli_on: Cli, tmp_path: Path) -> None:
    cli = cli_on
    big = cli.json("distribute", str(COPPER), "--amount", "US$5bn", "--on", "2028-06-01")
    assert big["phase"] == "crossing" and big["balance_after"] == "0.00"
    st = cli.json("statement", str(COPPER), "--as-of", "2029-01-01")
    assert {"project", "as_of", "contributed", "deemed_interest", "partner_distributions",
            "us_distributions", "balance", "recouped_on", "partner_irr",
            "partner_moic"} <= set(st)
    assert (st["project"], st["as_of"], st["contributed"], st["balance"], st["recouped_on"]) == (
        COPPER, "2029-01-01", "1200000000.00", "0.00", "2028-06-01")
    assert st["contributions_by_instrument"] == {"equity": "200000000.00",
                                                 "loan": "1000000000.00"}
    assert [(c["on"], c["instrument"], c["amount"]) for c in st["contributions"]] == [
        ("2026-06-01", "loan", "1000000000.00"), ("2026-06-03", "equity", "200000000.00")]
    assert st["guarantees_not_cash"] == [{"on": "2026-06-02", "provider": "NEXI",
                                          "amount": "250000000.00"}]
    assert (st["partner_distributions"], st["us_distributions"]) == (big["partner"], big["us"])
    assert isinstance(st["partner_irr"], float) and st["partner_irr"] > 0.06
    assert st["partner_moic"] == pytest.approx(float(D(big["partner"]) / D("1200000000")),
                                               abs=1e-6)
    code, out, err = cli("statement", str(COPPER), "--as-of", "2029-01-01", "--xlsx",
                         str(tmp_path / "statement.xlsx"))
    assert code == 0, err
    assert "recouped" in out and "on 2028-06-01" in out and "act/365" in out
    assert (tmp_path / "statement.xlsx").stat().st_size > 1000
    code, _, err = cli("statement", "99999", "--json")
    assert code == 2 and "project" in err

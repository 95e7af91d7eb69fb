"""Bulk open data: every project in one OC4IDS project package, valid against the
official OC4IDS 0.9.5 schemas and codelists shipped with pledge (nothing fetched)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.exports.oc4ids import json_amount
from pledge.exports.oc4ids_package import codelist_extensions, schema_errors
from pledge.services import exports, projects
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.clirunner import Cli

IC = Actor.of("Investment Committee", "ic")


def test_the_default_data_make_a_valid_package(engine: Engine) -> None:
    package = exports.oc4ids_package(engine, "japan")
    assert schema_errors(package) == []
    assert package["version"] == "0.9" and package["uri"] == "urn:pledge:oc4ids:japan"
    ids = [p["id"] for p in package["projects"]]
    assert len(ids) == len(set(ids)) >= 30
    # money is a JSON number, as the standard asks, and keeps the estimate exactly
    ohio = next(p for p in package["projects"] if p["id"] == "oc4ids-pledge-24")
    assert ohio["budget"]["amount"] == {"amount": 33300000000, "currency": "USD"}
    # pledge's own codes of open codelists are named, the standard's are not
    extra = codelist_extensions(package)
    assert "costEstimate" in extra["documents/documentType"]
    assert "minutes" not in extra.get("documents/documentType", [])


def test_the_demo_data_make_a_valid_package(demo_url: str) -> None:
    engine = create_engine(demo_url)
    try:
        package = exports.oc4ids_package(engine)
        assert schema_errors(package) == []
        moved = [tx for p in package["projects"] for tx in p.get("transactions", [])]
        assert moved, "the demo history moves money"
        assert all(isinstance(tx["value"]["amount"], int | float) for tx in moved)
    finally:
        engine.dispose()


def test_an_invalid_package_is_named_field_by_field(engine: Engine) -> None:
    package = exports.oc4ids_package(engine, "japan")
    package["projects"][0]["budget"]["amount"]["amount"] = "1000.00"
    package["projects"][1]["status"] = "dreaming"
    errors = schema_errors(package)
    assert any(e.startswith("projects/0/budget/amount/amount: '1000.00' is not of type")
               for e in errors), errors
    assert any(e.startswith("projects/1/status: 'dreaming'") for e in errors), errors
    del package["publishedDate"]
    assert any("'publishedDate' is a required property" in e for e in schema_errors(package))


def test_published_date_is_the_last_change(engine: Engine) -> None:
    before = exports.oc4ids_package(engine, "japan")["publishedDate"]
    projects.advance(engine, 27, "withdrawn", IC, date(2026, 4, 10), "sponsor pulled out")
    after = exports.oc4ids_package(engine, "japan")["publishedDate"]
    assert after >= before
    withdrawn = next(p for p in exports.oc4ids_package(engine, "japan")["projects"]
                     if p["id"] == "oc4ids-pledge-27")
    assert withdrawn["status"] == "cancelled"


@pytest.mark.parametrize(("text", "number"), [
    ("2000000000.00", 2000000000), ("1000000000.05", 1000000000.05),
    ("9999999999999.99", 9999999999999.99), ("-416666666.62", -416666666.62),
    ("1500000000000000", 1500000000000000)])
def test_money_as_a_json_number_keeps_the_decimal(text: str, number: float) -> None:
    value = json_amount(Decimal(text))
    assert value == number and type(value) is type(number)
    assert Decimal(json.dumps(value)) == Decimal(text)


def test_money_a_json_number_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="more digits"):
        json_amount(Decimal("12345678901234567.01"))


def test_export_oc4ids_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "japan.json"
    code, stdout, err = cli("export", "oc4ids", "--framework", "japan", "--out", str(out))
    assert code == 0, err
    package = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(package) == [] and len(package["projects"]) >= 30
    assert "uses codes of pledge's own" in err and stdout == ""
    code, stdout, err = cli("export", "oc4ids", "--framework", "mars")
    assert code != 0 and stdout == "" and "mars" in err


def test_the_package_over_the_api(sqlite_engine: Engine) -> None:
    token = add_user(sqlite_engine, "reader", Role.ANALYST.value,
                     Actor("setup", Role.ADMIN)).token
    with TestClient(create_app(str(sqlite_engine.url))) as client:
        assert client.get("/api/v1/public/oc4ids.json").status_code == 401
        response = client.get("/api/v1/public/oc4ids.json?framework=japan",
                              headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    package = response.json()
    assert schema_errors(package) == []
    assert package["uri"].endswith("/api/v1/public/oc4ids.json?framework=japan")


@pytest.mark.parametrize(("option", "value", "rule"), [
    ("--uri", "javascript:alert(1)", "source.bad_uri"),
    ("--uri", "file:///etc/passwd", "source.bad_uri"),
    ("--publisher", "pledge\u202eevil", "text.bad_character"),
    ("--publisher", "x" * 201, "text.too_long"),
])
def test_the_package_s_own_names_are_checked(cli: Cli, option: str, value: str,
                                             rule: str) -> None:
    code, out, err = cli("export", "oc4ids", "--framework", "japan", option, value)
    assert code == 2 and out == "" and f"[{rule}]" in err
    code, out, err = cli("export", "oc4ids", "--framework", "japan", "--uri",
                         "https://data.example.org/japan.json", "--publisher", "A newsroom")
    assert code == 0, err
    package = json.loads(out)
    assert (package["uri"], package["publisher"]["name"]) == (
        "https://data.example.org/japan.json", "A newsroom")

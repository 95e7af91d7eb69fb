"""One model per resource: the CLI's ``--json`` and the API's answer for the same object
are the same document (same keys, same values), written by the model in ``pledge.models``;
and ``/openapi.json`` describes every 2xx answer of the routers converted to models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.models import Page, Rows, keys_of
from pledge.models import audit as audit_m
from pledge.models import books as books_m
from pledge.models import frameworks as fw_m
from pledge.models import projects as projects_m
from pledge.models import users as users_m
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.clirunner import Cli
from tests.services.test_capital import COPPER, fund_copper

ADMIN = Actor("setup", Role.ADMIN)
AS_OF = "2027-01-04"
FUNDER_HEADERS: dict[str, str] = {}  # a funder's token for the API, set by the fixture


@pytest.fixture
def both(sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
         ) -> Iterator[tuple[Cli, TestClient]]:
    """The CLI and the API on one database holding a funded project (loan, guarantee and
    equity), as an administrator on the API side."""
    fund_copper(sqlite_engine)
    token = add_user(sqlite_engine, "shapes_admin", "admin", ADMIN).token
    FUNDER_HEADERS["Authorization"] = "Bearer " + add_user(
        sqlite_engine, "shapes_funder", "funder", ADMIN).token
    app = create_app(str(sqlite_engine.url))
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield Cli(sqlite_engine.url.render_as_string(hide_password=False), capsys), client


def api_json(client: TestClient, path: str) -> Any:
    r = client.get(f"/api/v1{path}")
    assert r.status_code == 200, r.text
    return r.json()


def written_by(model: type[BaseModel], doc: dict[str, Any]) -> None:
    """``doc`` is exactly what ``model`` writes: its keys (a key written only when set may
    be absent), and reading it back writes it unchanged."""
    optional = {n for n, f in model.model_fields.items() if not f.is_required()}
    assert set(keys_of(model)) - optional <= set(doc) <= set(keys_of(model))
    assert model.model_validate(doc).model_dump(mode="json", exclude_unset=True) == doc


# (CLI arguments, API path, the model, where the API's list keeps its rows)
SAME: list[tuple[list[str], str, type[BaseModel], bool]] = [
    (["projects", "show", str(COPPER)], f"/projects/{COPPER}", projects_m.ProjectDetail,
     False),
    (["projects", "list"], "/projects?limit=500", projects_m.ProjectSummary, True),
    (["history", str(COPPER)], f"/projects/{COPPER}/history", projects_m.History, False),
    (["projects", "links", "24", "--withdrawn"], "/projects/24/links?withdrawn=true",
     projects_m.Link, True),
    (["frameworks", "list"], "/frameworks", fw_m.FrameworkSummary, True),
    (["frameworks", "show", "japan"], "/frameworks/japan", fw_m.FrameworkDocument, False),
    (["commitments", "--framework", "japan", "--on", AS_OF],
     f"/frameworks/japan/commitments?on={AS_OF}", fw_m.Commitments, False),
    (["balances", "--framework", "japan"], "/frameworks/japan/ledger", fw_m.Balance, True),
    (["balances", "--framework", "japan", "--by", "project"],
     "/frameworks/japan/ledger?by=project", fw_m.Balance, True),
    (["balances", "--framework", "japan", "--by", "provider"],
     "/frameworks/japan/ledger?by=provider", fw_m.Balance, True),
    (["deadlines", "--framework", "japan", "--on", AS_OF],
     f"/deadlines?framework=japan&on={AS_OF}", fw_m.ProjectDeadline, True),
    (["deadline", "--framework", "japan", "--notice", "2026-02-17"],
     "/frameworks/japan/deadline?notice=2026-02-17", fw_m.Deadline, False),
    (["statement", str(COPPER), "--as-of", AS_OF],
     f"/projects/{COPPER}/statement?as_of={AS_OF}", books_m.Statement, False),
]


@pytest.mark.parametrize(("args", "path", "model", "listed"), SAME,
                         ids=[" ".join(s[0][:2]) + (f" {s[0][-1]}" if len(s[0]) > 3 else "")
                              for s in SAME])
def test_the_cli_and_the_api_write_the_same_document(
        both: tuple[Cli, TestClient], args: list[str], path: str, model: type[BaseModel],
        listed: bool) -> None:
    cli, client = both
    from_cli, from_api = cli.json(*args), api_json(client, path)
    if listed:  # the CLI prints the bare rows, the API a page of them
        assert isinstance(from_cli, list) and from_cli, "no rows to compare"
        assert from_api["data"] == from_cli and from_api["count"] == len(from_cli)
        for row in from_cli:
            written_by(model, row)
    else:
        assert from_cli == from_api
        written_by(model, from_cli)


def test_the_project_list_is_a_page_on_the_api_and_a_bare_list_on_the_cli(
        both: tuple[Cli, TestClient]) -> None:
    cli, client = both
    page = api_json(client, "/projects?limit=2&offset=1")
    assert set(page) == set(keys_of(Page[projects_m.ProjectSummary]))
    assert (page["limit"], page["offset"]) == (2, 1)
    assert page["data"] == cli.json("projects", "list")[1:3]
    assert page["count"] == len(cli.json("projects", "list"))


def test_a_funded_project_shows_each_part_of_its_money(both: tuple[Cli, TestClient]) -> None:
    cli, _ = both
    doc = cli.json("projects", "show", str(COPPER))
    assert [(f["instrument"], f["amount"], f["contingent"]) for f in doc["funding"]] == [
        ("equity", "200000000.00", False), ("loan", "1000000000.00", False),
        ("guarantee", "250000000.00", True)]
    assert doc["allocation"]["funded"] == "1450000000.00"  # the guarantee draws on it too
    assert [t["to_stage"] for t in doc["transitions"]][-1] == "funded"


def test_commitments_on_the_api_gain_the_cli_keys(both: tuple[Cli, TestClient]) -> None:
    _, client = both
    doc = api_json(client, f"/frameworks/japan/commitments?on={AS_OF}")
    assert doc["by_project"][str(COPPER)] == "1200000000.00"
    assert {"label", "mechanism", "used_this_year"} <= set(doc["components"][0])


def test_deadlines_on_the_api_gain_the_cli_keys(both: tuple[Cli, TestClient]) -> None:
    _, client = both
    rows = api_json(client, f"/deadlines?framework=japan&on={AS_OF}")["data"]
    assert rows and all({"clock_start", "extension_until"} <= set(r) for r in rows)


def test_the_ledger_names_only_the_group_asked_for(both: tuple[Cli, TestClient]) -> None:
    cli, _ = both
    assert {tuple(sorted(r)) for r in cli.json("balances", "--framework", "japan")} == {
        ("account", "balance")}
    assert {tuple(sorted(r)) for r in cli.json("balances", "--framework", "japan", "--by",
                                               "instrument")} == {
        ("account", "balance", "instrument")}


def test_a_change_answers_the_model_on_both_sides_and_again_when_replayed(
        both: tuple[Cli, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, client = both
    monkeypatch.setenv("PLEDGE_TOKEN", FUNDER_HEADERS["Authorization"].removeprefix("Bearer "))
    from_cli = cli.json("--user", "shapes_funder", "fund", str(COPPER), "--amount", "US$10m",
                        "--on", "2026-06-04", "--instrument", "equity", "--provider", "JBIC",
                        "--idempotency-key", "shape-1")
    key = from_cli.pop("idempotency_key")
    assert key == "shape-1"
    written_by(projects_m.Funding, from_cli)
    body = {"amount": "US$5m", "on": "2026-06-05", "instrument": "equity", "provider": "JBIC"}
    headers = {"Idempotency-Key": "shape-2", **FUNDER_HEADERS}
    first = client.post(f"/api/v1/projects/{COPPER}/fundings", json=body, headers=headers)
    again = client.post(f"/api/v1/projects/{COPPER}/fundings", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == again.json()
    assert set(first.json()) == set(from_cli)
    written_by(projects_m.Funding, first.json())
    # a project's change answers the project's document, the same on replay, and it is
    # what the CLI shows of the project afterwards
    body = {"amount": "US$2.2bn", "source": "https://example.org/estimate", "on": "2026-06-06"}
    headers = {"Idempotency-Key": "shape-3"}
    first = client.post(f"/api/v1/projects/{COPPER}/estimates", json=body, headers=headers)
    again = client.post(f"/api/v1/projects/{COPPER}/estimates", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json() == again.json() == cli.json("--user", "shapes_funder", "projects",
                                                     "show", str(COPPER))
    assert first.json()["estimates"][-1]["text"] == "US$2.2bn"


def test_audit_verification_is_one_shape(both: tuple[Cli, TestClient]) -> None:
    cli, client = both
    from_cli, from_api = cli.json("audit", "verify"), api_json(client, "/audit/verify")
    del from_cli["checked_at"], from_api["checked_at"]
    assert from_cli == from_api and from_cli["ok"] is True
    written_by(audit_m.Verification, {**from_api, "checked_at": "2027-01-04T00:00:00+00:00"})


def test_user_documents_are_written_by_their_models(cli: Cli) -> None:
    added = cli.json("users", "add", "shape_user", "--role", "analyst", "--password")
    written_by(users_m.NewUser, added)
    assert "password" in added
    plain = cli.json("users", "add", "shape_user2", "--role", "analyst")
    assert "password" not in plain
    written_by(users_m.NewUser, plain)
    for row in cli.json("users", "list"):
        written_by(users_m.User, row)
    written_by(users_m.NewToken, cli.json("users", "rotate-token", "shape_user"))
    written_by(users_m.WhoAmI, cli.json("whoami"))


# The routers whose answers are models (the others are being converted).
CONVERTED = {"projects", "frameworks", "books", "audit"}


def _operations(client: TestClient) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, answer in op.get("responses", {}).items():
                if status.startswith("2"):
                    tags = set(op.get("tags", []))
                    yield f"{method.upper()} {path} {status}", ",".join(sorted(tags)), \
                        status, answer


def _describes(schema: dict[str, Any] | None) -> bool:
    """A schema that says what the answer holds: a model, an object with its properties, a
    list of such, one of several, or a scalar; a free-form object says nothing."""
    if not schema:
        return False
    if "$ref" in schema or schema.get("properties"):
        return True
    if "anyOf" in schema or "oneOf" in schema:
        return all(_describes(s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    if schema.get("type") == "array":
        return _describes(schema.get("items"))
    return schema.get("type") not in (None, "object")


def _lacking(client: TestClient, only: set[str] | None) -> list[str]:
    """The 2xx answers (of the operations tagged ``only``, or all) without a schema that
    describes them."""
    out = []
    for name, tags, _status, answer in _operations(client):
        if only is not None and not set(tags.split(",")) & only:
            continue
        schemas = [c.get("schema") for c in answer.get("content", {}).values()]
        if not schemas or not all(_describes(s) for s in schemas):
            out.append(name)
    return out


def test_every_answer_of_the_converted_routers_has_a_schema(
        both: tuple[Cli, TestClient]) -> None:
    _, client = both
    assert _lacking(client, CONVERTED) == []


def test_every_answer_of_every_operation_has_a_schema(both: tuple[Cli, TestClient]) -> None:
    _, client = both
    assert _lacking(client, None) == []


def test_a_list_model_is_the_rows_and_their_count() -> None:
    assert keys_of(Rows[fw_m.FrameworkSummary]) == ["data", "count"]
    assert keys_of(fw_m.Ledger) == ["data", "count", "ledger_balanced"]

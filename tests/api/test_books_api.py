"""The books through the API: a project's statement, distributions split by the rule."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.services.test_capital import COPPER, counts, fund_copper

ADMIN = Actor("setup", Role.ADMIN)
Api = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[Api]:
    fund_copper(sqlite_engine)
    tokens = {role: {"Authorization": "Bearer " + add_user(
        sqlite_engine, f"u_{role}", role, ADMIN).token} for role in ("ic", "analyst", "funder")}
    with TestClient(create_app(str(sqlite_engine.url))) as client:
        yield client, tokens


def test_distributions_and_the_statement(api: Api, sqlite_engine: Engine) -> None:
    client, tokens = api
    path = f"/api/v1/projects/{COPPER}"
    keyed = {**tokens["ic"], "Idempotency-Key": "copper-q3"}
    first = client.post(f"{path}/distributions", headers=keyed,
                        json={"on": "2026-09-01", "amount": "US$100m"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"project", "on", "amount", "partner", "us", "balance_before",
                         "balance_after", "phase"}
    assert (body["partner"], body["us"], body["phase"]) == ("50000000.00", "50000000.00",
                                                            "pre_recovery")
    written = counts(sqlite_engine)
    again = client.post(f"{path}/distributions", headers=keyed,
                        json={"on": "2026-09-01", "amount": "US$100m"})
    assert again.json() == body and again.headers["Idempotent-Replayed"] == "true"
    refused = client.post(f"{path}/distributions", headers=tokens["ic"],
                          json={"on": "2026-10-01", "partner": "10000000", "us": "90000000"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "distribution.split_mismatch"
    assert "partner 50000000.00 / us 50000000.00" in refused.json()["error"]["message"]
    assert counts(sqlite_engine) == written
    assert client.post(f"{path}/distributions", headers=tokens["funder"],
                       json={"on": "2026-10-01", "amount": "1"}).status_code == 403
    st = client.get(f"{path}/statement", params={"as_of": "2026-12-31"},
                    headers=tokens["analyst"])
    assert st.status_code == 200
    doc = st.json()
    assert (doc["project"], doc["as_of"], doc["partner_distributions"],
            doc["us_distributions"]) == (COPPER, "2026-12-31", "50000000.00", "50000000.00")
    assert Decimal(doc["balance"]) > Decimal(body["balance_after"])   # interest since
    assert doc["recouped_on"] is None
    assert doc["partner_irr"] is None or isinstance(doc["partner_irr"], float)

"""Each rendered form carries a one-time key: a form submitted twice is applied once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.store.db import make_engine
from tests.web.test_pages import log_in

FUND_FORM = re.compile(r'<form[^>]*data-testid="form-fund".*?</form>', re.DOTALL)
FIELD = r'name="{}" value="([^"]+)"'


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_a_fund_form_sent_twice_funds_once(client: TestClient, demo_url: str) -> None:
    engine = make_engine(demo_url)
    on = date(2026, 4, 6)
    projects.consult(engine, 32, "committee", Actor.of("cc", "cc_jp"), on)
    projects.advance(engine, 32, "recommended", Actor.of("ic", "ic"), on, "ready")
    projects.advance(engine, 32, "selected", Actor.of("potus", "president"), on, "chosen")
    projects.advance(engine, 32, "notified", Actor.of("ic", "ic"), on, "notice sent")
    before = funding.commitments(engine, "japan").by_project.get(32, Decimal(0))
    log_in(client, Role.FUNDER)
    page = client.get("/projects/32").text
    form = FUND_FORM.search(page)
    assert form, "the funder sees the fund form"
    fields = {name: re.search(FIELD.format(name), form.group(0)) for name in (
        "csrf_token", "idempotency_key")}
    assert all(fields.values()), fields
    data = {"amount": "US$1bn", "on": "2026-05-01", "instrument": "loan",
            "provider": "JBIC", **{k: m.group(1) for k, m in fields.items() if m}}
    first = client.post("/projects/32/fund", data=data)
    second = client.post("/projects/32/fund", data=data)
    assert "Funded US$1bn by loan from JBIC." in first.text
    assert "Already done: Funded US$1bn by loan from JBIC." in second.text
    after = funding.commitments(engine, "japan").by_project[32]
    assert after - before == Decimal("1000000000.00")
    # Each rendering gives each form a new key.
    again = FUND_FORM.search(client.get("/projects/32").text)
    fresh = re.search(FIELD.format("idempotency_key"), again.group(0)) if again else None
    assert fresh and fresh.group(1) != data["idempotency_key"]

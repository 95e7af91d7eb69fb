"""The project page's allocation under the cap, its allocate form (the investment
committee's) and the guarantee-call form (the partner's funder's)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import projects
from pledge.store.db import make_engine
from tests.web.test_pages import csrf, log_in


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def _post(client: TestClient, pid: int, form: str, **data: str) -> str:
    r = client.post(f"/projects/{pid}/{form}",
                    data={**data, "csrf_token": csrf(client, f"/projects/{pid}")})
    assert r.status_code == 200
    page: str = r.text
    return page


def _flash(page: str) -> str:
    m = re.search(r'data-testid="flash"[^>]*>(.*?)</', page, re.S)
    assert m, "no message on the page"
    return html.unescape(m.group(1)).strip()


def _allocation(engine: Engine, pid: int) -> dict[str, Decimal]:
    a = projects.show_project(engine, pid).allocation
    assert a is not None
    return {k: a[k] for k in ("amount", "funded", "available")}


@pytest.mark.parametrize(("role", "allocate", "call"), [
    (Role.IC, True, False), (Role.FUNDER, False, True), (Role.ADMIN, False, False),
    (Role.ANALYST, False, False), (Role.CC_JP, False, False)])
def test_each_form_is_shown_to_the_role_that_may_use_it(client: TestClient, role: Role,
                                                        allocate: bool, call: bool) -> None:
    log_in(client, role)
    page = client.get("/projects/25").text  # funded: a loan and a NEXI guarantee
    assert ('data-testid="form-allocate"' in page) is allocate
    assert ('data-testid="form-guarantee-call"' in page) is call


def test_the_page_shows_the_allocation_and_a_guarantee_as_contingent(client: TestClient,
                                                                     demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/projects/25").text
    a = _allocation(make_engine(demo_url), 25)
    shown = html.unescape(re.search(r'data-testid="allocation">(.*?)</p>', page, re.S)
                          .group(1))  # type: ignore[union-attr]  # the page has the figure (else this fails)
    assert shown.startswith("Allocated under the cap: <strong>US$2.1bn</strong>")
    # the loan (US$1.2bn) and the guarantee (US$0.9bn) are both drawn on the allocation
    assert a["funded"] == Decimal("2100000000.00")
    assert "(contingent: not cash)" in page
    # the cash total leaves the guarantee out
    total = re.search(r'cash total</td><td class="num">([^<]*)<', page)
    assert total and html.unescape(total.group(1)) == "US$1.2bn"


def test_the_committee_changes_an_allocation_and_a_refusal_changes_nothing(
        client: TestClient, demo_url: str) -> None:
    engine = make_engine(demo_url)
    log_in(client, Role.IC)
    before = _allocation(engine, 25)
    refused = _post(client, 25, "allocate", amount="US$1bn", reason="smaller", on="2026-12-01")
    assert _flash(refused) == (
        "project 25 (Texas GulfLink deepwater crude oil export terminal) has drawn US$2.1bn "
        "of its allocation; it cannot fall below that (amount: 1000000000.00)")
    assert _allocation(engine, 25) == before
    no_reason = _post(client, 25, "allocate", amount="US$3bn", reason="", on="2026-12-01")
    assert _allocation(engine, 25) == before
    assert _flash(no_reason) == "say why the allocation changes (reason: )"
    page = _post(client, 25, "allocate", amount="US$3bn", reason="a second phase",
                 on="2026-12-01")
    assert _flash(page).startswith("Allocation set to US$3,000,000,000.00 (was "
                                   "US$2,100,000,000.00; funded US$2,100,000,000.00)")
    assert _allocation(engine, 25) == {"amount": Decimal("3000000000.00"),
                                       "funded": Decimal("2100000000.00"),
                                       "available": Decimal("900000000.00")}


def test_the_funder_calls_a_guarantee_and_cannot_call_more_than_is_outstanding(
        client: TestClient, demo_url: str) -> None:
    engine = make_engine(demo_url)
    log_in(client, Role.FUNDER)
    too_much = _post(client, 25, "guarantee-call", amount="US$1bn", on="2026-12-01")
    assert _flash(too_much) == (
        "project 25 (Texas GulfLink deepwater crude oil export terminal) has US$900m of "
        "guarantees from NEXI outstanding; no more can be called (amount: 1000000000.00)")
    cash = [f for f in projects.show_project(engine, 25).funding if not f.get("contingent")]
    assert sum(f["amount"] for f in cash) == Decimal("1200000000.00")
    page = _post(client, 25, "guarantee-call", amount="US$100m", on="2026-12-01")
    assert _flash(page) == ("US$100,000,000.00 of NEXI's guarantee called and disbursed; "
                            "US$800,000,000.00 still guaranteed.")
    cash = [f for f in projects.show_project(engine, 25).funding if not f.get("contingent")]
    assert sum(f["amount"] for f in cash) == Decimal("1300000000.00")

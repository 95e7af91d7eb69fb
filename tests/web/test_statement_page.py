"""The project page's statement (the partner's capital account) and its distribute form."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.access import MATRIX, Action
from pledge.domain.lifecycle import Role
from pledge.services import capital
from pledge.store.db import make_engine
from tests.web.test_pages import csrf, log_in

CENT = Decimal("0.01")


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def dollars(value: Decimal) -> str:
    """US dollars to the cent as the statement writes them, written out here."""
    whole, cents = f"{value:.2f}".split(".")
    return f"US${int(whole):,}.{cents}"


def figure(page: str, testid: str) -> str:
    m = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    assert m, f"no {testid} on the page"
    return html.unescape(m.group(1))


def grown(balance: Decimal, days: int) -> Decimal:
    """``balance`` after ``days`` at 6% a year compound, act/365, booked in whole cents."""
    with localcontext() as ctx:
        ctx.prec = 40
        value = balance * (Decimal("1.06") ** (Decimal(days) / Decimal(365)))
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def test_the_statement_shows_the_demo_projects_account_to_the_cent(client: TestClient,
                                                                   demo_url: str) -> None:
    """Project 26: US$600m of equity on 2026-03-30, then 200m, 300m, 1bn and 100m paid out
    (see the demo). The figures are worked out here from the rule, and the page must
    show them (and agree with the service's statement)."""
    log_in(client, Role.ANALYST)
    page = client.get("/projects/26").text
    assert 'data-testid="statement"' in page and 'id="figure-capital"' in page
    assert 'href="#statement"' in page
    # by hand: 50/50 until recovered, then 10% to the partner, interest at 6% compound
    b1 = grown(Decimal(600_000_000), (date(2026, 6, 30) - date(2026, 3, 30)).days)
    after1 = b1 - 100_000_000
    b2 = grown(after1, (date(2026, 8, 31) - date(2026, 6, 30)).days)
    after2 = b2 - 150_000_000
    b3 = grown(after2, (date(2026, 10, 30) - date(2026, 8, 31)).days)
    crossing_partner = (b3 + (Decimal(1_000_000_000) - 2 * b3) * Decimal("0.1")
                        ).quantize(CENT, rounding=ROUND_HALF_EVEN)
    partner = 100_000_000 + 150_000_000 + crossing_partner + 10_000_000
    interest = b3 - after2 + b2 - after1 + b1 - 600_000_000
    assert figure(page, "st-contributed") == dollars(Decimal(600_000_000))
    assert figure(page, "st-by-equity") == dollars(Decimal(600_000_000))
    assert figure(page, "st-interest") == dollars(interest)
    assert figure(page, "st-partner") == dollars(partner)
    assert figure(page, "st-us") == dollars(Decimal(1_600_000_000) - partner)
    assert figure(page, "st-balance") == "US$0.00"
    assert figure(page, "st-recouped") == "yes, on 2026-10-30"
    assert "crossing" in page and dollars(crossing_partner) in page
    st = capital.statement(make_engine(demo_url), 26)
    assert st.account.partner_distributions == partner
    assert st.account.deemed_interest == interest
    assert st.account.partner_irr is not None
    assert figure(page, "st-irr") == f"{st.account.partner_irr * 100:.2f}%"
    assert figure(page, "st-moic") == f"{float(partner / 600_000_000):.2f}×"
    convention = figure(page, "st-convention")
    assert "compound" in convention and "act/365" in convention and "50%" in convention


def test_no_statement_before_any_cash(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/projects/24").text  # notified, allocated, nothing funded
    assert 'data-testid="statement"' not in page and 'id="figure-capital"' not in page
    assert 'href="#statement"' not in page


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_distribute_form_is_shown_only_to_who_may_distribute(client: TestClient,
                                                                 role: Role) -> None:
    log_in(client, role)
    funded = client.get("/projects/26").text
    assert ('data-testid="form-distribute"' in funded) == (role in MATRIX[Action.LEDGER_EDIT])
    notified = client.get("/projects/24").text  # not funded: nothing to distribute
    assert 'data-testid="form-distribute"' not in notified


def _post(client: TestClient, pid: int, **data: str) -> str:
    r = client.post(f"/projects/{pid}/distribute",
                    data={**data, "csrf_token": csrf(client, f"/projects/{pid}")})
    assert r.status_code == 200
    page: str = r.text
    return page


def test_a_posted_distribution_is_split_by_the_rule(client: TestClient, demo_url: str
                                                    ) -> None:
    engine = make_engine(demo_url)
    log_in(client, Role.IC)
    # Project 25: US$1.2bn loan on 2026-03-20 (the NEXI guarantee is not cash); nothing
    # recovered, so the partner gets half, and the balance falls by it.
    owed = grown(Decimal(1_200_000_000), (date(2026, 5, 1) - date(2026, 3, 20)).days)
    page = _post(client, 25, amount="US$100,000,000.01", on="2026-05-01")
    assert 'class="flash ok"' in page, page[:2000]
    flash_text = html.unescape(figure(page, "flash"))
    assert "pre recovery" in flash_text
    assert "partner US$50,000,000.00, United States US$50,000,000.01" in flash_text
    assert f"balance owed {dollars(owed)} before, {dollars(owed - 50_000_000)} after" \
        in flash_text
    st = capital.statement(engine, 25, date(2026, 5, 1))
    [d] = st.account.distributions
    assert d.phase is not None
    assert (d.partner, d.us, d.phase.value) == (Decimal("50000000.00"),
                                               Decimal("50000000.01"), "pre_recovery")
    # Project 26 has recovered: 10% to the partner.
    before = capital.statement(engine, 26, date(2026, 12, 1)).account
    page = _post(client, 26, amount="US$50m", on="2026-12-01")
    assert "partner US$5,000,000.00, United States US$45,000,000.00" in figure(page, "flash")
    after = capital.statement(engine, 26, date(2026, 12, 1)).account
    assert after.partner_distributions - before.partner_distributions == Decimal(5_000_000)
    assert after.us_distributions - before.us_distributions == Decimal(45_000_000)


@pytest.mark.parametrize(("role", "data", "field"), [
    (Role.IC, {"amount": "lots", "on": "2026-12-01"}, "amount"),
    (Role.IC, {"amount": "-US$5m", "on": "2026-12-01"}, "amount"),
    (Role.IC, {"amount": "0", "on": "2026-12-01"}, "amount"),
    (Role.IC, {"amount": "€5m", "on": "2026-12-01"}, "amount"),
    (Role.IC, {"amount": "US$5m", "on": "2026-13-01"}, "on"),
    (Role.IC, {"amount": "US$5m", "on": "2026-09-01"}, "on"),  # before the last one
    (Role.FUNDER, {"amount": "US$5m", "on": "2026-12-01"}, "role"),
])
def test_a_refused_distribution_writes_nothing_and_says_why(
        client: TestClient, demo_url: str, role: Role, data: dict[str, str], field: str
        ) -> None:
    engine = make_engine(demo_url)
    before = capital.statement(engine, 26, date(2026, 12, 31)).document()
    log_in(client, role)
    page = _post(client, 26, **data)
    assert 'class="flash error"' in page
    message = figure(page, "flash")
    assert f"({field}: " in message, message
    assert capital.statement(engine, 26, date(2026, 12, 31)).document() == before

"""The dashboard at the edges: a small allocation still shows on the gauge, the news is
the selected framework's, and a framework without projects says so instead of drawing
empty charts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.web.charts import MIN_VISIBLE, gauge
from tests.web.test_pages import csrf, log_in

BN = Decimal(10) ** 9


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        log_in(c, Role.ANALYST)
        yield c


def figure(page: str, key: str) -> dict[str, Any] | None:
    found = re.search(rf'<script[^>]*id="figure-{key}"[^>]*>(.*?)</script>', page, re.S)
    return None if found is None else json.loads(found.group(1))


def test_a_small_allocation_is_still_visible_on_the_gauge() -> None:
    g = gauge(550 * BN, Decimal("600e6"), Decimal(0))["data"][0]
    assert g["value"] == pytest.approx(0.6)                 # the number stays exact
    [band] = g["gauge"]["steps"]
    assert band["range"] == [0, pytest.approx(550 * MIN_VISIBLE)]
    g = gauge(550 * BN, Decimal("600e6"), Decimal("10e6"))["data"][0]
    allocated, disbursed = g["gauge"]["steps"]
    assert allocated["range"][1] > disbursed["range"][1] >= 550 * MIN_VISIBLE
    assert gauge(550 * BN, Decimal(0), Decimal(0))["data"][0]["gauge"]["steps"] == []
    big = gauge(550 * BN, 36 * BN, 20 * BN)["data"][0]["gauge"]["steps"]
    assert big == [{"range": [0, 20.0], "color": big[0]["color"]}]  # large: as they are


def test_an_empty_framework_says_so_instead_of_drawing_empty_charts(client: TestClient
                                                                    ) -> None:
    page = client.get("/?framework=korea").text
    assert 'data-testid="empty-framework"' in page
    assert "No projects are recorded in this framework yet" in page
    assert figure(page, "pipeline") is None and figure(page, "sectors") is None
    assert figure(page, "gauge") is not None
    japan = client.get("/?framework=japan").text
    assert 'data-testid="empty-framework"' not in japan and figure(japan, "pipeline")


def test_in_the_news_is_the_selected_frameworks(client: TestClient) -> None:
    client.post("/review/ingest", data={
        "source": "https://example.org/korea",
        "text": "South Korea's trade ministry said Korea Zinc will build a US$7.4 billion "
                "zinc smelter in Tennessee under the Korea-US strategic investment "
                "framework.", "csrf_token": csrf(client, "/review")})
    client.post("/review/ingest", data={
        "source": "https://example.org/japan",
        "text": "Japan's government said the Portsmouth Powered Land Project in Ohio, led by "
                "SoftBank Group, is now expected to cost $35 billion.",
        "csrf_token": csrf(client, "/review")})
    japan = client.get("/?framework=japan").text
    korea = client.get("/?framework=korea").text
    assert "example.org/japan" in japan and "example.org/korea" not in japan
    assert "example.org/korea" in korea and "example.org/japan" not in korea
    assert 'href="/review?framework=japan"' in japan

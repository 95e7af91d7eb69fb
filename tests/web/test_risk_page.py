"""The risk page: every reference class with its figures and sources, the macro factors
and their correlation matrix, in English and Japanese; a project's page names its class."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.risk import risk_data
from tests.web.test_pages import log_in


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_every_class_shows_its_figures_and_every_source(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = html.unescape(client.get("/risk").text)
    data = risk_data()
    rows = re.findall(r'<tr data-risk-type="([a-z_]+)">(.*?)</tr>', page, re.S)
    assert [kind for kind, _ in rows] == [t.value for t in data.types]
    nuclear = dict(rows)["nuclear_large"]
    assert "×2.00" in nuclear and "×3.50" in nuclear and "20%" in nuclear
    for t in data.types.values():
        for f in t.figures.values():
            assert f.source in page
    for factor in data.factors:
        assert factor.label in page and factor.annual_sd.source in page
    matrix = page.split('data-testid="risk-correlation"')[1].split("</table>")[0]
    assert len(re.findall(r"<td class=\"num\">", matrix)) == len(data.factors) ** 2
    assert page.count('<span class="tag">assumption</span>') == sum(
        f.assumed for t in data.types.values() for f in t.figures.values())


def test_the_page_reads_in_japanese(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/risk", headers={"Accept-Language": "ja"}).text
    assert "較正済みリスク" in page and "参照クラス" in page and "建設中の中止" in page


def test_a_project_page_names_its_reference_class(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = html.unescape(client.get("/projects/24").text)
    line = re.search(r'data-testid="risk-class">(.*?)</p>', page, re.S)
    assert line and "gas-fired power plant (its reference class)" in line.group(1)
    assert "×1.16 on average" in line.group(1) and 'href="/risk"' in line.group(1)


def test_the_figures_are_open_data(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    doc = client.get("/api/v1/exports/risk.json").json()
    assert [c["risk_type"] for c in doc["classes"]][:2] == ["gas_power", "nuclear_large"]
    assert doc["classes"][1]["figures"]["overrun_mean"]["value"] == 2.0
    assert doc["correlation"][0][0] == 1.0

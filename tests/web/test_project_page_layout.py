"""The project page reads content first: the actions come after it with clear titles,
the reported-stage choice starts at the next stage, and the base case says which
assumptions it rests on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import simulation
from pledge.services.base import Actor
from pledge.services.sensitivity import sensitivity
from pledge.store.db import make_engine
from tests.web.test_pages import log_in, ready


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        log_in(c, Role.IC)
        yield c


def selected_stage(page: str) -> str:
    form = page[page.index('data-testid="form-status-report"'):]
    form = form[:form.index("</form>")]
    found = re.search(r'<option value="(\w+)" selected>', form)
    assert found, "no stage is chosen"
    return found.group(1)


def test_content_comes_first_then_the_actions(client: TestClient) -> None:
    page = ready(client, "/projects/26")   # funded: it has a statement
    actions = page.index('data-testid="actions"')
    for content in ('data-testid="timeline"', 'data-testid="statement"',
                    "<h2>What each side gets</h2>", "<h2>Estimates</h2>"):
        assert content in page and page.index(content) < actions, content
    assert "Actions on this project" in page
    assert "<h3>Record a reported stage</h3>" in page
    assert "<h3>Record a reported cost estimate</h3>" in page


def test_the_reported_stage_starts_at_the_next_one(client: TestClient) -> None:
    assert selected_stage(ready(client, "/projects/24")) == "funded"     # notified
    assert selected_stage(ready(client, "/projects/27")) == "selected"   # recommended
    assert selected_stage(ready(client, "/projects/1")) == "under_review"  # proposed


def test_the_base_case_names_its_assumptions(client: TestClient, demo_url: str) -> None:
    page = ready(client, "/projects/25")  # the crude terminal: priced from its drivers
    said = re.search(r'data-testid="assumptions">(.*?)</p>', page, re.S)
    assert said
    assert ("the export terminal, pipeline or port model, from this project's drivers "
            "(capacity_per_day 1000000 units/day, utilisation 0.6 fraction") in said[1]
    assert "construction 3 years" in said[1] and "same for every" not in said[1]
    page = ready(client, "/projects/3")  # an EPC contractor: no physical model fits
    said = re.search(r'data-testid="assumptions">(.*?)</p>', page, re.S)
    assert said
    assert "the energy sector's defaults, the same for every energy project" in said[1]
    assert "construction 4 years" in said[1] and "operating life 30 years" in said[1]
    simulation.set_economics(make_engine(demo_url), 3, {"life_years": "20"},
                             Actor.of("demo_ic", "ic"))
    page = ready(client, "/projects/3")
    said = re.search(r'data-testid="assumptions">(.*?)</p>', page, re.S)
    assert said
    assert "this project's own economics (life years 20)" in said[1]
    assert "operating life 20 years" in said[1]
    assert "same for every" not in said[1] and "unless overridden" not in page


def test_each_estimate_shows_its_confidence_and_when_it_was_recorded(
        sqlite_engine: Engine) -> None:
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        page = client.get("/projects/24").text
        ja = client.get("/projects/24?lang=ja").text
    table = page[page.index('data-testid="estimates"'):]
    table = table[:table.index("</table>")]
    assert table.count('data-confidence="corroborated"') == 2
    assert "corroborated" in table and "recorded" in table
    assert "複数の出典で裏付け" in ja


def test_the_project_page_draws_the_tornado_of_its_drivers(client: TestClient,
                                                           demo_url: str) -> None:
    page = ready(client, "/projects/24")
    found = re.search(r'<script type="application/json" id="figure-tornado">(.*?)</script>',
                      page, re.S)
    assert found and 'data-figure="tornado"' in page
    figure = json.loads(found[1])
    down, up = figure["data"]
    t = sensitivity(make_engine(demo_url), 24)
    # the largest swing on top (plotly draws the last category highest)
    assert up["y"][-1] == f"{t.bars[0].name} ±{t.bars[0].swing:.0%}"
    assert up["base"] == pytest.approx(t.base.irr * 100, abs=1e-4)  # type: ignore[operator]  # the base case solves
    top = t.bars[0]
    assert up["x"][-1] == pytest.approx((top.high_outcome.irr - t.base.irr) * 100,  # type: ignore[operator]  # both solve
                                        abs=1e-4)
    assert down["x"][-1] == pytest.approx((top.low_outcome.irr - t.base.irr) * 100,  # type: ignore[operator]  # both solve
                                          abs=1e-4)
    assert "pledge economics sensitivity 24" in page
    ja = ready(client, "/projects/24?lang=ja")
    assert "各ドライバー" in ja


def test_the_project_page_says_who_is_paid_first_and_who_funds_shortfalls(
        client: TestClient, demo_url: str) -> None:
    import html as html_lib

    from pledge.services.capital_structure import project_capital

    page = html_lib.unescape(ready(client, "/projects/25"))   # GulfLink: JBIC and NEXI
    line = re.search(r'data-testid="capital-structure">(.*?)</p>', page, re.S)
    assert line, "the capital structure is on the page"
    rep = project_capital(make_engine(demo_url), 25)
    for layer in rep.structure.layers:
        assert layer.name in line[1]
    assert "; ".join(rep.order) in line[1]
    assert "Negative operating cash is funded by the partner" in line[1]
    assert "pledge economics show 25" in line[1]
    ja = html_lib.unescape(ready(client, "/projects/25?lang=ja"))
    assert "資本構成" in ja and "営業キャッシュフローの不足はパートナー国が" in ja

"""The priorities page on the demo data: reasons in words, amounts formatted, one label
per distinct point of the chart."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.web.charts import shared_points
from tests.web.test_pages import log_in, ready

FIGURE = re.compile(r'<script[^>]*id="figure-pareto"[^>]*>(.*?)</script>', re.S)


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_the_page_explains_each_difference_in_words(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = ready(client, "/priorities")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", page, flags=re.S))
    # a reason names a criterion, both sides' weights and both sides' values
    assert ("Strategic and security value: the US weighs it 0.40 vs Japan 0.10; this "
            "project scores 10 (US) vs 6 (Japan) on it") in page   # 27, both recorded
    assert "recovery -0." not in page and "return -0." not in page
    assert "scores are modelled, not recorded" in page
    assert "recorded by demo_cc_us on 2026-04-15: named by the Department of Commerce" \
        in page
    assert not re.search(r"\d{12}", text), "raw 12-digit money on the page"
    assert "remaining cap US$" in text
    assert "None" not in text
    # the four objectives do not all choose the same batch
    rows = re.findall(r"<tr><td>(us|partner|maxmin|nash)</td><td>(.*?)</td>", page, re.S)
    assert len(rows) == 4 and len({batch for _, batch in rows}) > 1
    drawn = FIGURE.search(page)
    assert drawn, "no Pareto chart"
    figure = json.loads(drawn.group(1))
    marks = [t for t in figure["data"] if t["mode"] == "markers+text"]
    points = [(t["x"][0], t["y"][0]) for t in marks]
    assert len(points) == len(set(points))  # one label per distinct point
    assert sorted(n for t in marks for n in t["text"][0].split(", ")) == sorted(
        ["us", "partner", "maxmin", "nash"])


def test_objectives_that_share_a_point_share_a_label() -> None:
    assert shared_points({"us": (1.0, 0.9), "partner": (0.96, 1.0), "nash": (0.96, 1.0),
                          "maxmin": (0.97, 0.99)}) == [
        (["us"], (1.0, 0.9)), (["partner", "nash"], (0.96, 1.0)),
        (["maxmin"], (0.97, 0.99))]


def test_the_page_shows_how_scores_are_modelled(client: TestClient) -> None:
    from pledge.domain.score_model import PROFILES

    log_in(client, Role.ANALYST)
    page = ready(client, "/priorities")
    section = page[page.index('data-testid="score-model"'):]
    section = section[:section.index("</section>")]
    for _, profile in PROFILES:
        assert f"<td>{profile.label}</td>" in section
    assert "labour intensity × size" in section

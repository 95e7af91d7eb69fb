"""Funding dates read the same on every page: a passed date is overdue (in its own
style and words), a provisional one (no notice yet) never is, and the calendar opens on
the current month."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.web.templating import URGENT_DAYS, due_class
from tests.web.test_pages import log_in


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def row(left: int, provisional: bool = False) -> SimpleNamespace:
    return SimpleNamespace(business_days_left=left, provisional=provisional)


def test_a_date_is_overdue_urgent_plain_or_provisional() -> None:
    assert due_class(row(-3)) == "overdue"
    assert due_class(row(0)) == "urgent"
    assert due_class(row(URGENT_DAYS - 1)) == "urgent"
    assert due_class(row(URGENT_DAYS)) == ""
    assert due_class(row(-156, provisional=True)) == "provisional"  # never overdue


def test_the_calendar_opens_on_the_current_month(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/deadlines").text
    first = re.search(r'<section class="card month">\s*<h2>([^<]+)</h2>', page)
    assert first is not None and first.group(1) == date.today().strftime("%B %Y")


def test_no_page_calls_a_provisional_date_overdue(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    for path in ("/", "/deadlines"):
        page = client.get(path).text
        for cls, cells in re.findall(r'<tr class="([^"]*)"[^>]*>(.*?)</tr>', page, re.S):
            if "provisional" in cells and "tag" in cells:
                assert cls == "provisional" and "overdue" not in cells, (path, cells)
            if "overdue" in cells:
                assert cls == "overdue", (path, cells)
    chips = re.findall(r'<a class="due ([^"]*)" href="/projects/(\d+)"[^>]*>#\d+ ([^<]+)</a>',
                       client.get("/deadlines?month=2026-04").text)
    assert chips and all(name.strip() for _, _, name in chips)  # a chip names its project


def test_the_projects_list_shows_the_same_funding_dates_as_the_dashboard(
        client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    dashboard = dict(re.findall(r'data-testid="funding-date-(\d+)">([^<]+)<', client.get("/").text))
    assert dashboard  # the demo has selected projects
    listed: dict[str, str] = {}
    for page in (1, 2, 3):
        listed.update(re.findall(r'data-testid="funding-date-(\d+)">([0-9-]{10})',
                                 client.get(f"/projects?page={page}").text))
    shown = {pid: listed[pid] for pid in dashboard if pid in listed}
    assert shown and all(dashboard[pid].strip() == day for pid, day in shown.items())


def test_the_sector_filter_is_a_choice_of_the_known_sectors(client: TestClient) -> None:
    from pledge.domain.project import SECTORS

    log_in(client, Role.ANALYST)
    page = client.get("/projects?sector=energy").text
    select = page.split('<select name="sector">')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', select) == list(SECTORS)
    assert '<option value="energy" selected>' in select
    assert "data-sortable" in page

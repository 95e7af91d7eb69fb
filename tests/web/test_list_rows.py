"""The project list's rows, written without the template's loop: the same text the loop
wrote, in both languages, and a list page made anew reads the data version once and
the page's rows in one statement, however many rows it shows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.dashboard import views
from pledge.store.project_queries import ProjectSummary
from pledge.web import i18n
from pledge.web.list_rows import project_rows
from pledge.web.templating import templates
from tests.web.test_pages import csrf, log_in

# The loop the list's template had, as it was: what the rows must still read.
LOOP = (
    '{% for r in rows %}\n    <tr><td class="num">{{ r.id }}</td><td><a href="/projects/'
    '{{ r.id }}">{{ r.name }}</a></td><td>{{ r.framework }}</td>\n      <td>{{ r.sector '
    '| label }}</td><td><span class="stage stage-{{ r.status }}">{{ r.status | label }}'
    '</span></td>\n      <td class="num" data-sort="{{ r.amount_high_usd if '
    "r.amount_high_usd is not none else (r.amount_low_usd if r.amount_low_usd is not none "
    "else '') }}\">{{ usd_range(r.amount_low_usd, r.amount_high_usd) }}</td><td>{{ r.states"
    ' | join(", ") }}</td>\n      {% set due = dues.get(r.id) %}<td class="date" '
    'data-testid="funding-date-{{ r.id }}">{% if due %}{{ due.due | day }}{% if '
    'due.provisional %} <span class="tag">{{ _("provisional") }}</span>{% endif %}{% else %}'
    "{{ r.funding_date | day }}{% endif %}</td></tr>\n  {% endfor %}")


class Due:
    def __init__(self, due: date, provisional: bool) -> None:
        self.due, self.provisional = due, provisional


ROWS = [
    ProjectSummary(1, "Plant <A> & \"B\"", "japan", "energy", "notified", Decimal("5E+8"),
                   Decimal("1200000000.00"), states=("Ohio", "Texas & <Utah>")),
    ProjectSummary(2, "No estimate", "korea", "critical_minerals", "proposed", None, None),
    ProjectSummary(3, "Low only", "japan", "shipbuilding", "selected", Decimal("3.5E+10"),
                   None, funding_date=date(2026, 6, 9)),
    ProjectSummary(4, "High only", "japan", "energy", "funded", None, Decimal("7E+9"),
                   funding_date=date(2026, 1, 2)),
    ProjectSummary(5, "Odd stage", "japan", "not_a_sector", "no_such_stage", Decimal(1),
                   Decimal(1)),
]
DUES = {1: Due(date(2026, 4, 22), True), 3: Due(date(2026, 7, 1), False)}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_rows_read_as_the_template_s_loop_wrote_them(lang: str) -> None:
    i18n.use(lang)
    try:
        loop = templates().env.from_string(LOOP).render(rows=ROWS, dues=DUES)
        written = str(project_rows(ROWS, DUES))
    finally:
        i18n.use("en")
    assert written == loop
    assert "&lt;A&gt; &amp; &#34;B&#34;" in written and "Texas &amp; &lt;Utah&gt;" in written
    assert written.count('class="tag"') == 1  # the provisional date, and only it


def test_a_list_page_made_anew_reads_the_version_once_and_its_rows_in_one_statement(
        demo_url: str) -> None:
    app = create_app(demo_url)
    with TestClient(app) as client:
        log_in(client, Role.IC)
        seen: list[str] = []

        def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement)

        def made(path: str) -> None:
            views.clear()
            seen.clear()
            event.listen(app.state.engine, "before_cursor_execute", note)
            try:
                r = client.get(path)
            finally:
                event.remove(app.state.engine, "before_cursor_execute", note)
            assert r.status_code == 200

        made("/projects?page=1")
        assert sum("max(audit_log.id)" in s for s in seen) == 1
        rows = [s for s in seen if "FROM projects JOIN frameworks" in s]
        assert len(rows) == 1  # the page's rows: one statement, not one per row
        before = client.get("/projects?page=1").text  # made above: kept now
        row = 'data-testid="funding-date-32"'
        assert 'stage-finalist">finalist' in before.split(row)[0].rsplit("<tr>", 1)[1]
        for path, data in (("consult", {"kind": "committee", "on": "2026-04-01",
                                        "note": "the list follows the data"}),
                           ("transition", {"to": "recommended", "on": "2026-04-02"})):
            r = client.post(f"/projects/32/{path}", data={
                **data, "csrf_token": csrf(client, "/projects/32")})
            assert r.status_code == 200 and 'data-testid="flash"' in r.text
        after = client.get("/projects?page=1").text  # the change shows on the next load
        assert 'stage-recommended">recommended' in after.split(row)[0].rsplit("<tr>", 1)[1]

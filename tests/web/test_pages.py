"""The pages in-process, against the demo database: login, CSRF, role-aware forms, figures."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.access import MATRIX, Action
from pledge.domain.funding import ALLOCATING
from pledge.domain.lifecycle import Role, Stage, allowed_targets
from pledge.services import dashboard as dash_svc
from pledge.services import projects
from pledge.services.base import SYSTEM, Actor
from pledge.services.demo import demo_password
from pledge.services.users import revoke_user
from pledge.store.db import make_engine

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: TestClient, role: Role) -> None:
    r = client.post("/login", data={"name": f"demo_{role.value}", "password":
                                    demo_password(role), "csrf_token": csrf(client),
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def ready(client: TestClient, path: str, timeout: float = 120.0) -> str:
    """The page once the job behind it is done: it says "computing" and looks again until
    then (as a browser does after the page's refresh delay)."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(path)
        assert r.status_code == 200, r.text
        page: str = r.text
        if 'data-testid="computing"' not in page or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


@pytest.mark.parametrize("path", ["/", "/projects", "/projects/24", "/priorities",
                                  "/deadlines"])
def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_public_read_shows_the_public_pages_but_not_priorities(demo_url: str) -> None:
    with TestClient(create_app(demo_url, public_read=True)) as c:
        assert c.get("/", follow_redirects=False).status_code == 200
        assert c.get("/projects/24", follow_redirects=False).status_code == 200
        assert c.get("/priorities", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_and_no_session_starts(client: TestClient) -> None:
    r = client.post("/login", data={"name": "demo_ic", "password": "not-it",
                                    "csrf_token": csrf(client)})
    assert r.status_code == 401 and "wrong password" in r.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_session_token_is_refused(client: TestClient) -> None:
    log_in(client, Role.CC_JP)
    r = client.post("/projects/32/consult", data={"kind": "committee", "on": "2026-04-01",
                                                  "csrf_token": "forged"})
    assert r.status_code == 400 and "out of date" in r.text
    detail = client.get("/projects/32").text
    assert "consultation (committee)" not in detail
    r = client.post("/login", data={"name": "demo_ic", "password": demo_password(Role.IC)})
    assert r.status_code == 400


def test_next_never_leaves_the_site(client: TestClient) -> None:
    r = client.post("/login", data={"name": "demo_ic", "password": demo_password(Role.IC),
                                    "csrf_token": csrf(client), "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.headers["location"] == "/"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_transition_forms_it_may_use(client: TestClient,
                                                                 role: Role) -> None:
    log_in(client, role)
    for pid, stage in ((32, Stage.FINALIST), (27, Stage.RECOMMENDED), (24, Stage.NOTIFIED),
                       (1, Stage.PROPOSED)):
        page = client.get(f"/projects/{pid}").text
        shown = set(re.findall(r'data-testid="form-([a-z_]+)"', page))
        expected = {s.value for s in allowed_targets(stage, role)}
        assert shown - {"consult", "extend", "fund", "estimate", "site", "status-report",
                        "link", "unlink", "allocate"} == expected, (role, pid)
        # the committee alone changes an allocation, at the stages that hold one
        assert ("form-allocate" in page) == (role is Role.IC and stage in ALLOCATING)
        assert ("form-estimate" in page) == (role in MATRIX[Action.PROJECT_EDIT])
        assert ("form-link" in page) == (role in MATRIX[Action.PROJECT_EDIT])
        assert ("form-fund" in page) == (role is Role.FUNDER and stage is Stage.NOTIFIED)


def test_a_refused_change_shows_the_rule_and_changes_nothing(client: TestClient) -> None:
    log_in(client, Role.IC)
    r = client.post("/projects/32/transition", data={
        "to": "recommended", "on": "2026-04-02", "csrf_token": csrf(client, "/projects/32")})
    assert r.status_code == 200
    assert "consultation" in r.text and 'data-testid="flash"' in r.text
    assert 'data-testid="stage">finalist' in r.text


def test_the_committee_walk_through_the_forms(client: TestClient) -> None:
    steps = [(Role.CC_JP, "consult", {"kind": "committee", "on": "2026-04-01"}),
             (Role.IC, "transition", {"to": "recommended", "on": "2026-04-02"}),
             (Role.PRESIDENT, "transition", {"to": "selected", "on": "2026-04-03"}),
             (Role.IC, "transition", {"to": "notified", "on": "2026-04-06"})]
    for role, form, data in steps:
        client.cookies.clear()
        log_in(client, role)
        r = client.post(f"/projects/32/{form}",
                        data={**data, "csrf_token": csrf(client, "/projects/32")})
        assert 'class="flash ok"' in r.text, r.text[:2000]
    assert "funding date 2026-06-09" in r.text
    board = client.get("/?on=2026-04-07").text
    assert 'data-testid="funding-date-32">2026-06-09<' in board


def test_the_dashboard_shows_what_the_services_compute(client: TestClient,
                                                        demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/?on=2026-04-01").text
    d = dash_svc.dashboard(make_engine(demo_url), "japan", date(2026, 4, 1))
    # the first tranche allocated at selection (the Ohio plant then set to US$33bn),
    # US$35.7bn; cash disbursed, the loan and the equity; the guarantee is exposure
    assert 'data-testid="allocated">US$35.7bn<' in page
    assert d.commitments.allocated == 35_700_000_000
    assert 'data-testid="disbursed">US$1.8bn<' in page
    assert 'data-testid="guaranteed">US$900m<' in page
    assert 'data-testid="unreachable"' not in page
    row = re.search(r'<tr class="([^"]*)" data-project="24">', page)
    assert row is not None and row.group(1) == ""  # 15 business days left: not highlighted
    for fig in ("gauge", "pipeline", "sectors"):
        assert f'id="figure-{fig}"' in page
    assert '<script src="/static/plotly.min.js">' in page


def test_the_dashboard_says_when_the_annual_cap_puts_the_cap_out_of_reach(
        client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/?framework=korea&on=2026-12-05").text
    found = re.search(r'data-testid="unreachable">([^<]*)<', page)
    assert found is not None
    said = " ".join(found.group(1).split())
    assert said.startswith("The cap cannot be reached by 2029-01-19: the annual cap allows "
                           "at most US$230bn of the US$350bn by then")


def test_deadlines_under_ten_business_days_are_highlighted(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.get("/?on=2026-04-15").text  # 24's date is 2026-04-22: 5 business days
    row = re.search(r'<tr class="([^"]*)" data-project="24">', page)
    assert row is not None and row.group(1) == "urgent"


def test_the_project_page_shows_timeline_funding_and_both_charts(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = ready(client, "/projects/25")  # the outlook's simulation runs as a job
    assert "JBIC" in page and "NEXI" in page and "US$2.1bn" in page
    assert 'id="figure-waterfall"' in page and 'id="figure-irr"' in page
    assert "demo_ic" in page  # the notice's actor in the timeline
    # the probability with its standard error and Wilson interval; total losses counted
    recover = re.search(r'data-testid="prob-recover">([^<]*)<span class="muted">([^<]*)<',
                        page)
    assert recover is not None and recover.group(2).startswith("± ")
    assert "Wilson; 2,000 paths" in recover.group(2) or "Wilson; 2000 paths" in recover.group(2)
    assert 'data-testid="total-loss"' in page and "total losses count as −100%" in page


def test_the_project_page_lists_reported_sites_with_their_sources(
        client: TestClient, demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    assert 'id="sites"' not in client.get("/projects/25").text
    projects.add_site_report(make_engine(demo_url), 25, "Brazoria County, Texas",
                             "https://example.org/site", date(2026, 4, 1),
                             Actor("demo_ic", Role.IC))
    page = client.get("/projects/25").text
    assert 'id="sites"' in page and "Brazoria County, Texas" in page
    assert 'href="https://example.org/site"' in page


def test_priorities_show_both_rankings_batches_and_the_frontier(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = ready(client, "/priorities?budget=US$100bn")
    assert 'data-testid="rankings"' in page and 'data-testid="batches"' in page
    assert 'id="figure-pareto"' in page
    for objective in ("us", "partner", "maxmin", "nash"):
        assert f"<td>{objective}</td>" in page


def test_a_revoked_user_loses_the_session(client: TestClient, demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    assert client.get("/", follow_redirects=False).status_code == 200
    revoke_user(make_engine(demo_url), "demo_analyst", SYSTEM)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_errors_on_pages_are_pages(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    r = client.get("/projects/999")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "<h1>Not found</h1>" in r.text
    assert '<p data-testid="error-message">no project with this id</p>' in r.text
    assert "field <code>id</code>, value <code>999</code> · <code>project.unknown</code>" \
        in r.text
    # The API answers in JSON whatever the browser accepts; the page session may read it
    # (see below), so this is the unknown project, not a missing login.
    r = client.get("/api/v1/projects/999", headers={"accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["error"]["code"] == "project.unknown"
    assert r.json()["error"]["problems"][0]["value"] == "999"


def test_plotly_is_served_from_the_package(client: TestClient) -> None:
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and "plotly" in r.text[:2000].lower()
    assert len(r.content) > 1_000_000


def test_a_page_session_reads_the_api_but_cannot_change_through_it(client: TestClient
                                                                   ) -> None:
    log_in(client, Role.IC)
    r = client.get("/api/v1/exports/projects.csv")
    assert r.status_code == 200 and r.text.startswith("id,")
    r = client.post("/api/v1/projects/32/transitions", json={"to": "withdrawn",
                                                             "on": "2026-04-01"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.required"


def test_what_a_source_says_is_recorded_from_the_project_page(client: TestClient) -> None:
    log_in(client, Role.CC_JP)
    for path, data, said in (
            ("estimate", {"amount": "5.2兆円", "source": "https://example.org/meti",
                          "on": "2026-04-01"}, "Estimate 5.2兆円 recorded"),
            ("site", {"location": "Piketon, Ohio", "source": "https://example.org/site",
                      "on": "2026-04-01"}, "Reported site recorded with its source: Piketon, Ohio"),
            ("status-report", {"stage": "selected", "wording": "picked",
                               "source": "https://example.org/wire", "on": "2026-04-02"},
             "Reported stage selected recorded")):
        r = client.post(f"/projects/27/{path}", data={**data, "csrf_token": csrf(
            client, "/projects/27")})
        assert said in r.text, r.text[:1500]
    page = client.get("/projects/27").text
    assert "https://example.org/meti" in page and "Piketon, Ohio" in page
    assert 'id="reported-stages"' in page and 'class="stage stage-recommended"' in page
    r = client.post("/projects/27/site", data={"location": " ", "source": "x",
                                               "on": "2026-04-01",
                                               "csrf_token": csrf(client, "/projects/27")})
    assert 'class="flash error"' in r.text and "project.site_missing" not in r.text
    client.cookies.clear()
    log_in(client, Role.ANALYST)
    r = client.post("/projects/27/estimate", data={"amount": "US$1bn", "source": "x",
                                                   "on": "2026-04-01",
                                                   "csrf_token": csrf(client, "/projects/27")})
    assert 'class="flash error"' in r.text


def test_related_projects_are_shown_on_both_pages_and_linked_from_a_form(
        client: TestClient, demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    fleet = client.get("/projects/23").text
    assert 'data-testid="related"' in fleet and "form-link" not in fleet
    assert '<a href="/projects/1">#1 Westinghouse AP1000 reactors and SMRs</a>' in fleet
    assert "umbrella programme (includes this one)" in fleet
    assert 'href="https://japannews.yomiuri.co.jp/politics/politics-government/' \
           '20260308-315057/"' in fleet
    assert "part of this programme" in client.get("/projects/1").text
    again = client.get("/projects/30").text
    assert 'data-testid="duplicate-of"' in again and 'href="/projects/23"' in again
    assert 'data-testid="related"' not in client.get("/projects/25").text
    # the dashboard says how many rows it left out as reported twice
    assert 'data-testid="duplicates-proposed">(+4 reported twice)' in client.get(
        "/?on=2026-04-01").text

    client.cookies.clear()
    log_in(client, Role.CC_US)
    page = client.get("/projects/28").text
    assert 'data-testid="form-link"' in page
    r = client.post("/projects/28/link", data={
        "kind": "later_tranche", "other": "29", "source": "https://example.org/t",
        "on": "2026-03-19", "note": "after Pennsylvania", "csrf_token": csrf(client,
                                                                            "/projects/28")})
    assert "Linked to project 29 (earlier tranche), with its source." in r.text
    page = client.get("/projects/29").text
    assert '<a href="/projects/28">#28 Natural gas power plant, Pennsylvania' in page
    assert "later tranche" in page and 'data-testid="form-unlink-28"' in page
    r = client.post("/projects/28/link", data={
        "kind": "duplicate", "other": "28", "source": "https://example.org/t",
        "on": "2026-03-19", "csrf_token": csrf(client, "/projects/28")})
    assert 'class="flash error"' in r.text and "not linked to itself" in r.text
    r = client.post("/projects/29/unlink", data={
        "other": "28", "reason": "one plan", "csrf_token": csrf(client, "/projects/29")})
    assert "Link to project 28 withdrawn" in r.text
    assert 'data-testid="related"' not in client.get("/projects/28").text
    from pledge.services import audit as audit_svc
    assert audit_svc.verify(make_engine(demo_url)).ok

"""Authorisation in the services: one matrix, checked first by every use case that changes data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.access import MATRIX, Action, Forbidden
from pledge.domain.lifecycle import Role
from pledge.services import frameworks, funding, jobs, priorities, projects, simulation, users
from pledge.services.base import SYSTEM, Actor, permit
from pledge.services.setup import init
from pledge.store import tables as t
from pledge.store.db import transaction

DAY = date(2026, 4, 1)
CSV = "name,sector\nA new plant,energy\n"


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_permit_follows_the_matrix(action: Action) -> None:
    for role in Role:
        actor = Actor("someone", role)
        if role in MATRIX[action]:
            permit(actor, action)
        else:
            with pytest.raises(Forbidden) as err:
                permit(actor, action)
            assert (err.value.first.field, err.value.first.rule) == ("role", "auth.forbidden")
            assert role.value in err.value.first.message


def test_the_system_actor_may_do_what_init_does() -> None:
    assert SYSTEM.role is Role.ADMIN
    permit(SYSTEM, Action.PROJECT_EDIT)
    permit(SYSTEM, Action.FRAMEWORK_EDIT)


def test_init_still_loads_an_empty_database(empty_engine: Engine) -> None:
    result = init(empty_engine)
    assert len(result.frameworks_added) == 4 and result.projects_added == 32


def _import_in_session(engine: Engine, actor: Actor) -> object:
    with transaction(engine) as s:
        return projects.import_projects(s, projects.read_projects_csv(CSV, "japan"), actor)


def _store_framework(engine: Engine, actor: Actor) -> object:
    with transaction(engine) as s:
        return frameworks.store_framework(s, frameworks.shipped_frameworks()[0], actor)


# Every use case that changes data, with the action it needs. Its arguments are valid
# enough to go on, so a refusal can only come from the role.
CHANGES: list[tuple[str, Action, Callable[[Engine, Actor], object]]] = [
    ("add_project", Action.PROJECT_EDIT, lambda e, a: projects.add_project(
        e, projects.NewProject(name="A new plant", sector="energy"), a)),
    ("update_project", Action.PROJECT_EDIT,
     lambda e, a: projects.update_project(e, 24, {"name": "Renamed"}, a)),
    ("import_projects_csv", Action.PROJECT_EDIT,
     lambda e, a: projects.import_projects_csv(e, CSV, "japan", a)),
    ("import_projects", Action.PROJECT_EDIT, _import_in_session),
    ("add_estimate", Action.PROJECT_EDIT, lambda e, a: projects.add_estimate(
        e, 24, "US$1bn", "https://example.org", DAY, a)),
    ("add_site_report", Action.PROJECT_EDIT, lambda e, a: projects.add_site_report(
        e, 24, "Brazoria County, Texas", "https://example.org", DAY, a)),
    ("add_status_report", Action.PROJECT_EDIT, lambda e, a: projects.add_status_report(
        e, 24, "selected", "https://example.org", DAY, a)),
    ("set_economics", Action.PROJECT_EDIT,
     lambda e, a: simulation.set_economics(e, 24, {"life_years": "20"}, a)),
    ("advance", Action.ADVANCE, lambda e, a: projects.advance(e, 32, "recommended", a, DAY)),
    ("consult", Action.CONSULT, lambda e, a: projects.consult(e, 32, "committee", a, DAY)),
    ("extend", Action.EXTEND, lambda e, a: projects.extend(
        e, 24, date(2026, 9, 1), a, DAY, "permits")),
    ("fund", Action.FUND, lambda e, a: funding.fund(e, 24, "US$1bn", DAY, "loan", "JBIC", a)),
    ("allocate", Action.LEDGER_EDIT, lambda e, a: funding.allocate(e, 24, "US$1bn", DAY, a)),
    ("contribute_in_kind", Action.LEDGER_EDIT, lambda e, a: funding.contribute_in_kind(
        e, 24, "land", "US$1m", DAY, a)),
    ("distribute", Action.LEDGER_EDIT, lambda e, a: funding.distribute(
        e, 24, "US$1m", "US$1m", DAY, a)),
    ("set_score", Action.SCORE, lambda e, a: priorities.set_score(
        e, 27, "us", "strategic", 5, a, DAY)),
    ("set_weight", Action.SCORE, lambda e, a: priorities.set_weight(
        e, "japan", "us", "strategic", 1, a, DAY)),
    ("amend_framework", Action.FRAMEWORK_EDIT, lambda e, a: frameworks.amend_framework(
        e, "japan", date(2026, 6, 1), {"funding_window.unit": "calendar"},
        ["https://example.org"], "note", a)),
    ("store_framework", Action.FRAMEWORK_EDIT, _store_framework),
    ("add_user", Action.ADMIN, lambda e, a: users.add_user(e, "newcomer", "analyst", a)),
    ("revoke_user", Action.ADMIN, lambda e, a: users.revoke_user(e, "nobody", a)),
]


def _counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {name: int(s.execute(select(func.count()).select_from(tbl)).scalar_one())
                for name, tbl in (("audit", t.audit_log), ("projects", t.projects),
                                  ("postings", t.postings), ("scores", t.scores),
                                  ("weights", t.weights), ("users", t.users),
                                  ("jobs", t.jobs))}


@pytest.mark.parametrize(("name", "action", "call"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_change_refuses_the_roles_the_matrix_forbids(
        sqlite_engine: Engine, name: str, action: Action,
        call: Callable[[Engine, Actor], object]) -> None:
    before = _counts(sqlite_engine)
    refused = [r for r in Role if r not in MATRIX[action]]
    assert refused, f"{name}: every role may {action.value}"
    for role in refused:
        with pytest.raises(Forbidden) as err:
            call(sqlite_engine, Actor("someone", role))
        assert err.value.first.rule == "auth.forbidden", name
    assert _counts(sqlite_engine) == before


def test_submitting_a_simulation_is_an_analysis_everyone_may_run(sqlite_engine: Engine) -> None:
    assert MATRIX[Action.ANALYSE] == frozenset(Role)
    runner = jobs.JobRunner(sqlite_engine)
    try:
        job = jobs.submit_simulation(sqlite_engine, runner,
                                     jobs.SimulationRequest(project_id=24, paths=10),
                                     Actor("reader", Role.ANALYST))
        assert job.created_by == "reader"
    finally:
        runner.shutdown()

"""Editing a project's descriptive fields: validated like an add, audited, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.access import Forbidden
from pledge.domain.errors import Conflict, InvalidInput, NotFound
from pledge.services import projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import transaction

IC = Actor.of("Lutnick", "ic")
OHIO = 24  # Portsmouth, Ohio: SB Energy lead; Toshiba, Hitachi, Mitsubishi Electric partners
GULF = "Texas GulfLink deepwater crude oil export terminal"


def audit_count(engine: Engine) -> int:
    with transaction(engine) as s:
        return int(s.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def test_update_changes_fields_rederives_states_and_audits(engine: Engine) -> None:
    before = projects.show_project(engine, OHIO)
    after = projects.update_project(engine, OHIO, {
        "name": "  Portsmouth power campus ", "sector": "energy (gas)",
        "location": "Portsmouth, Ohio and West Virginia",
        "partners": "Hitachi; Mitsubishi Heavy Industries (turbine supply)"}, IC)
    s = after.summary
    assert (s.name, s.sector, s.sector_detail) == ("Portsmouth power campus", "energy", "gas")
    assert s.states == ("Ohio", "West Virginia")
    roles = {(x["name"], x["role"]) for x in after.sponsors}
    assert roles == ({(x["name"], x["role"]) for x in before.sponsors if x["role"] == "lead"}
                     | {("Hitachi", "partner"), ("Mitsubishi Heavy Industries", "supplier")})
    assert projects.show_project(engine, OHIO) == after
    entry = projects.history(engine, OHIO).audit[-1]
    assert (entry["action"], entry["actor"], entry["role"]) == ("project.update", "Lutnick",
                                                                "ic")
    assert entry["before"]["name"] == before.summary.name
    assert entry["after"]["name"] == "Portsmouth power campus"
    assert (entry["before"]["states"], entry["after"]["states"]) == (
        ["Ohio"], ["Ohio", "West Virginia"])
    assert "lead" not in entry["after"]
    assert {x["name"] for x in entry["after"]["partners"]} == {
        "Hitachi", "Mitsubishi Heavy Industries"}


def test_sponsor_lists_replace_their_roles_and_keep_the_order(engine: Engine) -> None:
    before = projects.show_project(engine, OHIO).sponsors
    after = projects.update_project(engine, OHIO, {"lead": "SoftBank; SB Energy"}, IC).sponsors
    assert [x["name"] for x in after if x["role"] == "lead"] == ["SoftBank", "SB Energy"]
    assert [x for x in after if x["role"] != "lead"] == [
        x for x in before if x["role"] != "lead"]
    assert [x["role"] for x in after][:2] == ["lead", "lead"]
    assert projects.update_project(engine, OHIO, {"partners": ""}, IC).sponsors == [
        x for x in after if x["role"] == "lead"]


def test_sector_detail_alone_and_a_sector_without_detail(engine: Engine) -> None:
    d = projects.update_project(engine, OHIO, {"sector_detail": "combined cycle"}, IC)
    assert (d.summary.sector, d.summary.sector_detail) == ("energy", "combined cycle")
    d = projects.update_project(engine, OHIO, {"sector": "chips"}, IC)
    assert (d.summary.sector, d.summary.sector_detail) == ("semiconductors", "")
    d = projects.update_project(engine, OHIO, {"sector": "energy (nuclear)",
                                               "sector_detail": "SMR"}, IC)
    assert (d.summary.sector, d.summary.sector_detail) == ("energy", "SMR")


def test_an_unchanged_value_writes_nothing(engine: Engine) -> None:
    name = projects.show_project(engine, OHIO).summary.name
    count = audit_count(engine)
    projects.update_project(engine, OHIO, {"name": name}, IC)
    assert audit_count(engine) == count


def test_every_problem_is_reported_and_nothing_changes(engine: Engine) -> None:
    before = projects.show_project(engine, OHIO)
    count = audit_count(engine)
    with pytest.raises(InvalidInput) as err:
        projects.update_project(engine, OHIO, {"colour": "red", "status": "selected"}, IC)
    assert {(p.field, p.rule) for p in err.value.problems} == {
        ("colour", "project.not_editable"), ("status", "project.not_editable")}
    with pytest.raises(InvalidInput) as err:
        projects.update_project(engine, OHIO, {"sector": "astrology", "name": "",
                                               "location": "x" * 301}, IC)
    assert {(p.field, p.rule) for p in err.value.problems} == {
        ("sector", "project.unknown_sector"), ("name", "project.no_name"),
        ("location", "project.too_long")}
    with pytest.raises(InvalidInput) as err:
        projects.update_project(engine, OHIO, {}, IC)
    assert err.value.first.rule == "project.no_changes"
    with pytest.raises(InvalidInput) as err:
        projects.update_project(engine, OHIO, {"lead": "A" * 201}, IC)
    assert (err.value.first.field, err.value.first.rule) == ("lead", "project.too_long")
    assert projects.show_project(engine, OHIO) == before
    assert audit_count(engine) == count


def test_a_name_taken_in_the_framework_is_a_conflict(engine: Engine) -> None:
    with pytest.raises(Conflict) as err:
        projects.update_project(engine, OHIO, {"name": GULF}, IC)
    assert (err.value.first.field, err.value.first.rule) == ("name", "project.duplicate_name")
    with pytest.raises(NotFound):
        projects.update_project(engine, 999, {"name": "X"}, IC)


def test_only_the_roles_that_edit_projects_may_update(engine: Engine) -> None:
    count = audit_count(engine)
    for role in ("analyst", "president", "funder"):
        with pytest.raises(Forbidden):
            projects.update_project(engine, OHIO, {"name": "X"}, Actor.of("someone", role))
    assert audit_count(engine) == count
    for role in ("admin", "cc_us", "cc_jp"):
        projects.update_project(engine, OHIO, {"name": f"by {role}"}, Actor.of("x", role))

"""Where a project may enter the lifecycle: 'proposed' only; every other stage is the target
of a transition some named role makes."""

from __future__ import annotations

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import ENTRY_STAGES, RULES, Stage, check_entry_stage
from pledge.domain.project import creation_stage


def test_proposed_is_the_only_entry_stage_and_no_transition_leads_to_it() -> None:
    assert {Stage.PROPOSED} == ENTRY_STAGES
    assert not ENTRY_STAGES & set(RULES)
    # every stage that is not an entry stage is reached by some transition rule
    assert set(Stage) - ENTRY_STAGES == set(RULES)


@pytest.mark.parametrize("text", ["proposed", "candidate", " Candidate ", "", "PROPOSED"])
def test_a_project_may_be_created_as_proposed_or_a_candidate(text: str) -> None:
    assert creation_stage(text) is Stage.PROPOSED


@pytest.mark.parametrize("text", ["under_review", "under review", "announced", "finalist",
                                  "recommended", "selected", "notified", "funded",
                                  "declined", "operating", "recouped", "closed", "withdrawn"])
def test_every_later_stage_is_refused_at_creation_naming_the_status(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        creation_stage(text)
    p = err.value.first
    assert (p.field, p.value, p.rule) == ("status", text, "lifecycle.not_entry_stage")
    assert "'proposed'" in p.message


def test_an_unknown_status_is_its_own_error() -> None:
    with pytest.raises(InvalidInput) as err:
        creation_stage("rumoured")
    assert (err.value.first.field, err.value.first.rule) == ("status",
                                                             "project.unknown_status")


def test_check_entry_stage_names_the_field_it_is_given() -> None:
    assert check_entry_stage(Stage.PROPOSED) is Stage.PROPOSED
    with pytest.raises(InvalidInput) as err:
        check_entry_stage(Stage.FUNDED, "row 3 status", "Funded")
    assert (err.value.first.field, err.value.first.value) == ("row 3 status", "Funded")


def test_check_entry_stage_names_the_status_and_the_stage_by_default() -> None:
    with pytest.raises(InvalidInput) as err:
        check_entry_stage(Stage.FUNDED)
    first = err.value.first
    assert (first.field, first.value, first.rule) == ("status", "funded",
                                                      "lifecycle.not_entry_stage")
    assert first.message.startswith(
        "a project is created at 'proposed'; 'funded' is reached only through the "
        "lifecycle's transitions")

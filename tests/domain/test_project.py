"""Project facts in the domain: reported sites and the states they lie in."""

from __future__ import annotations

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.project import reported_site, states_in


def test_a_site_names_its_states_unless_they_are_given() -> None:
    assert reported_site("  Brazoria County,\n Texas ") == ("Brazoria County, Texas", ("Texas",))
    assert reported_site("Gulf of Mexico") == ("Gulf of Mexico", ())
    assert reported_site("Gulf of Mexico", ["louisiana", "Texas", "LOUISIANA"]) == (
        "Gulf of Mexico", ("Louisiana", "Texas"))
    assert states_in("Charleston, West Virginia") == ("West Virginia",)


def test_a_site_needs_a_location_and_real_states() -> None:
    with pytest.raises(InvalidInput) as err:
        reported_site(" \t")
    assert (err.value.first.field, err.value.first.rule) == ("location", "project.site_missing")
    with pytest.raises(InvalidInput) as err:
        reported_site("offshore", ["Texas", "Gulf", "Atlantis"])
    assert [(p.field, p.value, p.rule) for p in err.value.problems] == [
        ("states", "Gulf", "project.unknown_state"),
        ("states", "Atlantis", "project.unknown_state")]

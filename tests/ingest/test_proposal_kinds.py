"""Proposal kinds are one enum: their stored text never changes, and accepting has a
handler (and a needed right) for each."""

from __future__ import annotations

from pledge.domain.access import ACCEPT_NEEDS, Action
from pledge.domain.proposals import ProposalKind
from pledge.ingest.proposals import proposal_key, summary
from pledge.services import news


def test_the_stored_text_of_each_kind_is_unchanged() -> None:
    assert [k.value for k in ProposalKind] == [
        "new_project", "additional_estimate", "status_change", "site_report", "sponsor",
        "tranche", "related_project", "term_claim"]
    # Stored rows hold the text; it reads back as the kind and compares equal to it.
    assert ProposalKind("status_change") is ProposalKind.STATUS_CHANGE
    stored: str = "site_report"
    assert stored == ProposalKind.SITE_REPORT


def test_every_kind_has_its_handler_and_its_right() -> None:
    assert set(news.APPLY) == set(ProposalKind)
    assert set(ACCEPT_NEEDS) == set(ProposalKind)
    assert ACCEPT_NEEDS["status_change"] is Action.ADVANCE   # looked up by the stored text


def test_a_planned_and_a_stored_proposal_are_the_same_change() -> None:
    planned = proposal_key(ProposalKind.STATUS_CHANGE, 7, {"to": "selected"})
    stored = proposal_key("status_change", 7, {"to": "selected"})
    assert planned == stored and hash(planned) == hash(stored)
    assert summary("status_change", {"from": "finalist", "to": "selected",
                                     "signal": "was selected"}) == (
        "stage finalist \u2192 selected (\u201cwas selected\u201d)")

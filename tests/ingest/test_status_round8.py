"""Status words of the eighth round (English): the operating stage given alone in a table
cell or a status line; the partner's money "for" a facility arriving; a sponsor that will
not go ahead with its own entry; a request for money the partner turns down; and a
company that "put nothing forward" proposes nothing."""

from __future__ import annotations

import pytest

from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex

from .helpers import status_signals as _signals

_MITRA = 21


@pytest.mark.parametrize("text", [
    "Cathode materials | Mitra Chem | Michigan | US$300m | Operating",
    "Mitra Chem's cathode plant in Michigan\n- Status: operational since May",
    "Mitra Chem's cathode plant in Michigan\n- Stage: In operation.",
])
def test_operating_alone_in_a_cell_or_status_line(gazetteer: Gazetteer, index: ProjectIndex,
                                                  text: str) -> None:
    assert (_MITRA, "operating") in _signals(text, gazetteer, index)


@pytest.mark.parametrize("text", [
    "Mitra Chem cathode plant | Operating costs | US$30m a year",
    "Mitra Chem's cathode plant in Michigan\n- Status: operating costs unknown.",
])
def test_operating_inside_a_longer_cell_names_no_stage(gazetteer: Gazetteer,
                                                       index: ProjectIndex, text: str) -> None:
    assert (_MITRA, "operating") not in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "stage"), [
    ("The Japanese cash for the Mitra Chem cathode plant finally arrived last week, the "
     "company said.", "funded"),
    ("Mitra Chem said on Friday it will not proceed with its cathode plant bid.",
     "withdrawn"),
    ("Mitra Chem has told Commerce it won't press ahead with their application for the "
     "cathode plant.", "withdrawn"),
    ("Tokyo refused Washington's request to fund the Mitra Chem cathode plant.", "declined"),
    ("Japan has turned down a fresh call for financing of the Mitra Chem cathode plant.",
     "declined"),
])
def test_wordings_with_other_words_inside(gazetteer: Gazetteer, index: ProjectIndex,
                                          text: str, stage: str) -> None:
    assert (_MITRA, stage) in _signals(text, gazetteer, index)


@pytest.mark.parametrize(("text", "stage"), [
    ("Mitra Chem says it has put nothing forward for its cathode plant yet.", "proposed"),
    ("Mitra Chem said it would go ahead with its proposal for the cathode plant.",
     "withdrawn"),
    ("If Tokyo refused the request to fund the Mitra Chem cathode plant, talks would stall.",
     "declined"),
])
def test_no_stage_from_their_opposites(gazetteer: Gazetteer, index: ProjectIndex, text: str,
                                       stage: str) -> None:
    assert (_MITRA, stage) not in _signals(text, gazetteer, index)


def test_a_notice_received_with_words_before_it(gazetteer: Gazetteer, index: ProjectIndex
                                                ) -> None:
    got = _signals("Japan received the official notice for the Mitra Chem cathode plant last "
                   "week.", gazetteer, index)
    assert (_MITRA, "notified") in got
    got = _signals("Mitra Chem received the written notice of termination for its cathode "
                   "plant.", gazetteer, index)
    assert (_MITRA, "notified") not in got


@pytest.mark.parametrize("text", [
    "Q: What about the Westinghouse reactors?\n\nA: That dossier still sits with the committee.",
    "Q: What about the Westinghouse reactors? Some expected more.\n\nA: It is still with the "
    "panel.",
])
def test_an_answer_carries_a_sponsor_named_in_the_question(gazetteer: Gazetteer,
                                                           index: ProjectIndex, text: str
                                                           ) -> None:
    # (a facility its sponsor names is no match by kind alone, however many records share it)
    got = _signals(text, gazetteer, index)
    assert any(stage == "under_review" for _, stage in got)


def test_a_crude_terminal_is_the_crude_oil_export_terminal(gazetteer: Gazetteer,
                                                           index: ProjectIndex) -> None:
    got = _signals("Q: Where is the Gulf Coast crude terminal in Texas now?\n\nA: It came "
                   "online in the spring.", gazetteer, index)
    assert (25, "operating") in got


def test_a_nickel_refinery_is_a_minerals_facility(gazetteer: Gazetteer, index: ProjectIndex
                                                  ) -> None:
    got = _signals("Sumitomo Metal Mining has filed a nickel processing plant in Arizona with "
                   "the committee.", gazetteer, index)
    assert ("Sumitomo Metal Mining nickel refinery (Arizona)", "proposed") in got

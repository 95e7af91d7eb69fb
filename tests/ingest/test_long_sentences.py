"""A sentence too long to read whole is read in pieces, so that reading an article takes
time in proportion to its length however it is punctuated (a page of one endless
sentence cannot hold a reader for minutes)."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.bounds import MAX_SENTENCE_CHARS
from pledge.ingest.text import split_sentences


def test_an_endless_sentence_is_cut_into_pieces_after_a_space_or_clause_mark() -> None:
    unit = "Toyota selected the plant, and the committee recommended the reactors "
    text = unit * 100                       # 7,000 characters, no full stop
    pieces = split_sentences(text)
    assert len(pieces) == 5
    assert all(len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
    for p in pieces:
        assert text[p.start:p.end] == p.text
    # each piece but the last ends where a word or clause ends, never inside a word
    for p in pieces[:-1]:
        assert text[p.end - 1] in ",de" and text[p.end] == " "
    # nothing is lost between the pieces
    assert "".join(text[a.start:b.start] for a, b in pairwise(pieces)
                   ) + text[pieces[-1].start:] == text


def test_a_piece_with_no_space_is_cut_at_the_limit() -> None:
    text = "日" * (MAX_SENTENCE_CHARS * 2 + 10)
    pieces = split_sentences(text)
    assert [len(p.text) for p in pieces] == [MAX_SENTENCE_CHARS, MAX_SENTENCE_CHARS, 10]


def test_sentences_of_ordinary_length_are_not_cut() -> None:
    text = ("The investment committee recommended the Texas crude oil terminal to the "
            "President on Tuesday, officials said. ") * 3
    assert [p.text for p in split_sentences(text)] == [
        "The investment committee recommended the Texas crude oil terminal to the "
        "President on Tuesday, officials said."] * 3


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=" ,a日。.\n", min_size=0, max_size=5000))
def test_every_piece_is_bounded_and_where_the_text_holds_it(text: str) -> None:
    for s in split_sentences(text):
        assert 0 < len(s.text) <= MAX_SENTENCE_CHARS
        assert text[s.start:s.end] == s.text

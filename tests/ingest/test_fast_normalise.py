"""The text is folded line by line, with the common compatibility characters replaced first,
exactly as NFKC folds it whole."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.ingest import text
from tests.ingest.helpers import NEWS

# Characters around which NFKC composes, decomposes or reorders: letters and the marks that
# combine with them (in either order), full-width forms, ligatures, Hangul syllables and
# jamo, kana with the voicing marks, spaces of every kind and line breaks.
_ALPHABET = st.sampled_from(
    list("aeAEnou .,!?-\t\n\r") + list("\u0300\u0301\u0308\u0323\u0327\u0345\u3099\u309a") +
    list("\u00a0\u2000\u2009\u200b\u2026\u3000\uff01\uff08\uff21\uff41\uff5e\uff10\uff65") +
    list("ﬁé\u00c5\u212b\u1100\u1161\u11a8\uac00\u3131\u30ab\u304b\uff76\uff9e") +
    list("\u2460\u00bd\u00b4\u02dc\u0385\u1fee\u2028\u00b5"))


def by_the_whole(t: str) -> str:
    spaces = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
    folded = unicodedata.normalize("NFKC", t.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(spaces.sub(" ", line).strip() for line in folded.split("\n"))


@settings(max_examples=600, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_folding_line_by_line_is_folding_the_whole(t: str) -> None:
    assert text.nfkc(t) == unicodedata.normalize("NFKC", t)
    assert text.normalise(t) == by_the_whole(t)


def test_each_compatibility_form_replaced_first_folds_the_same() -> None:
    # Each replaced character, before and after a letter, a combining mark and another
    marks = ["", "a", "\u0301", "\u3099", "\uff21", "\u2026", "\u00a0"]
    for c in text._COMPAT_FORMS:
        for before in marks:
            for after in marks:
                t = before + chr(c) + after
                assert text.nfkc(t) == unicodedata.normalize("NFKC", t), repr(t)


def test_every_sample_article_is_folded_as_before() -> None:
    for path in sorted(NEWS.glob("*.*")):
        if path.suffix != ".json":
            t = path.read_text(encoding="utf-8")
            assert text.normalise(t) == by_the_whole(t), path.name

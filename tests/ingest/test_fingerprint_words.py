"""The words a fingerprint is taken over, split out in bytes, are the pattern's words."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.ingest import fingerprint as fp
from tests.ingest.helpers import NEWS

# Characters that test the split: ASCII of every kind, letters that fold to ASCII ones
# (full-width, ligatures, sharp s, the Kelvin sign), curly quotes, other scripts, and the
# edges of the kana, kanji and Hangul ranges.
_ALPHABET = st.sampled_from(
    [chr(c) for c in range(128)] + list("ＡｚＺ０９ﬁßİıſKÅé’“”—…€¥₩") +
    list("\u303f\u3040\u30ff\u3100\u4dff\u4e00\u9fff\ua000\uabff\uac00\ud7af\ud7b0") +
    list("日本語한국어カナΣσςДж"))


def by_pattern(text: str) -> list[bytes]:
    """The words as the pattern defines them, each encoded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [t.encode("utf-8") for t in fp._TOKEN.findall(folded)]


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_the_words_are_the_patterns_words(text: str) -> None:
    assert fp._words(text) == by_pattern(text)


def test_the_words_of_every_sample_article() -> None:
    for path in sorted(NEWS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert fp._words(text) == by_pattern(text)
    assert fp._words("") == [] and fp._words("?! ’") == []

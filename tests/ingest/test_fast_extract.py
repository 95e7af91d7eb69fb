"""The article reader's shortcuts give what the plain computations give: the shingle hashes
made in C loops and the sketch sorted from the hashes under a bound, the test for another
facility, the language of an ASCII text, the test for control characters in bytes, the
page reader without the parser's position count, and a line's words counted without a
second scan for Japanese or Korean letters."""

from __future__ import annotations

import hashlib
import random
import re
import sys
from _markupbase import ParserBase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.ingest import fingerprint as fp
from pledge.ingest import text
from pledge.ingest.clean import (
    _ASCII_CONTROLS,
    _CONTROLS,
    _NOISE_ATTR,
    _NOISE_ROLES,
    _SKIP_TAGS,
    _has_cjk,
    _HtmlText,
    _word_count,
    html_to_text,
    looks_like_html,
)
from pledge.ingest.clean import clean as clean_text
from pledge.ingest.extract import _ANOTHER, _ANOTHER_WORDS, _another
from pledge.ingest.word_patterns import FOLDS_TO_ASCII as _FOLDS_TO_ASCII
from tests.ingest.helpers import dev_texts

# Letters of the patterns' words in both cases, the four letters that match an ASCII one
# case-blind, other scripts, spaces and punctuation.
_ALPHABET = st.sampled_from(
    list("otherOTHERsparSPARdilDILnNcCfyY -,.\n\t’") + list("カナ漢字가각") +
    list("\u0130\u0131\u017f\u212a\u00e9日本한") + ["\x00", "\x1f", "\x7f", "\x85"])
_WORDS = st.sampled_from(["other", "another", "sepaRate", "additional", "plant", "project",
                          "proposal", "new", "ſeparate", "addıtional", "anothe", "facility"])
_PHRASES = st.lists(st.one_of(_WORDS, st.text(_ALPHABET, max_size=6)), max_size=8).map(" ".join)


def _sentences() -> list[str]:
    return [s.text for t in dev_texts() for s in text.split_sentences(clean_text(t).text)]


def _plain_digests(words: list[bytes]) -> list[bytes]:
    """One new hasher a shingle."""
    if len(words) < 3:
        shingles = [b" ".join(words)] if words else []
    else:
        shingles = [b" ".join(words[i:i + 3]) for i in range(len(words) - 2)]
    return [hashlib.blake2b(s, digest_size=8).digest() for s in shingles]


def test_the_shingle_hashes_of_every_development_article() -> None:
    for t in dev_texts():
        words = fp._words(t)
        assert fp._digests(words) == _plain_digests(words)
    assert fp._digests([]) == [] and fp._digests([b"a"]) == _plain_digests([b"a"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=6), max_size=12))
def test_the_shingle_hashes_of_any_words(words: list[bytes]) -> None:
    assert fp._digests(words) == _plain_digests(words)


def test_another_facility_in_every_development_sentence() -> None:
    sentences = _sentences()
    assert any(_ANOTHER.search(s) for s in sentences)
    for s in sentences:
        assert _another(s) == bool(_ANOTHER.search(s)), s


@settings(max_examples=600, deadline=None)
@given(_PHRASES)
def test_another_facility_in_any_text(part: str) -> None:
    assert _another(part) == bool(_ANOTHER.search(part))


def test_only_the_skipped_letters_match_the_words_case_blind() -> None:
    # Every letter beyond ASCII that the pattern could read as one of its words' letters
    # makes the passage searched.
    letters = set("".join(_ANOTHER_WORDS))
    for c in map(chr, range(0x80, 0x3000)):
        if any(re.fullmatch(x, c, re.I) for x in letters):
            assert _FOLDS_TO_ASCII.match(c), hex(ord(c))


def _plain_language(t: str) -> str:
    """The language by the script counts alone."""
    sample = t[:20000]
    letters = [text._count(p, sample) for p in (text._HANGUL, text._KANA, text._HAN, text._LATIN)]
    hangul, kana, han, _ = letters
    total = sum(letters)
    if not total:
        return "en"
    if hangul >= 0.2 * total:
        return "ko"
    if kana >= 0.03 * total or (kana and han + kana >= 0.2 * total):
        return "ja"
    return "zh" if han >= 0.2 * total else "en"


def test_the_language_of_every_development_article() -> None:
    for t in dev_texts():
        assert text.detect_language(t) == _plain_language(t)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_the_language_of_any_text(t: str) -> None:
    assert text.detect_language(t) == _plain_language(t)


def test_the_ascii_control_bytes_are_the_patterns() -> None:
    ascii_matched = {c for c in range(128) if _CONTROLS.match(chr(c))}
    assert ascii_matched == set(_ASCII_CONTROLS)


def test_controls_dropped_from_every_development_article() -> None:
    for t in dev_texts():
        for noisy in (t, t + "\x00", "\x07" + t[:50] + "\x1b\x7f" + t[50:]):
            assert clean_text(noisy) == clean_text(_CONTROLS.sub("", noisy))


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_controls_dropped_from_any_text(t: str) -> None:
    assert clean_text(t, html=False) == clean_text(_CONTROLS.sub("", t), html=False)


def test_the_sketch_of_every_development_article() -> None:
    for t in dev_texts():
        digests = fp._digests(fp._words(t))
        assert fp._smallest(digests) == sorted(set(digests))[:fp.SKETCH_SIZE]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=8, max_size=8), min_size=100, max_size=400),
       st.integers(0, 255))
def test_the_sketch_of_any_hashes(digests: list[bytes], top: int) -> None:
    # (also with every hash but a few made large: too few under the bound, all are sorted;
    # and with each hash twice: repeats are counted once)
    for hashes in (digests, [bytes([top]) + d[1:] for d in digests[8:]] + digests[:8],
                   digests + digests[::-1]):
        assert fp._smallest(hashes) == sorted(set(hashes))[:fp.SKETCH_SIZE]


def test_the_sketch_of_many_random_hash_lists() -> None:
    rng = random.Random(5)
    for n in [*range(120, 140), *range(150, 2000, 37)]:
        for _ in range(20):
            hashes = [rng.getrandbits(64).to_bytes(8, "big") for _ in range(n)]
            assert fp._smallest(hashes) == sorted(set(hashes))[:fp.SKETCH_SIZE]


def test_the_sketch_with_about_a_sketchs_worth_under_the_bound() -> None:
    rng = random.Random(7)
    for n in (129, 300, 1000):
        bound = (fp._EXPECTED_BELOW << 64) // n
        for k in range(fp.SKETCH_SIZE - 3, fp.SKETCH_SIZE + 3):
            hashes = [(bound - 1 - i).to_bytes(8, "big") for i in range(k)] + \
                [(bound + i).to_bytes(8, "big") for i in range(n - k)]
            rng.shuffle(hashes)
            assert fp._smallest(hashes) == sorted(set(hashes))[:fp.SKETCH_SIZE]


class _PlainHtmlText(_HtmlText):
    """The page reader with the parser's own position count, checking at each end tag
    that the test for an open tag of its name is the loop over the open tags."""

    updatepos = ParserBase.updatepos
    end_tags = 0    # (how many end tags this class has read: it is the one in use)

    def _noise(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        # (the attributes of noise looked through as first written: "hidden" in a pass
        # of its own)
        if tag in _SKIP_TAGS or (tag == "header" and not self.article_depth):
            return True
        for name, value in attrs:
            if not value:
                continue
            if name in ("class", "id", "data-component", "data-testid") and \
                    _NOISE_ATTR.search(value):
                return True
            if name == "role" and value.lower() in _NOISE_ROLES:
                return True
            if name == "aria-hidden" and value == "true":
                return True
        return any(name == "hidden" for name, _ in attrs)

    def handle_endtag(self, tag: str) -> None:
        _PlainHtmlText.end_tags += 1
        open_by_loop = any(t == tag for t, _ in self.stack)
        assert open_by_loop == ((tag, False) in self.stack or (tag, True) in self.stack)
        super().handle_endtag(tag)


def _plain_html_to_text(page: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    with monkeypatch.context() as m:
        m.setattr(sys.modules["pledge.ingest.clean"], "_HtmlText", _PlainHtmlText)
        return html_to_text(page)


_MARKUP = st.sampled_from([
    "<p>", "</p>", "<div class='share-bar'>", "<div>", "</div>", "<article>", "</article>",
    "<br>", "<br/>", "<li>", "</li>", "<table><tr><td>", "</td>", "<th>", "</tr>", "<h1>",
    "</h1>", "<title>", "</title>", "<span hidden>", "<span>", "</span>", "<!-- c -->",
    "<script>x < y</script>", "<header>", "</header>", "<nav>", "</nav>", "&amp;", "&#8217;",
    "Plant", " opens ", "\n", "2026.", "<", ">", "</>", "<img src=x>", "<div hidden>",
    "<p aria-hidden='true'>", "<p aria-hidden=false>", "<span role='Navigation'>",
    "<div class>", "<p class='body' hidden>", "<div id='nav-bar'>", "<section role=main>"])


def test_the_text_of_every_development_page(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [t for t in dev_texts() if looks_like_html(t)]
    assert pages
    for page in pages:
        assert html_to_text(page) == _plain_html_to_text(page, monkeypatch)
    assert _PlainHtmlText.end_tags > 0


@settings(max_examples=400, deadline=None)
@given(st.lists(_MARKUP, max_size=30).map("".join))
def test_the_text_of_any_page(page: str) -> None:
    with pytest.MonkeyPatch.context() as m:
        assert html_to_text(page) == _plain_html_to_text(page, m)


def _dev_lines() -> list[str]:
    return [line for t in dev_texts() for line in text.normalise(t).split("\n") if line]


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_the_words_of_a_line_told_it_holds_no_cjk(line: str) -> None:
    assert _word_count(line, _has_cjk(line)) == _word_count(line)


def test_the_words_of_every_development_line() -> None:
    lines = _dev_lines()
    assert any(_has_cjk(ln) for ln in lines)
    for ln in lines:
        assert _word_count(ln, _has_cjk(ln)) == _word_count(ln)

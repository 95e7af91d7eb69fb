"""Telling the same article again: an exact hash and a near-duplicate fingerprint.

Both are taken over the *cleaned* text, normalised further (NFKC, case folded,
punctuation and spacing dropped), so the same story saved from two sites with
different noise around it hashes the same.

Near copies are told by the overlap of their shingles (overlapping three-word
runs; Japanese and Korean: three characters, as those scripts do not space
words). Two summaries of the shingle set are kept:

* a *sketch* (bottom-k MinHash): the :data:`SKETCH_SIZE` smallest 64-bit shingle
  hashes. The share of the union's smallest hashes found in both sketches
  estimates the Jaccard overlap of the two texts; :data:`NEAR_JACCARD` or more is a
  near copy (a changed byline, a dropped line of noise, a few edited words).
  Different articles on one subject share far less.
* a 64-bit SimHash, short enough to index; texts within :data:`NEAR_BITS` bits
  are near copies without looking further.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections import deque
from itertools import repeat
from typing import Final

__all__ = ["NEAR_BITS", "NEAR_JACCARD", "SKETCH_SIZE", "content_hash", "distance", "jaccard",
           "near", "near_copy", "shingle_hashes", "simhash", "sketch", "summary"]

NEAR_BITS: Final = 3
NEAR_JACCARD: Final = 0.6
SKETCH_SIZE: Final = 64
_TOKEN: Final = re.compile(r"[0-9a-z]+|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


# A letter of the scripts whose every letter is a word of its own (as in ``_TOKEN``).
_CJK_LETTER: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# Bytes kept in a word: ASCII digits and small letters; every other byte becomes a space.
_WORD_BYTES: Final = bytes(c if c in b"0123456789abcdefghijklmnopqrstuvwxyz" else 0x20
                           for c in range(256))


def _words(text: str) -> list[bytes]:
    """The text's words (the matches of ``_TOKEN`` in its folded form), UTF-8 encoded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii() or not _CJK_LETTER.search(folded):
        # Without those scripts a word is a run of ASCII digits and small letters, and any
        # other character parts words: in bytes, each such character (a non-ASCII one made
        # "?" first) becomes a space and the words are split out in C, already encoded.
        return folded.encode("ascii", "replace").translate(_WORD_BYTES).split()
    # (no word holds a space: the words joined by spaces, encoded once, split back apart)
    return " ".join(_TOKEN.findall(folded)).encode("utf-8").split()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text's words, so spacing, case and punctuation do not count."""
    return _content_hash(_words(text))


def _content_hash(words: list[bytes]) -> str:
    return hashlib.sha256(b" ".join(words)).hexdigest()


def shingle_hashes(text: str) -> list[int]:
    """A 64-bit hash of each shingle of the text."""
    return [int.from_bytes(d, "big") for d in _digests(_words(text))]


def _digests(words: list[bytes]) -> list[bytes]:
    """Each shingle's hash as 8 bytes, big-endian (so bytes order as the numbers do)."""
    if len(words) < 3:
        shingles = [b" ".join(words)] if words else []
    else:
        shingles = list(map(b" ".join, zip(words, words[1:], words[2:], strict=False)))
    # Copying a fresh hasher is cheaper than making one; the copies are made, fed and read
    # by ``map`` with the hasher's own methods, so the loops over the shingles run in C.
    hashers = list(map(_COPY, repeat(_BLAKE8, len(shingles))))
    deque(map(_UPDATE, hashers, shingles), 0)     # (update returns None: nothing kept)
    return list(map(_DIGEST, hashers))


_BLAKE8: Final = hashlib.blake2b(digest_size=8)   # never updated: only copied
_COPY: Final = hashlib.blake2b.copy
_UPDATE: Final = hashlib.blake2b.update
_DIGEST: Final = hashlib.blake2b.digest


def summary(text: str) -> tuple[str, str, str]:
    """The text's exact hash, SimHash and sketch (its words read once for the three)."""
    words = _words(text)
    digests = _digests(words)
    return (_content_hash(words), _simhash(b"".join(digests), len(digests)),
            b"".join(_smallest(digests)).hex())


def _smallest(digests: list[bytes]) -> list[bytes]:
    """The :data:`SKETCH_SIZE` smallest distinct digests, in order: ``sorted(set(digests))``
    cut to that many. Hashes are spread evenly, so of a longer text only those below a
    bound that about half again as many fall under are sorted; when fewer than enough do,
    all are. (Sorting a few hundred hashes in C is faster than a heap.)"""
    n = len(digests)
    if n > 2 * SKETCH_SIZE:
        bound = ((_EXPECTED_BELOW << 64) // n).to_bytes(8, "big")
        below = set(filter(bound.__gt__, digests))
        if len(below) >= SKETCH_SIZE:    # (every digest left out is above all of these)
            return sorted(below)[:SKETCH_SIZE]
    return sorted(set(digests))[:SKETCH_SIZE]


# Digests expected under the bound (their count varies by about 10 either way): fewer
# than a sketch's fall under it in about one text in 5,000.
_EXPECTED_BELOW: Final = 100


def sketch(hashes: list[int]) -> str:
    """The bottom-k MinHash sketch of shingle hashes, as hex (16 digits a hash)."""
    smallest = sorted(set(hashes))[:SKETCH_SIZE]
    return "".join(f"{h:016x}" for h in smallest)


def _values(sketch_hex: str) -> set[int]:
    return {int(sketch_hex[i:i + 16], 16) for i in range(0, len(sketch_hex), 16)}


def jaccard(a: str, b: str) -> float:
    """Estimated Jaccard overlap of two texts from their sketches."""
    sa, sb = _values(a), _values(b)
    if not sa or not sb:
        return 1.0 if sa == sb else 0.0
    union = heapq.nsmallest(SKETCH_SIZE, sa | sb)
    both = sa & sb
    return sum(1 for h in union if h in both) / len(union)


def near_copy(sketch_a: str, simhash_a: str, sketch_b: str, simhash_b: str) -> bool:
    """Whether two texts are near copies (see the module docstring)."""
    return near(simhash_a, simhash_b) or jaccard(sketch_a, sketch_b) >= NEAR_JACCARD


def simhash(text: str | list[int]) -> str:
    """The 64-bit SimHash of the text's shingles (or of given shingle hashes), as 16 hex
    digits."""
    hashes = shingle_hashes(text) if isinstance(text, str) else text
    return _simhash(b"".join([h.to_bytes(8, "big") for h in hashes]), len(hashes))


def _simhash(joined: bytes, n: int) -> str:
    """SimHash of ``n`` 8-byte big-endian hashes written one after another."""
    # Count, for each of the 64 bit positions, how many hashes have it set, with integer
    # arithmetic rather than a loop per hash: byte k of every hash is every 8th byte from
    # k; read as one integer and masked to bit b of each byte, the bits set are counted.
    # (the eight masks are made once, not shifted for each of the 64 counts)
    value = 0
    low_bits = int.from_bytes(b"\x01" * n, "big")
    masks = [(low_bits << b, 1 << b) for b in range(8)]
    for k in range(8):
        column = int.from_bytes(joined[k::8], "big")
        value <<= 8
        for mask, bit in masks:
            if 2 * (column & mask).bit_count() > n:
                value |= bit
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """How many bits two fingerprints differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near(a: str, b: str, bits: int = NEAR_BITS) -> bool:
    """Whether two fingerprints belong to near-identical texts."""
    return distance(a, b) <= bits

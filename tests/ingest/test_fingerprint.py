"""The same article twice, or a near-identical copy, is recognised; different ones are not."""

from __future__ import annotations

import hashlib

from pledge.ingest import fingerprint as fp
from pledge.ingest.clean import clean
from tests.ingest.helpers import NEWS, SEED_000, SEED_003


def sig(text: str) -> tuple[str, str]:
    hashes = fp.shingle_hashes(text)
    return fp.sketch(hashes), fp.simhash(hashes)


def test_the_exact_hash_ignores_spacing_case_and_punctuation() -> None:
    assert fp.content_hash("Japan  names THREE projects.") == fp.content_hash(
        "japan names three projects")
    assert fp.content_hash("a b c") != fp.content_hash("a b d")


def test_a_syndicated_copy_is_a_near_copy() -> None:
    wire = clean((NEWS / "en_tranche1_wire.txt").read_text(encoding="utf-8"),
                 name="x.txt").text
    copy = clean((NEWS / "en_tranche1_syndicated.html").read_text(encoding="utf-8"),
                 name="x.html").text
    assert wire != copy
    assert fp.jaccard(sig(wire)[0], sig(copy)[0]) >= fp.NEAR_JACCARD
    assert fp.near_copy(*sig(wire), *sig(copy))


def test_different_articles_on_the_same_subject_are_not() -> None:
    texts = [clean(p.read_text(encoding="utf-8"), name=p.name).text
             for p in (SEED_000, SEED_003, *sorted(NEWS.glob("ja_*.txt")))]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            assert not fp.near_copy(*sig(a), *sig(b))


def blake8(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def plain_simhash(hashes: list[int]) -> str:
    """SimHash the textbook way, one bit position at a time: set where most hashes have it."""
    bits = [2 * sum((h >> b) & 1 for h in hashes) > len(hashes) for b in range(64)]
    return f"{sum(1 << b for b, on in enumerate(bits) if on):016x}"


def test_simhash_is_the_majority_of_each_bit() -> None:
    # Small cases by hand: a bit is set when more than half of the hashes set it.
    assert fp.simhash([0b01, 0b11, 0b10]) == "0000000000000003"   # 2 of 3 for both bits
    assert fp.simhash([0b01, 0b10]) == "0000000000000000"         # 1 of 2 is no majority
    assert fp.simhash([2**64 - 1, 2**63, 2**63 + 1]) == "8000000000000001"
    assert fp.simhash([]) == "0000000000000000"
    # One shingle ("japan names three", after case folding): its hash is the fingerprint.
    assert fp.simhash("Japan names THREE.") == f"{blake8('japan names three'):016x}"
    assert fp.shingle_hashes("Japan names three projects.") == [
        blake8("japan names three"), blake8("names three projects")]
    # A real article (in English, with a Korean credit line), against the count made one
    # bit position at a time over its shingles' hashes.
    text = SEED_000.read_text(encoding="utf-8")
    hashes = fp.shingle_hashes(text)
    assert len(hashes) > 300
    assert fp.simhash(text) == fp.simhash(hashes) == plain_simhash(hashes)
    assert fp.distance(fp.simhash(text), fp.simhash(text + " Extra words here.")) <= 3

"""The same article twice, or a near-identical copy, is recognised; different ones are not."""

from __future__ import annotations

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


def test_simhash_of_the_same_text_is_stable() -> None:
    text = SEED_000.read_text(encoding="utf-8")
    assert fp.simhash(text) == fp.simhash(text) and len(fp.simhash(text)) == 16
    assert fp.distance(fp.simhash(text), fp.simhash(text + " Extra words here.")) <= 3

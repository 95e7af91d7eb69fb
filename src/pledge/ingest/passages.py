"""An article's cleaned text cut for reading: paragraphs of passages, the sentences facts
were read from marked (pure: the review page and ``pledge review article`` draw it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Passage", "evidence_sentences", "passages"]


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of an article's cleaned text; ``evidence`` when a fact was read from it."""

    text: str
    evidence: bool


def evidence_sentences(facts: dict[str, Any]) -> set[str]:
    """Every sentence a fact in ``facts`` (an article's stored ``facts`` object) cites."""
    found: set[str] = set()
    for value in (facts.get("facts") or {}).values():
        for item in value if isinstance(value, list) else []:
            sentence = item.get("sentence") if isinstance(item, dict) else None
            if sentence:
                found.add(str(sentence))
    return found


def passages(text: str, evidence: set[str]) -> list[list[Passage]]:
    """``text`` as paragraphs (its non-blank lines), each cut into passages: the
    ``evidence`` sentences it contains (the longest first, never overlapping) and the
    stretches between them."""
    marks = sorted(evidence, key=len, reverse=True)
    paragraphs = []
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        spans: list[tuple[int, int]] = []
        for sentence in marks:
            start = para.find(sentence)
            while start >= 0:
                end = start + len(sentence)
                if not any(a < end and start < b for a, b in spans):
                    spans.append((start, end))
                start = para.find(sentence, end)
        out, at = [], 0
        for a, b in sorted(spans):
            if a > at:
                out.append(Passage(para[at:a], False))
            out.append(Passage(para[a:b], True))
            at = b
        if at < len(para):
            out.append(Passage(para[at:], False))
        paragraphs.append(out)
    return paragraphs

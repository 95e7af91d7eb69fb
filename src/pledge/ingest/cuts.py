"""Where a sentence that lists several facilities is cut into parts, one per facility."""

from __future__ import annotations

import re
from typing import Any, Final

from pledge.ingest.phrases import Hit
from pledge.ingest.reading import SentenceRead

# Where a sentence may be cut between the items it lists: list separators (", ", ", and",
# "; ", "、", " 및 ") just before the next item, and clause breaks (", while", ", whereas")
_SEPARATOR: Final = re.compile(
    r"(?:,\s+(?:and\s+)?(?:(?:an?|the)\s+)?|;\s*|\s+and\s+(?:(?:an?|the)\s+)?|[、，]\s*|"
    r"\s+및\s+|\s*[·]\s*|(?<=[\u3040-\u30ff\u3400-\u9fff])と|(?<=[가-힣])(?:과|와)\s+)$")
# ... and, in Japanese headlines, a space between two clauses ("銅製錬所を選定　ディスプレー
# 工場は見送り"; Japanese puts no space between words).
_CJK: Final = "\u3040-\u30ff\u3400-\u9fff"
# (Its first character is read by one class, then told apart by a look back, so that the
# scan skips quickly: the same matches as
# ",\s+(?:while|whereas|but)\s+|(?<=[CJK])\s+(?=[CJK])".)
CLAUSE_BREAK: Final = re.compile(rf"[,\s](?:(?<=,)\s+(?:while|whereas|but)\s+"
                                 rf"|(?<=[{_CJK}]\s)\s*(?=[{_CJK}]))")
# ... and, in Korean and Japanese headlines, an ellipsis joining two stories ("가스터빈 공장
# 추천...제련소는 통보"; "工場を承認…撤回も").
_HEADLINE_JOIN: Final = re.compile(rf"(?<=[{_CJK}가-힣])\s*(?:\.{{3}}|…)\s*(?=[{_CJK}가-힣])")
# ... and a clause set against the one before ("자금이 집행된 반면, ...", "払い込まれた一方、
# ...", "was funded whereas the port ..."): each side speaks of its own project.
CONTRAST: Final = re.compile(r"(?<=반면)[,，]?\s*|(?<=一方)[、，]?|(?<=\S)\s+whereas\s+")
_SEPARATOR_ENDS: Final = frozenset(";、，·と")
_WORD_CHAR: Final = re.compile(r"[\w\s-]")
_ITEM_GAP: Final = 12   # characters of words allowed between a separator and its item


def _separator(head: str) -> re.Match[str] | None:
    """``_SEPARATOR.search(head)``, searched only where it can be: a separator ends with a
    blank or one of ";、，·", and holds at most three runs of non-blanks (", and the "), so
    it starts no earlier than the blank before the head's third-last word."""
    if not head or not (head[-1].isspace() or head[-1] in _SEPARATOR_ENDS):
        return None
    words = head.rsplit(None, 3)
    return _SEPARATOR.search(head, len(words[0]) if len(words) == 4 else 0)


def passage_cuts(text: str, r: SentenceRead) -> list[int]:
    """Where to cut a sentence that lists several items, each a facility or a company with
    its own facility or amount ("SoftBank up to $25bn of power, Toshiba up to $25bn of
    transformers"; "a gas plant, a diamond factory and an oil port"). A cut is kept only
    if the text on both sides names a facility or an amount."""
    # Items start with a facility or a company; in Japanese and Korean lists ("、") also with
    # a place ("ペンシルベニア州、テキサス州での...").
    if len(r.types) + len(r.amounts) < 2:
        return []   # (most sentences: one facility or amount at most)
    payload = sorted({h.start for h in r.types} | {a.start for a in r.amounts})
    if len(payload) < 2:
        return []   # a cut needs a facility or an amount on both sides
    items: list[Hit[Any]] = [*r.types, *r.orgs]
    where: list[Hit[Any]] = [*r.states, *r.sites]
    starts = sorted({h.start for h in items})
    places = {h.start for h in where
              if text[max(0, h.start - 2):h.start].rstrip()[-1:] in ("、", "，")}
    candidates: set[int] = set()
    for pos in sorted(set(starts) | places):
        if pos <= payload[0]:
            # (a cut here would stand before the first facility or amount, with none
            # before it: the item's separator is never a cut, nor the end of one's part)
            continue
        window = text[max(0, pos - 40 - _ITEM_GAP):pos]
        size = len(window)
        # The separator may stand up to _ITEM_GAP characters of words before the item: the
        # head ends where it would end, the tail (words only) runs on to the item.
        for gap in range(0, min(_ITEM_GAP, size) + 1):
            end = size - gap
            if gap and not _WORD_CHAR.match(window, end):
                break   # the tail would hold something besides words
            if not end or not (window[end - 1].isspace() or window[end - 1] in _SEPARATOR_ENDS):
                continue    # (no separator ends here: see _separator, spared the slice)
            m = _separator(window[:end])
            if m is not None and (gap == 0 or window[end:].strip()):
                candidates.add(pos - gap - (end - m.start()))
                break
    if not text.isascii() or "while" in text or "whereas" in text or "but" in text:
        # (a clause break is one of those words after a comma, or a blank between two
        # letters of Japanese or Chinese)
        candidates.update(m.start() for m in CLAUSE_BREAK.finditer(text))
    if "반면" in text or "一方" in text or "whereas" in text:
        candidates.update(m.start() for m in CONTRAST.finditer(text))
    if "..." in text or "…" in text:
        candidates.update(m.start() for m in _HEADLINE_JOIN.finditer(text))
    anchors = sorted((h.start, h.value.key) for h in r.types)
    cuts: list[int] = []
    last = 0
    ordered = sorted(candidates)
    for i, cut in enumerate(ordered):
        if cut <= last or cut > payload[-1]:
            continue    # (in the part cut before, or with no facility or amount after it)
        if not any(last <= p < cut for p in payload):
            continue    # (none before it)
        # "power modules and transformers": two words for one kind of facility, one item.
        prior = [k for p, k in anchors if last <= p < cut]
        first_after = next((k for p, k in anchors if p >= cut), None)
        if prior and prior[-1] == first_after:
            end = ordered[i + 1] if i + 1 < len(ordered) else len(text)
            # (a place of its own also makes an item: "a gas plant in Pennsylvania was
            # funded, and the one in Texas notified")
            states_before = {h.value for h in r.states if last <= h.start < cut}
            own = any(cut <= a.start < end for a in r.amounts) or \
                any(cut <= h.start < end for h in r.orgs) or \
                (bool(states_before) and any(cut <= h.start < end
                                             and h.value not in states_before
                                             for h in r.states))
            if not own:
                continue
        cuts.append(cut)
        last = cut
    return cuts

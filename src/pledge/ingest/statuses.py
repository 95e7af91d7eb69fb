"""Status words tied to projects: to the passages of their own sentence, or, when a
sentence speaks of projects in general ("three projects were seen as finalists"), to
the projects named in the sentences around it; a sentence that names none carries on the
subject of the one before ("It was approved", "They were", "- Status: funded" under a
heading, the items listed under "Projects selected:"). One status per project for the
article, the one furthest along the lifecycle. Who says a word, and of what, is checked
in :mod:`pledge.ingest.status_context`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Final

from pledge.domain.lifecycle import Stage, further
from pledge.ingest.facts import REPORT_CONFIDENCE, Mention, StatusFact, unique_by
from pledge.ingest.gazetteer import Gazetteer, Signal
from pledge.ingest.phrases import Hit
from pledge.ingest.reading import SentenceRead
from pledge.ingest.role_refs import (
    answers_question,
    counts_other,
    names_a_facility,
    partner_acts,
    refers_by_role,
)
from pledge.ingest.status_context import (
    bare_plural,
    by_committee,
    by_other_body,
    company_chooses,
    defines,
    nameless,
    of_any_project,
    of_projects_in_general,
    only_one_project,
    said_of_another,
    speaks_of_many,
)
from pledge.ingest.status_guards import apart_from_programme, names_a_site, refused
from pledge.ingest.status_owners import owners as _owners
from pledge.ingest.word_patterns import may_hold, plain_lower

_COUNT: Final = re.compile(
    r"\b(two|three|four|five)\b|(\d)\s?(?:つの|案件|件|건|개|곳|projects?\b)|([二三四五])つの|"
    r"(두|세|네) ",
    re.I)
# The same, as three patterns scanned apart, each opening with the characters it may start
# with (so the regex engine skips at once to them, where the one pattern, whose branches
# open otherwise, is tried at every character); group 1 is the number. What each finds
# starts with a character no other may start with (a "t" or "f" opening a word, a digit, a
# Japanese or Korean numeral), and none may start inside another's find (the "t" of
# "projects" opens no word), so their finds, in order, are the finds of :data:`_COUNT`.
_COUNT_PARTS: Final = (
    re.compile(r"([tTfF](?<!\w.)(?i:(?<=[tT])(?:wo|hree)|(?<=[fF])(?:our|ive)))\b"),
    re.compile(r"(\d)\s?(?:つの|案件|件|건|개|곳|(?i:projects?)\b)"),
    re.compile(r"([二三四五두세네])(?:(?<=[二三四五])つの|(?<=[두세네]) )"))
_COUNT_WORDS: Final = ("two", "three", "four", "five")
_NUMBERS: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "二": 2, "三": 3, "四": 4,
                   "五": 5, "두": 2, "세": 3, "네": 4}


# A count that names the larger group a project was taken from ("picked from the three
# projects", "one of two approved"): the sentence speaks of that one project only.
_PART_OF: Final = re.compile(r"\b(?:from|of|among)\s+(?:the\s+|these\s+|those\s+)?$", re.I)


def _counts(text: str) -> list[re.Match[str]]:
    """What :data:`_COUNT` finds in ``text``, in order (from :data:`_COUNT_PARTS`; an ASCII
    text is not searched for numerals outside ASCII, nor for a digit it lacks)."""
    word, digit, numeral = _COUNT_PARTS
    # (a word of a count stands in small letters in the text lower-cased, when that keeps
    # the places of its ASCII words: a text holding none of them is spared the scan)
    low = plain_lower(text)
    found = list(word.finditer(text)) if low is None or any(
        w in low for w in _COUNT_WORDS) else []
    ascii_text = text.isascii()
    if not ascii_text or any(d in text for d in "0123456789"):
        found += digit.finditer(text)
    if not ascii_text:
        found += numeral.finditer(text)
    found.sort(key=lambda x: x.start())
    return found


def _stated_count(text: str) -> int | None:
    """How many projects a sentence says it speaks of ("three projects", "3つの案件")."""
    m = next((x for x in _counts(text) if not counts_other(text, x.end())), None)
    if m is None or _PART_OF.search(text, max(0, m.start() - 12), m.start()):
        return None   # ("two people familiar with the matter": no group of projects)
    word = m.group(1)
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _gather(order: Iterable[int], by_sentence: dict[int, list[Mention]],
            count: int | None, skip: frozenset[Any] = frozenset()) -> list[Mention]:
    """Mentions of distinct projects from the sentences in ``order``: those of the first
    sentence naming any, or, with a stated count, the ``count`` most confidently matched
    known projects of those sentences (a supplier named in passing is not one of "the
    three projects")."""
    out: list[Mention] = []
    seen: set[Any] = set(skip)
    for j in order:
        for m in by_sentence.get(j, []):
            key = m.project_id if m.project_id is not None else m.descriptor
            if key not in seen and (m.project_id is not None or count is None):
                seen.add(key)
                out.append(m)
        if out and count is None:
            break
    if count is None or len(out) <= count:
        return out
    ranked = sorted(range(len(out)), key=lambda i: (-out[i].confidence, i))[:count]
    return [out[i] for i in sorted(ranked)]


def _listing(order: Iterable[int], by_sentence: dict[int, list[Mention]], count: int,
             resolved: dict[int, list[Mention]]) -> list[Mention]:
    """The projects of the nearest sentence in ``order`` that names ``count`` known projects
    of its own ("the three candidates" are the three a sentence listed)."""
    for j in order:
        own = [x for m in by_sentence.get(j, []) if m.via == "passage"
               for x in resolved.get(id(m), [m])]
        here = unique_by([m for m in own if m.project_id is not None],
                          lambda m: m.project_id)
        if len(here) == count:
            return here
    return []


def _coreferents(g: Gazetteer, by_sentence: dict[int, list[Mention]],
                 kinds: Mapping[int, frozenset[str]]) -> dict[int, list[Mention]]:
    """Passages that name a kind of facility but match no known project ("Japan picked a
    small reactor and gas plants"), resolved to the known projects of that kind that the
    next sentences (else the sentences just before) name: id(mention) -> those mentions.
    A project is of the kinds its passage names and those of its record (``kinds``), and
    of the broader kinds they fall under ("a smelter" is Falcon Copper's copper smelter).
    A facility its own company names is not another company's project of its kind."""
    def of(x: Mention) -> set[str]:
        own = set(x.types) | set(kinds.get(x.project_id, ()) if x.project_id else ())
        return own | {g.types[t].broader for t in own if t in g.types and g.types[t].broader}

    out: dict[int, list[Mention]] = {}
    for i, ms in by_sentence.items():
        for m in ms:
            if not m.types or (m.project_id is not None and (
                    m.orgs or m.confidence > _BY_KIND_ALONE)):
                continue   # (a project matched by its kind alone may be another of it)
            wanted = set(m.types)
            orders = (range(i + 1, i + 5), range(i - 1, i - 4, -1))
            if m.via == "back reference":
                orders = orders[::-1]   # "the reactor programme": the one named before
            for order in orders:
                found = unique_by(
                    [x for j in order for x in by_sentence.get(j, [])
                     if (x.project_id is not None
                         or (not m.orgs and x.orgs and x.via == "passage"))
                     and x.confidence >= REPORT_CONFIDENCE and wanted & of(x)
                     and not (m.orgs and x.orgs and not set(m.orgs) & set(x.orgs))
                     and (m.project_id is None or x.confidence > m.confidence)],
                    lambda x: x.project_id or x.descriptor)
                if found:
                    out[id(m)] = found
                    break
    return out


def status_facts(g: Gazetteer, reads: list[SentenceRead], by_sentence: dict[int, list[Mention]],
                 heads: Mapping[int, tuple[int, str, str]] | None = None,
                 kinds: Mapping[int, frozenset[str]] | None = None) -> list[StatusFact]:
    """The status facts of an article. ``heads``: for a project recorded twice, a duplicate
    report's own stage and the id and name of the row that stands for the project: a stage
    that would move the report on is said of that row (only it may move on while they are
    linked); one the report has already reached stays with the report. ``kinds``: the
    facility types of each known project's record."""
    out: list[StatusFact] = []
    resolved = _coreferents(g, by_sentence, kinds or {})
    for r in reads:
        s = r.sentence
        if not r.signals or any(defines(s.text, h) for h in r.signals):
            continue   # a key to a table's words ('"Funded" means Japan has paid'): no project
        # what the sentence as a whole says, read once for all its status words (each a
        # scan of the whole sentence)
        count = _stated_count(s.text) or _chained_count(reads, s.index)
        many = speaks_of_many(s.text)
        of_round: bool | None = None    # whether a later round is named: when first asked
        for h in r.signals:
            stage = h.value.stage
            if stage is None or (stage == Stage.UNDER_REVIEW and _own_plans(g, r, h)) or \
                    of_any_project(s.text, h) or of_projects_in_general(s.text, h):
                continue   # "each selected project": any project, none in particular
            if by_other_body(s.text, h) or company_chooses(r, h) or \
                    names_a_site(s.text, h) or apart_from_programme(s.text, h):
                continue   # "a tax deal the commissioners approved": not the programme's
            if h.text.lower() in _CANDIDATE_WORDS:
                if of_round is None:
                    of_round = _of_a_round(reads, s.index)
                if of_round:
                    stage = Stage.FINALIST.value   # a candidate for a named round: a finalist
            if refused(s.text, h):
                stage = Stage.DECLINED.value   # "出資要請を断った": the request turned down
            if stage == Stage.SELECTED and by_committee(s.text, h):
                stage = Stage.RECOMMENDED.value   # only the President selects
            own = by_sentence.get(s.index, [])
            targets: list[tuple[Mention, float]] = []
            group = "group_nouns" in r.cues
            back = range(s.index - 1, max(-1, s.index - 7), -1)
            ahead = range(s.index + 1, s.index + (9 if count else 3))
            if own:
                targets = [(m, 0.8) for m in _owners(own, h, r.orgs)]
                named = {m.project_id for m in own if m.project_id is not None}
                if group and count and len(named) < count and _group_nearer(s.text, h, own):
                    # "3 projects confirmed ... the Ohio gas plant": the rest come next.
                    more = _gather(ahead, by_sentence, count - len(named), frozenset(named))
                    targets += [(m, 0.65) for m in more]
                    named |= {m.project_id for m in more if m.project_id is not None}
                if "group_back_references" in r.cues and count and len(named) < count:
                    # "the two plants were named as candidates, alongside reactors from
                    # GE Vernova": the two are the ones a sentence before listed.
                    more = [m for m in _listing(back, by_sentence, count, resolved)
                            if m.project_id not in named]
                    targets += [(m, 0.65) for m in more]
            elif _FIELD_LINE.match(s.text) or (
                    (r.pronoun or _OBJECT_IT.match(s.text, h.end)
                     or _CJK_OBJECT.search(s.text, max(0, h.start - 6), h.start))
                    and not r.types and not r.orgs
                    and not _A_FACILITY.search(s.text, 0, h.start)):
                # "- Status: funded in full in April": the project of the heading above
                targets = [(m, 0.7) for m in _carried(back, by_sentence, 5)]
            elif not r.orgs and not _A_FACILITY.search(s.text, 0, h.start) and \
                    refers_by_role(s.text, h.start, h.end):
                # "The component maker's entry is still being examined": the sponsor, or
                # the project, named in the sentences just before
                targets = [(m, 0.7) for m in _carried(back, by_sentence, 2)]
            elif stage in (Stage.NOTIFIED, Stage.FUNDED) and not r.orgs and not r.types \
                    and partner_acts(s.text, h.end):
                # "Japan received formal notice in November": of the project just named
                targets = [(m, 0.7) for m in _carried(back, by_sentence, 1)]
            elif not r.orgs and not r.types and answers_question(
                    [reads[j].sentence.text for j in range(max(0, s.index - 2), s.index)]):
                # "Q: And the reactors in Tennessee?" "A: Japan was notified on Nov 20."
                targets = [(m, 0.7) for m in _carried(back, by_sentence, 2)]
            elif _THEY.match(s.text) and not r.types and not r.orgs:
                # "They were approved on Friday": every project the sentence before named
                targets = [(m, 0.7) for m in _named_before(back, by_sentence)]
            elif s.text.rstrip().endswith((":", "：")) and (
                    group or _ENDS_AT_COLON.fullmatch(s.text, h.end)):
                # "Projects selected by the President:", "the President has approved:"
                # and the items listed under it
                targets = [(m, 0.7) for m in _items_after(reads, s.index, by_sentence)]
            elif "group_back_references" in r.cues:
                found = _listing(back, by_sentence, count, resolved) if count else []
                base = 0.7
                if not found:
                    found = _gather(back, by_sentence, count or None)
                    # as many projects as the sentence says: as sure as a listing
                    base = 0.7 if count and len(found) == count else 0.6
                if not found and group and count:
                    # "the three projects below were selected": none named before, so
                    # the ones listed next
                    found = _gather(ahead, by_sentence, count)
                    base = 0.7 if len(found) == count else 0.6
                targets = [(m, base) for m in found]
            elif group and not count and only_one_project(r):
                # "Tokyo transferred $18bn against a total project cost of ...": the
                # project of the sentence before, not the ones named next
                targets = [(m, 0.7) for m in _carried(back, by_sentence, 1)]
            elif group and not count and (bare_plural(r) or names_a_facility(s.text, h.start)):
                pass   # "projects someone else picks": projects in general; "パネル工場案件は":
                #        a facility of its own, not the projects named next
            elif group:
                found = _gather(ahead, by_sentence, count)
                if not found and count and "tranche_words" not in r.cues:
                    # "the committee keeps reviewing the three projects" after they were
                    # named; a sentence naming a tranche may speak of another one.
                    found = _listing(back, by_sentence, count, resolved)
                targets = [(m, 0.7) for m in found]
            for m, base in targets:
                if (m.via == "passage" and said_of_another(r, h, m)) or (
                        many and not m.orgs and m.confidence <= _BY_KIND_ALONE):
                    continue
                for t in resolved.get(id(m), [m]):
                    if t.project_id is None and nameless(g, t.descriptor):
                        continue   # "nuclear reactors": no company, no place
                    confidence = round(base * (0.6 + 0.4 * max(m.confidence, t.confidence)),
                                       2)
                    pid, name = t.project_id, t.project or t.descriptor
                    head = heads.get(pid) if heads and pid is not None else None
                    if head is not None and further(stage, head[2]):
                        pid, name = head[0], head[1]
                    out.append(StatusFact(name, pid, stage, h.value.reported, h.text,
                                          s.index, s.text, confidence))
    return _current(_furthest(_fullest_names(out, by_sentence)))


# A line of a fact sheet or a list that gives a project's status under its heading
# ("- Status: selected July 14", "状況：稼働中", "현황: 선정").
_FIELD_LINE: Final = re.compile(
    r"\s*(?:[-*•·]\s*)?(?:Status|Stage|Latest|Progress|状況|進捗|現状|상태|현황|진행 상황)"
    r"\s*[:：]")


def _carried(order: Iterable[int], by_sentence: dict[int, list[Mention]],
             within: int) -> list[Mention]:
    """The one project of the nearest sentence in ``order`` (at most ``within`` sentences
    away) that names any: the subject a sentence without one carries on."""
    for k, j in enumerate(order):
        if k >= within:
            break
        ms = [m for m in by_sentence.get(j, []) if m.confidence > _BY_KIND_ALONE or m.orgs]
        if ms:
            keys = {m.project_id if m.project_id is not None else m.descriptor for m in ms}
            return ms[-1:] if len(keys) == 1 else []
    return []


_BY_KIND_ALONE: Final = 0.5     # a project matched by the kind of its facility alone
# A status word that closes its sentence before a colon ("the President has approved:",
# "承認した：", "승인했다:"): the items listed next are what it says of.
_ENDS_AT_COLON: Final = re.compile(r"[^\sA-Za-z:：]{0,4}\s*[:：]\s*")
_THEY: Final = re.compile(r"(?:They|Both|All three|All of them)\b")
# A status word whose object is the project just named ("officials are still examining
# it", "이를 검토", "これを審査"): the subject the sentence carries on.
_OBJECT_IT: Final = re.compile(r"\s+(?:(?:about|of|on|for)\s+)?(?:it|the\s+(?:plan|proposal|"
                               r"bid|application|entry|filing|request))\b"
                               r"(?!\s+(?:is|was|has)\b)", re.I)
# A facility the sentence itself brings in before the status word ("BHP, which has been
# studying a concentrate plant, submitted it"): its "it" is that one, of no known kind.
_A_FACILITY: Final = re.compile(r"\b(?:a|an)\s+(?:[\w-]+\s+){0,4}?(?:plant|facility|factory|"
                                r"mill|terminal|yard|refinery|project)\b", re.I)
_CJK_OBJECT: Final = re.compile(r"(?:이를|그것을|これを|それを|同案を|同計画を)\s*$")
_ITEM: Final = re.compile(r"\s*(?:[-*•·・]|\d{1,2}[.)])\s")


def _named_before(order: Iterable[int], by_sentence: dict[int, list[Mention]]
                  ) -> list[Mention]:
    """The projects of the nearest sentence in ``order`` (of the two) that names any."""
    for k, j in enumerate(order):
        if k >= 2:
            break
        if by_sentence.get(j):
            return unique_by(by_sentence[j], lambda m: m.project_id or m.descriptor)
    return []


def _items_after(reads: list[SentenceRead], i: int, by_sentence: dict[int, list[Mention]]
                 ) -> list[Mention]:
    """The projects of the list items ("- ...") that follow sentence ``i``, one each."""
    out: list[Mention] = []
    for r in reads[i + 1:]:
        if not _ITEM.match(r.sentence.text):
            break
        out += by_sentence.get(r.sentence.index, [])[:1]
    return out


def _group_nearer(text: str, h: Hit[Signal], own: list[Mention]) -> bool:
    """Whether a status word stands nearer the counted group a sentence names ("3 projects
    confirmed") than the project it names itself ("Japan wires $33bn for the Ohio plant as
    the US notifies Tokyo of two more projects": the money is the plant's)."""
    m = _COUNT.search(text)
    if m is None:
        return True
    return abs(m.start() - h.start) <= min(abs(x.anchor - h.start) for x in own)


def _fullest_names(facts: list[StatusFact], by_sentence: dict[int, list[Mention]]
                   ) -> list[StatusFact]:
    """A new project named once with its state and once without ("Korea Zinc smelter
    (Tennessee)", then "Korea Zinc smelter") is one project: the name with the state."""
    names = {m.descriptor for ms in by_sentence.values() for m in ms if m.project_id is None}
    out = []
    for f in facts:
        if f.project_id is None:
            fuller = [n for n in names if n.startswith(f.project + " (")]
            if len(fuller) == 1:
                f = replace(f, project=fuller[0])
        out.append(f)
    return out


_CANDIDATE_WORDS: Final = frozenset({"candidate", "candidates", "in the running", "contender",
                                      "contenders", "in contention", "候補", "후보", "후보군"})


_LATER_ROUND: Final = re.compile(
    r"(?i:\b(?:second|third|next|2nd|3rd)[- ](?:round|tranche|batch|phase)\b)"
    r"|第[2二3三]弾|[23]차|二次|次の(?:案件|弾|ラウンド|段階)|次回|次期"
    r"|다음 (?:차례|라운드|단계)|차기")


def _of_a_round(reads: list[SentenceRead], i: int) -> bool:
    """Whether the sentence, or one of the four before it, names a later round or tranche
    ("as the second round of its programme takes shape ... named as candidates")."""
    return any(_may_name_a_round(t) and _LATER_ROUND.search(t) is not None
               for t in (reads[j].sentence.text for j in range(max(0, i - 4), i + 1)))


# What :data:`_LATER_ROUND` finds holds one of these words: Japanese or Korean ones as
# written, English ones in small letters in the text lower-cased (a quick test first).
_ROUND_CJK: Final = ("第", "차", "次", "다음")
_ROUND_EN: Final = ("round", "tranche", "batch", "phase")


def _may_name_a_round(text: str) -> bool:
    return may_hold(text, _ROUND_EN, _ROUND_CJK)


def _chained_count(reads: list[SentenceRead], i: int) -> int | None:
    """The count a sentence that refers back to a group ("their profitability") takes from
    the sentence before it, when that one spoke of a counted group without naming any
    project ("Together the three projects could draw up to $73 billion.")."""
    r = reads[i]
    if i == 0 or "group_back_references" not in r.cues:
        return None
    prev = reads[i - 1]
    if not ({"group_back_references", "group_nouns"} & prev.cues) or prev.types or prev.orgs:
        return None
    return _stated_count(prev.sentence.text)


def _current(facts: list[StatusFact]) -> list[StatusFact]:
    """One status per project for the article: of its reported signals, the one furthest
    along the lifecycle (an article recalls earlier stages: "shortlisted in March, selected
    on Friday"); signals too weak to report do not displace reported ones."""
    best: dict[str, StatusFact] = {}
    for f in facts:
        b = best.get(f.project)
        if b is None:
            best[f.project] = f
            continue
        strong, was_strong = (f.confidence >= REPORT_CONFIDENCE,
                              b.confidence >= REPORT_CONFIDENCE)
        if (strong and not was_strong) or (strong == was_strong and (
                _ahead(f, b) or (f.status == b.status and f.confidence > b.confidence))):
            best[f.project] = f
    keep = {id(f) for f in best.values()}
    return [f for f in facts if id(f) in keep]


# Passed over in a round ("was not selected this time", "今回は選ばれなかった"): the project
# stays under review, whatever earlier stage short of a recommendation the article recalls
# ("a second-round candidate in March"); a recommendation or more still counts.
PASSED_OVER: Final = "passed_over"
_SET_BACK: Final = frozenset({Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST})


def _ahead(f: StatusFact, b: StatusFact) -> bool:
    """Whether fact ``f`` says more of where its project stands now than ``b``: further
    along the lifecycle, except that being passed over outranks the stages it sets back."""
    if (f.reported == PASSED_OVER) != (b.reported == PASSED_OVER):
        if f.reported == PASSED_OVER:
            return b.status in _SET_BACK
        return f.status not in _SET_BACK
    return further(f.status, b.status)


def _furthest(facts: list[StatusFact]) -> list[StatusFact]:
    """One status per project and sentence: the one furthest along the lifecycle ("selected
    the three after the committee recommended them" says selected)."""
    best: dict[tuple[int, str], StatusFact] = {}
    for f in facts:
        key = (f.sentence, f.project)
        if key not in best or _ahead(f, best[key]):
            best[key] = f
    return [f for f in facts if best[(f.sentence, f.project)] is f]


# A company the subject of a review word ("Hitachi is weighing a second factory", "삼성중공업도
# ... 협력을 검토 중", "トヨタは...を検討"): the company weighing its own plans, not the
# partner or its committees reviewing a project.
_EN_SUBJECT_GAP: Final = re.compile(
    r"\s*(?:,[^,]{0,60},\s*)?(?:,?\s*(?:which|that|who)\s+)?(?:(?:said|says)\s+(?:it|they)\s+)?"
    r"(?:is|are|was|were|has\s+been|have\s+been|had\s+been|'s)?\s*"
    r"(?:also|still|now|reportedly|quietly|itself)?\s*$", re.I)
_CJK_SUBJECT: Final = re.compile(r"\s*(?:は|も|が|도|은|는|이|가)")
_ACTORS: Final = ("government", "committee", "ministry", "administration", "officials",
                  "政府", "委員会", "省", "정부", "위원회", "부처")


def _own_plans(g: Gazetteer, r: SentenceRead, h: Hit[Signal]) -> bool:
    text = r.sentence.text
    before = [o for o in r.orgs if o.end <= h.start]
    if not before or before[-1].value.kind != "company":
        return False
    o = before[-1]
    gap = text[o.end:h.start]
    # English names its subject just before the verb; Japanese and Korean may name the
    # reviewing side anywhere before ("日本政府は、トヨタが提案した工場を検討").
    said = gap if h.value.language == "en" else text[:h.start]
    if any(a in said.lower() for a in _ACTORS) or any(
            True for _ in g.country_matcher.finditer(said)):
        return False
    if h.value.language == "en":
        return bool(_EN_SUBJECT_GAP.fullmatch(gap))
    return bool(_CJK_SUBJECT.match(gap))

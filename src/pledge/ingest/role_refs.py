"""A project referred back to by the role of its sponsor or by what it is, in a sentence
that names no project of its own ("The component maker's entry is still being examined",
"the terminal's developer", "its services package", "the Pennsylvania unit", "同社の案件",
"해당 사업", "이 회사"): the subject the sentence carries on from the project named just
before. And a count in a sentence that counts something other than projects ("two people
familiar with the matter", "three weeks"), which names no group of projects."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ROLE_REFERENCE", "answers_question", "counts_other", "names_a_facility",
           "partner_acts", "refers_by_role"]

# A sponsor by its role or kind ("the component maker", "the developer", "the company",
# "the Omaha-based builder"), or a project by a possessive or a unit of it ("its EPC
# services package", "the Pennsylvania unit", "the company's entry"), at the start of a
# sentence or of the clause that holds the status word.
_ROLES: Final = (r"makers?|manufacturer|producer|developer|sponsor|builder|company|firm|group|"
                 r"operator|supplier|applicant|owner|conglomerate|utility|miner|shipbuilder")
_PROJECT_NOUNS: Final = (r"entry|plan|proposal|bid|application|filing|request|package|deal|"
                         r"order|contract|project|venture|unit|investment|submission")
ROLE_REFERENCE: Final = re.compile(
    rf"(?:^|[,;:]\s*|\b(?:and|while|but)\s+)(?:The|the)\s+(?:[\w-]+\s+){{0,2}}?(?:{_ROLES})\b"
    rf"|\b(?:The|the)\s+(?:[A-Z][\w-]+\s+){{1,2}}(?:unit|entry|plan|proposal|project|bid)\b"
    rf"|\b(?:[Ii]ts|[Tt]heir)\s+(?:[\w&-]+\s+){{0,3}}?(?:{_PROJECT_NOUNS})\b"
    r"|\b(?:That|This|that|this)\s+one\b|\b[Tt]he\s+latter\b"
    r"|同社|その企業|同案件|この案件|同案|同グループ|同陣営"
    r"|이 회사|해당 회사|동사|해당 기업|이 기업|회사 측|해당 사업|이 사업|이 계획|해당 계획")


def refers_by_role(text: str, start: int, end: int) -> bool:
    """Whether ``text`` refers back by a role or a possessive in the clause of the status
    word at ``start:end`` (before it, or as its object: "recommended its services
    package")."""
    stop = _CLAUSE_STOP.search(text, end)
    return ROLE_REFERENCE.search(text, 0, stop.start() if stop else len(text)) is not None


_CLAUSE_STOP: Final = re.compile(r"[,;:、。，]|\s(?:while|whereas|but|and)\s")


# Counts of things that are not projects.
_NOT_PROJECTS: Final = re.compile(
    r"\s+(?:more\s+)?(?:people|persons|officials|sources|executives|analysts|lawmakers|"
    r"senators|days|weeks|months|years|hours|times|percent|members|companies|firms|"
    r"banks|people's)\b|(?:명|일|주|개월|년|人|日|週間|か月|カ月|年)", re.I)


def counts_other(text: str, end: int) -> bool:
    """Whether the count that ends at ``end`` in ``text`` counts people, time or firms."""
    return _NOT_PROJECTS.match(text, end) is not None


# A question of an interview ("Q: And the small reactors in Tennessee?", "――日立の案件は。",
# "- 한화오션 사업은요?"): the answers after it speak of what it names.
_QUESTION: Final = re.compile(r"(?:^\s*(?:Q\s*[:.]|――|─|質問|問)|[?？]\s*$|(?:は|요)[。.]?\s*$)")


# The same, read without a scan of the whole sentence: how it opens, and how it ends once
# the blanks after it are dropped (what ``\s*$`` passes over).
_QUESTION_OPENS: Final = re.compile(r"\s*(?:Q\s*[:.]|――|─|質問|問)")
_QUESTION_ENDS: Final = ("?", "？", "は", "요", "は。", "は.", "요。", "요.")


def _asks(text: str) -> bool:
    """Whether ``text`` asks a question (what :data:`_QUESTION` finds in it)."""
    return _QUESTION_OPENS.match(text) is not None or text.rstrip().endswith(_QUESTION_ENDS)


def answers_question(texts: list[str]) -> bool:
    """Whether the sentence after ``texts`` (the sentences just before it) answers an
    interview's question: one of them asks one."""
    return any(_asks(t) for t in texts)


# The partner's side as a sentence's subject ("Japan was notified on Monday", "日本政府は
# 11月に正式な通知を受けており", "일본 정부는 자금을 송금했다"): a notice it received or a
# payment it made is for the project just named, when the sentence names none.
_PARTNER_SUBJECT: Final = re.compile(
    r"\s*(?:(?:Officials\s+(?:also\s+)?(?:said|confirmed)\s+(?:that\s+)?)?(?:Japan|Tokyo|"
    r"Korea|South\s+Korea|Seoul|the\s+(?:Japanese|Korean)\s+(?:government|side))\b"
    r"|(?:日本政府|日本側|日本|韓国政府|韓国側)(?:は|も|が)"
    r"|(?:일본 정부|일본 측|일본|한국 정부|한국 측)(?:은|는|도|이|가)\s)")


# ... unless the word states the programme's rule ("일본은 통보를 받은 뒤 45일 이내에 자금을
# 내야 한다", "must pay within 45 days after it is notified"): a time after it, or a duty.
_RULE_AFTER: Final = re.compile(r"[^。.]{0,6}?(?:뒤|후|後|から|必要|なければ|해야|야 한다)"
                                r"|\s+(?:within|after|once)\b")


def partner_acts(text: str, end: int) -> bool:
    """Whether ``text`` opens with the partner's side as its subject, and the status word
    that ends at ``end`` says what it did (not what it must do)."""
    return _PARTNER_SUBJECT.match(text) is not None and _RULE_AFTER.match(text, end) is None


# A Japanese or Korean sentence whose topic is a facility of its own ("液晶パネルの工場案件は、
# 事業主体が撤回した", "공장 계획은 회사 측이 철회했다"): its word "案件" or "사업" is no group of
# projects to look for in the sentences after it.
_FACILITY_TOPIC: Final = re.compile(
    r"(?:工場|プラント|施設|製錬所|発電所|공장|시설|플랜트|발전소|제련소)\s?"
    r"(?:の)?(?:案件|事業|計画|사업|계획)?\s?(?:は|も|が|은|는|이|가|도)")


def names_a_facility(text: str, end: int) -> bool:
    """Whether ``text`` before ``end`` has a facility of its own as its topic."""
    return _FACILITY_TOPIC.search(text, 0, end) is not None

"""The searches for unknown companies skipped in a text without Japanese or Korean letters
would find nothing there: each of their marks holds such a letter."""

from __future__ import annotations

import re

from pledge.ingest import unknown_orgs as u


def test_every_japanese_and_korean_mark_holds_a_letter_of_those_scripts() -> None:
    marks = [*u._JA_TRIGGERS, *u._KO_TRIGGERS, *u._JA_KINDS, *u._KO_KINDS, "社", "株価", "주가"]
    assert all(u._CJK_LETTER.search(m) for m in marks), [
        m for m in marks if not u._CJK_LETTER.search(m)]


def test_companies_named_in_japanese_and_korean_are_still_found() -> None:
    found = u.find_unknown_companies("古河電気工業の株価が上がった。", [], frozenset())
    assert {n for _, _, n in found} == {"古河電気工業"}
    found = u.find_unknown_companies("세진중공업은 계약을 맺었다.", [], frozenset())
    assert {n for _, _, n in found} == {"세진중공업"}


def test_trigger_grouped_by_first_letter_finds_what_the_flat_alternation_finds() -> None:
    words = (*u._KEPT_ENDINGS, *u._LEGAL_ENDINGS, "shares", "stock")
    flat = re.compile("|".join(re.escape(w[0]) + r"(?<!\w.)" + re.escape(w[1:]) + r"(?![\w])"
                               for w in words)
                      + r"|S(?<!\w.)hares (?:in|of) |s(?<!\w.)hares (?:in|of) ")
    text = ("Sembcorp Industries and Cameco Corp. rose; Shares in Inari Amertron fell, as did "
            "Foo Co., Ltd. (xInc), Bar Co. and Baz Inc; shares of Qux; Sasol's stock; "
            "Korea Zinc Co.,Ltd. and Hanwha Systems' Semiconductor unit, L.P. and S.A.")
    assert [m.span() for m in u._TRIGGER.finditer(text)] == \
        [m.span() for m in flat.finditer(text)]


def test_every_role_then_name_trigger_ends_with_r_comma_or_rs_comma() -> None:
    assert all(w.endswith(("r,", "rs,")) for w in u._ROLE_THEN_NAME_TRIGGERS)

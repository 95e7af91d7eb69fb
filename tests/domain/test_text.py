"""Names and free text: what is refused, how names are folded, and when two names are one."""

from __future__ import annotations

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.text import clean_name, clean_text, lookup_text, name_key

# Characters no name may hold: each one either hides itself or reorders what is shown.
INVISIBLE = {
    "NUL": "\x00", "ESC": "\x1b", "DEL": "\x7f", "C1 control": "\x85",
    **{f"bidi U+{c:04X}": chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d", "word joiner": "\u2060", "byte order mark": "\ufeff",
    "unpaired surrogate": "\ud800",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_name_with_an_invisible_or_control_character_is_refused(char: str) -> None:
    with pytest.raises(InvalidInput) as info:
        clean_name("name", f"Ohio{char} Plant")
    p = info.value.first
    assert (p.field, p.rule) == ("name", "text.bad_character")
    assert f"U+{ord(char):04X}" in p.message
    # the value quoted back shows the character as an escape, not the character itself
    assert p.value == f"Ohio\\u{ord(char):04x} Plant"


def test_a_name_is_folded_trimmed_and_collapsed() -> None:
    assert clean_name("name", "  Ｏｈｉｏ\u3000Gas\t\n Plant ") == "Ohio Gas Plant"
    assert clean_name("name", "ﬁbre ㈱ works") == "fibre (株) works"
    assert clean_name("name", "Straße") == "Straße"  # folding is for comparing only


def test_a_name_has_a_length_and_may_be_required() -> None:
    assert clean_name("name", "x" * 10, 10) == "x" * 10
    with pytest.raises(InvalidInput) as info:
        clean_name("name", "x" * 11, 10)
    assert (info.value.first.field, info.value.first.rule) == ("name", "text.too_long")
    with pytest.raises(InvalidInput) as info:
        clean_name("lead", " \t ")
    assert (info.value.first.field, info.value.first.rule) == ("lead", "text.empty")
    assert clean_name("location", " ", required=False) == ""


@pytest.mark.parametrize("variant", [
    "ohio gas plant", "OHIO GAS PLANT", "Ohio  Gas   Plant", " Ohio Gas Plant ",
    "Ｏｈｉｏ Ｇａｓ Ｐｌａｎｔ", "Ohio\u200b Gas Plant", "\ufeffOhio Gas Plant",
    "Ohio\u202e Gas Plant", "Ohio\u00a0Gas\u3000Plant",
])
def test_look_alike_names_share_one_key(variant: str) -> None:
    assert name_key(variant) == name_key("Ohio Gas Plant") == "ohio gas plant"


def test_different_names_keep_different_keys() -> None:
    names = ["Ohio Gas Plant", "Ohio Gas Plant 2", "Ohio Gasplant", "Texas Gas Plant"]
    assert len({name_key(n) for n in names}) == len(names)
    assert name_key("STRASSE") == name_key("Straße") == "strasse"


def test_free_text_keeps_lines_and_tabs_and_refuses_other_controls() -> None:
    assert clean_text("reason", " first line\r\nsecond\tcolumn\rthird ") == (
        "first line\nsecond\tcolumn\nthird")
    assert clean_text("note", "zero\u200bwidth and ＦＵＬＬ width kept") == (
        "zero\u200bwidth and ＦＵＬＬ width kept")
    for char in ("\x00", "\x1b", "\x07", "\u202e", "\u2067", "\udfff"):
        with pytest.raises(InvalidInput) as info:
            clean_text("reason", f"a{char}b")
        assert (info.value.first.field, info.value.first.rule) == ("reason",
                                                                   "text.bad_character")


def test_free_text_has_a_length() -> None:
    assert clean_text("note", "y" * 5, 5) == "y" * 5
    with pytest.raises(InvalidInput) as info:
        clean_text("note", "y" * 6, 5)
    assert (info.value.first.field, info.value.first.rule) == ("note", "text.too_long")


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_lookup_with_a_character_no_key_holds_is_refused_naming_the_field(
        char: str) -> None:
    with pytest.raises(InvalidInput) as info:
        lookup_text("framework", f"ja{char}pan")
    p = info.value.first
    assert (p.field, p.rule) == ("framework", "text.bad_character")
    assert p.value == f"ja\\u{ord(char):04x}pan"


def test_a_lookup_is_trimmed_and_otherwise_kept_as_given() -> None:
    assert lookup_text("framework", " Japan\n") == "Japan"
    assert lookup_text("sector", "energy (nuclear)") == "energy (nuclear)"
    with pytest.raises(InvalidInput) as info:
        lookup_text("sector", "energy\tnuclear")  # a tab inside: one line of text only
    assert info.value.first.rule == "text.bad_character"


def test_a_printable_string_never_holds_a_refused_character() -> None:
    """hidden_character answers printable text without looking at each character: that
    holds only if no refused character is printable, checked for every code point."""
    import sys

    from pledge.domain import text as text_module

    printable_refused = [hex(cp) for cp in range(sys.maxunicode + 1)
                         if chr(cp).isprintable() and text_module._refused_in_line(chr(cp))]
    assert printable_refused == []
    assert text_module.hidden_character("plain text, é, 日本語") is None
    assert text_module.hidden_character("a\u202eb") == "\u202e"
    assert text_module.hidden_character("a\tb") == "\t"
    assert text_module.hidden_character("a\tb\u00a0", multiline=True) is None

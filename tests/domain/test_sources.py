"""Sources: only web addresses and bare file names enter, whatever their disguise."""

from __future__ import annotations

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.sources import MAX_SOURCE_LENGTH, check_source, check_sources, web_address
from pledge.domain.text import clean_text, hidden_character


@pytest.mark.parametrize(("given", "kept"), [
    ("https://www.meti.go.jp/press/2025/09/20250904001/20250904001.html",
     "https://www.meti.go.jp/press/2025/09/20250904001/20250904001.html"),
    ("  http://example.org/a?b=1#c  ", "http://example.org/a?b=1#c"),
    ("HTTPS://Example.org/X", "HTTPS://Example.org/X"),
    ("https://a", "https://a"),
    ("https://example.org:8443/x", "https://example.org:8443/x"),
    ("https://[2001:db8::1]/x", "https://[2001:db8::1]/x"),
    ("https://経済産業省.jp/記事", "https://経済産業省.jp/記事"),
    ("nikkei-2026-03-01.html", "nikkei-2026-03-01.html"),
    ("Nikkei article 1 March.txt", "Nikkei article 1 March.txt"),
    ("api", "api"),
    ("日経の記事.html", "日経の記事.html"),
    ("draft..final.html", "draft..final.html"),
])
def test_web_addresses_and_bare_file_names_are_kept(given: str, kept: str) -> None:
    assert check_source(given) == kept


@pytest.mark.parametrize(("given", "rule"), [
    ("javascript:alert(document.domain)", "source.bad_scheme"),
    (" JaVaScRiPt:alert(1)", "source.bad_scheme"),
    ("java\tscript:alert(1)", "source.control"),
    ("java\nscript:alert(1)", "source.control"),
    ("\x01javascript:alert(1)", "source.control"),
    ("\x00https://example.org", "source.control"),
    ("jav\u200bascript:alert(1)", "source.control"),
    ("\u202ehttps://example.org", "source.control"),
    ("\ufeffhttps://example.org", "source.control"),
    ("%6a avascript:alert(1)", "source.bad_scheme"),
    ("%6Aavascript%3Aalert(1)", "source.bad_scheme"),
    ("data:text/html;base64,PHNjcmlwdD4=", "source.bad_scheme"),
    ("vbscript:msgbox(1)", "source.bad_scheme"),
    ("VBScript:msgbox(1)", "source.bad_scheme"),
    ("file:///etc/passwd", "source.bad_scheme"),
    ("ftp://example.org/a", "source.bad_scheme"),
    ("mailto:someone@example.org", "source.bad_scheme"),
    ("https:example.org", "source.bad_url"),
    ("https:/example.org", "source.bad_url"),
    ("https:///example.org", "source.bad_url"),
    ("https://", "source.bad_url"),
    ("https://example.org/a b", "source.bad_url"),
    ("https:\\\\example.org", "source.bad_url"),
    ("https://good.example@evil.example/", "source.bad_url"),
    ("https://example.org:99999/", "source.bad_url"),
    ("https://.../x", "source.bad_url"),
    ("/etc/passwd", "source.path"),
    ("articles/nikkei.html", "source.path"),
    ("..", "source.path"),
    ("...", "source.path"),
    ("..\\secret.txt", "source.path"),
    ("C:\\news\\a.html", "source.path"),
    ("c:a.html", "source.path"),
    ("%2e%2e%2fsecret", "source.path"),
    ("a%2Fb.html", "source.path"),
    ("name%00.html", "source.control"),
    ("Reuters: the fund", "source.bad_scheme"),
    ("   ", "source.empty"),
    ("https://example.org/" + "x" * MAX_SOURCE_LENGTH, "source.too_long"),
])
def test_anything_else_is_refused_naming_the_field_and_rule(given: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_source(given, "estimate.source")
    p = err.value.first
    assert (p.field, p.value, p.rule) == ("estimate.source", given, rule)


def test_a_list_of_sources_reports_every_bad_one_by_position() -> None:
    assert check_sources([" https://a.example/1 ", "", "memo.txt"]) == [
        "https://a.example/1", "memo.txt"]
    with pytest.raises(InvalidInput) as err:
        check_sources(["https://ok.example", "javascript:x", "../up.txt"])
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("sources[1]", "source.bad_scheme"), ("sources[2]", "source.path")]


@pytest.mark.parametrize(("value", "link"), [
    ("https://example.org/a", "https://example.org/a"),
    (" http://example.org ", "http://example.org"),
    ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),
    ("javascript:alert(1)", None),
    (" JaVaScRiPt:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("\x01https://example.org", None),
    ("data:text/html,x", None),
    ("https:example.org", None),
    ("nikkei.html", None),
    ("", None),
    (None, None),
])
def test_pages_link_only_web_addresses(value: object, link: str | None) -> None:
    assert web_address(value) == link


def test_text_refuses_nul_controls_and_invisible_characters() -> None:
    assert clean_text("reason", "  two\nlines\tand a tab ", 40, multiline=True) == (
        "two\nlines\tand a tab")
    assert hidden_character("plain") is None
    assert hidden_character("a\u200db") == "\u200d"
    for value, multiline in (("a\x00b", True), ("a\nb", False), ("a\x1bb", True),
                             ("a\u2028b", True), ("a\u202eb", False)):
        with pytest.raises(InvalidInput) as err:
            clean_text("note", value, multiline=multiline)
        assert (err.value.first.field, err.value.first.rule) == ("note", "text.bad_character")
    with pytest.raises(InvalidInput) as err:
        clean_text("note", "x" * 11, 10)
    assert err.value.first.rule == "text.too_long"


def test_the_space_pattern_is_str_isspace_for_every_code_point() -> None:
    """Addresses are refused for any space by one compiled search; it must find exactly
    the characters str.isspace calls spaces, checked for every code point."""
    import sys

    from pledge.domain import sources

    differ = [hex(cp) for cp in range(sys.maxunicode + 1)
              if bool(sources._SPACE.match(chr(cp))) != chr(cp).isspace()]
    assert differ == []
    assert sources.web_address("https://example.org/a\u2003b") is None   # an em space
    assert sources.web_address("https://example.org/ab") == "https://example.org/ab"

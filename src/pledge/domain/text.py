"""Free text as it enters: no character a database cannot store or a reader cannot see.

A NUL cannot be stored by PostgreSQL at all, and the other control characters
(and the invisible formatting ones: zero-width spaces, direction overrides, the
byte-order mark) hide or disguise what a text says. One-line fields (names,
sources, short labels) refuse them all; text of several lines (a reason, a note)
keeps tabs and line breaks and refuses the rest.
"""

from __future__ import annotations

import unicodedata

from pledge.domain.errors import InvalidInput, Problem

LINE_BREAKS = frozenset("\t\n\r")


def hidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that has no place in text a person typed, or None:
    a control character (line breaks and tabs allowed with ``multiline``), an invisible
    format character, or a line or paragraph separator."""
    for ch in value:
        if multiline and ch in LINE_BREAKS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return ch
    return None


def text_problems(field: str, value: str, max_len: int | None = None, *,
                  multiline: bool = False) -> list[Problem]:
    """What is wrong with a free-text input (``text.control``, ``text.too_long``)."""
    problems: list[Problem] = []
    bad = hidden_character(value, multiline=multiline)
    if bad is not None:
        problems.append(Problem(field, value, "text.control",
                                f"contains the invisible or control character "
                                f"U+{ord(bad):04X}; type the text without it"))
    if max_len is not None and len(value.strip()) > max_len:
        problems.append(Problem(field, value, "text.too_long", f"at most {max_len} characters"))
    return problems


def clean_text(field: str, value: str, max_len: int | None = None, *,
               multiline: bool = False) -> str:
    """``value`` trimmed, or InvalidInput naming ``field`` when it holds a control or
    invisible character (see ``hidden_character``) or is longer than ``max_len``."""
    problems = text_problems(field, value, max_len, multiline=multiline)
    if problems:
        raise InvalidInput(problems)
    return value.strip()

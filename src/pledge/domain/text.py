"""Names and free text as pledge keeps them: one rule for each, applied before storage.

A *name* (a project, a sponsor, a user, a location, a provider: anything shown as a
label and compared with others) is one line of visible text. :func:`clean_name`
refuses control characters (NUL included; tabs and line breaks are whitespace and
collapse into one space), invisible format characters (bidi overrides and isolates,
zero-width spaces and joiners, the word joiner, the byte order mark, soft hyphens)
and unpaired surrogates, then folds compatibility forms (Unicode NFKC: full-width
letters, ligatures) and trims and collapses whitespace. :func:`name_key` is what two
names are compared by: the NFKC form, case-folded, so "Ohio Plant", "OHIO  PLANT" and
"Ｏｈｉｏ Ｐｌａｎｔ" are the same name.

A text given to *find* something (a framework's key, a sector to filter by) passes
:func:`lookup_text`: one holding a character no kept name or key can contain matches
nothing, and is refused the same way rather than sent to the database.

*Free text* (a reason, a note, a remark) may run over several lines:
:func:`clean_text` keeps line breaks and tabs (a carriage return becomes a line break)
and refuses every other control character, unpaired surrogates and bidi overrides.
With ``multiline=False`` (a one-line label, a source) it refuses line breaks, tabs and
every invisible format character too, as a name does.

A NUL cannot be stored by PostgreSQL at all; the other characters refused here hide
or disguise what a text says. Every refusal raises ``InvalidInput`` naming the field
(``text.bad_character``, ``text.empty``, ``text.too_long``). Pure standard library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Final

from pledge.domain.errors import InvalidInput, Problem

__all__ = ["NAME_MAX", "TEXT_MAX", "clean_name", "clean_text", "fold_name", "hidden_character",
           "lookup_text", "name_key", "text_problems"]

#: The longest name, in characters, unless a field says otherwise.
NAME_MAX: Final = 200
#: The longest free text (a reason, a note), in characters, unless a field says otherwise.
TEXT_MAX: Final = 4000

LINE_BREAKS: Final = frozenset("\t\n\r")

# Bidi embeddings, overrides and isolates: they reorder what is shown around them.
_BIDI: Final = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def _refused_in_name(ch: str) -> bool:
    # Cc: controls (NUL, ESC, ...) except a tab or a line break, which are whitespace
    # and collapse into one space; Cf: format characters, invisible (bidi controls,
    # zero-width space/joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft
    # hyphen); Cs: unpaired surrogates, which no database encoding can store.
    if ch in LINE_BREAKS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def _refused_in_line(ch: str) -> bool:
    # One line of visible text: every control (line breaks too), format character,
    # surrogate, and the line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _refused_in_text(ch: str) -> bool:
    if ch in "\n\t":
        return False
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI


def _shown(value: str, refused: Callable[[str], bool]) -> str:
    """``value`` with each refused character written as an escape (``\\u202e``), so the
    problem can be shown and stored without the character doing harm."""
    return "".join(f"\\u{ord(ch):04x}" if refused(ch) else ch for ch in value)


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def hidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that has no place in text a person typed, or None:
    a control character (line breaks and tabs allowed with ``multiline``), an invisible
    format character, or a line or paragraph separator."""
    if value.isprintable():
        # every refused category (Cc, Cf, Cs, Zl, Zp) is one str.isprintable refuses too:
        # most text is answered here, at C speed, without a look at each character
        return None
    for ch in value:
        if multiline and ch in LINE_BREAKS:
            continue
        if _refused_in_line(ch):
            return ch
    return None


def text_problems(field: str, value: str, max_len: int | None = None, *,
                  multiline: bool = False) -> list[Problem]:
    """Every problem with a text input at once (``text.bad_character``, ``text.too_long``),
    for checks that report all of a record's problems together."""
    problems: list[Problem] = []
    refused = _refused_in_text if multiline else _refused_in_line
    bad = next((ch for ch in value if refused(ch)), None)
    if bad is not None:
        problems.append(Problem(field, _shown(value, refused), "text.bad_character",
                                f"contains {_describe(bad)}, an invisible or control "
                                f"character: type the text without it"))
    if max_len is not None and len(value.strip()) > max_len:
        problems.append(Problem(field, value, "text.too_long", f"at most {max_len} characters"))
    return problems


def clean_name(field: str, value: str, max_len: int = NAME_MAX, *,
               required: bool = True) -> str:
    """``value`` as a name is kept: NFKC, trimmed, inner whitespace runs as one space.

    Raises ``InvalidInput`` naming ``field``: ``text.bad_character`` for a control,
    format or surrogate character (the first one found is named), ``text.empty`` for
    nothing left when ``required``, ``text.too_long`` beyond ``max_len`` characters.
    """
    if not isinstance(value, str):
        raise InvalidInput.single(field, value, "text.not_text", "expected text")
    bad = next((ch for ch in value if _refused_in_name(ch)), None)
    if bad is not None:
        raise InvalidInput.single(field, _shown(value, _refused_in_name), "text.bad_character",
                                  f"contains {_describe(bad)}, which a name may not "
                                  f"contain (no control or invisible characters)")
    cleaned = fold_name(value)
    if required and not cleaned:
        raise InvalidInput.single(field, value, "text.empty", "must not be empty")
    if len(cleaned) > max_len:
        raise InvalidInput.single(field, value, "text.too_long",
                                  f"at most {max_len} characters")
    return cleaned


def fold_name(value: str) -> str:
    """A name's kept form without the checks of :func:`clean_name`: NFKC, trimmed,
    inner whitespace runs as one space (for text already checked)."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def name_key(name: str) -> str:
    """What names are compared by: the NFKC form without control or format characters,
    whitespace collapsed, case-folded (and NFKC again, as case folding can undo it).

    Total: any text has a key, so names stored before :func:`clean_name` existed can
    be compared too.
    """
    visible = "".join(ch for ch in name if not _refused_in_name(ch))
    return unicodedata.normalize("NFKC", fold_name(visible).casefold())


def clean_text(field: str, value: str, max_len: int = TEXT_MAX, *,
               multiline: bool = True) -> str:
    """``value`` as free text is kept: line breaks normalised to ``\\n``, trimmed.

    Raises ``InvalidInput`` naming ``field``: ``text.bad_character`` for a control
    character other than a line break or a tab (with ``multiline=False``: any control,
    format or separator character), an unpaired surrogate or a bidi override;
    ``text.too_long`` beyond ``max_len`` characters.
    """
    if not isinstance(value, str):
        raise InvalidInput.single(field, value, "text.not_text", "expected text")
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    refused = _refused_in_text if multiline else _refused_in_line
    bad = next((ch for ch in text if refused(ch)), None)
    if bad is not None:
        raise InvalidInput.single(field, _shown(value, refused), "text.bad_character",
                                  f"contains {_describe(bad)}, which this text may not "
                                  f"contain (no control or invisible characters"
                                  f"{' besides line breaks and tabs' if multiline else ''})")
    text = text.strip()
    if len(text) > max_len:
        raise InvalidInput.single(field, value, "text.too_long",
                                  f"at most {max_len} characters")
    return text


def lookup_text(field: str, value: str) -> str:
    """``value``, a text given to find records by (a key, a filter), trimmed.

    Raises ``InvalidInput`` (``text.bad_character``, naming ``field``) when what is left
    holds a control, invisible format or separator character, or an unpaired
    surrogate: no kept name or key contains one, so nothing could match, and
    PostgreSQL cannot even compare a text holding a NUL.
    """
    if not isinstance(value, str):
        raise InvalidInput.single(field, value, "text.not_text", "expected text")
    trimmed = value.strip()
    bad = next((ch for ch in trimmed if _refused_in_line(ch)), None)
    if bad is not None:
        raise InvalidInput.single(field, _shown(value, _refused_in_line), "text.bad_character",
                                  f"contains {_describe(bad)}, which no name or key "
                                  f"contains (no control or invisible characters)")
    return trimmed

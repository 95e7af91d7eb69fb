"""Where a recorded claim was read, checked once as it enters.

Estimates, reported sites and stages, transitions, consultations, extensions,
framework settings and news articles all keep their sources, and pages show them
as links. A source is therefore one of two things only:

* a web address: ``http`` or ``https``, absolute, with a host, without spaces,
  control characters, backslashes or a user name in it; or
* for material read from a file, the file's bare name (``memo-2026-03.html``):
  never a path (no ``/`` or ``\\``, not ``..``, no drive letter), never another
  scheme (``javascript:``, ``data:``, ``file:``, ...).

The check sees through the usual disguises: letter case, surrounding spaces,
control characters inside a scheme (browsers drop them), and percent-encoding.
``web_address`` answers the question pages ask before making a link, by the same
rule, so a link recorded before this check existed is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.text import hidden_character

MAX_SOURCE_LENGTH = 2000
WEB_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_IN_HOST = frozenset("<>\"'`{}|^")
_SPACE = re.compile(r"\s")  # every character str.isspace calls a space (checked in the tests)

_WHAT = "a source is an http(s) address or, for a file, its bare name"


def _url_problem(text: str) -> tuple[str, str] | None:
    """(rule, message) for what is wrong with ``text`` as an http(s) address, or None."""
    scheme = text.split(":", 1)[0]
    if scheme.lower() not in WEB_SCHEMES:
        return "source.bad_scheme", f"{_WHAT}; '{scheme}:' is neither"
    if _SPACE.search(text) or "\\" in text:
        return "source.bad_url", "a web address has no spaces or backslashes"
    parts = urlsplit(text)
    if not text[len(scheme) + 1:].startswith("//") or not parts.netloc:
        return "source.bad_url", "a web address needs '//' and a host: https://host/…"
    if "@" in parts.netloc:
        return "source.bad_url", "a web address with a user name or password is not a source"
    try:
        _ = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        return "source.bad_url", "the address's port is not a number from 0 to 65535"
    host = parts.hostname or ""
    if not host.strip(".") or any(ch in _NOT_IN_HOST for ch in host):
        return "source.bad_url", "the address has no valid host"
    return None


def _name_problem(text: str) -> tuple[str, str] | None:
    """(rule, message) for what is wrong with ``text`` as a file's bare name, or None."""
    for shown in dict.fromkeys((text, unquote(text))):
        if hidden_character(shown) is not None:
            return "source.control", "a source has no control or invisible characters"
        if "/" in shown or "\\" in shown or not shown.strip(".") or _DRIVE.match(shown):
            return "source.path", (f"{_WHAT}: give the file's name without a folder "
                                   "(no '/', '\\' or drive, not '..')")
        if ":" in shown:
            return "source.bad_scheme", f"{_WHAT}; this is neither"
    return None


def check_source(value: str, field: str = "source") -> str:
    """The source trimmed, or InvalidInput naming ``field`` with the rule it breaks:
    ``source.empty``, ``source.too_long``, ``source.control``, ``source.bad_scheme``
    (anything but http or https), ``source.bad_url`` (no host, spaces, a user name),
    ``source.path`` (a folder, ``..`` or a drive instead of a bare file name)."""
    text = value.strip()
    problem: tuple[str, str] | None = None
    if not text:
        problem = ("source.empty", "the source is empty")
    elif len(text) > MAX_SOURCE_LENGTH:
        problem = ("source.too_long", f"a source is at most {MAX_SOURCE_LENGTH} characters")
    elif hidden_character(text) is not None:
        problem = ("source.control", "a source has no control or invisible characters")
    elif _SCHEME.match(text) and not _DRIVE.match(text):
        problem = _url_problem(text)
    else:
        problem = _name_problem(text)
    if problem is not None:
        raise InvalidInput.single(field, value, *problem)
    return text


def check_web_address(value: str, field: str = "url") -> str:
    """``value`` trimmed if it is an http(s) address a page or feed may be read from,
    or InvalidInput naming ``field`` and the value: ``source.bad_scheme`` for any other
    scheme (``ftp:``, ``file:``, ``javascript:``) or none, ``source.bad_url`` for an
    address with no host, spaces or a user name, ``source.too_long``, ``source.control``."""
    text = value.strip() if isinstance(value, str) else ""
    problem: tuple[str, str] | None = None
    if not text:
        problem = ("source.empty", "give an http:// or https:// address")
    elif len(text) > MAX_SOURCE_LENGTH:
        problem = ("source.too_long", f"an address is at most {MAX_SOURCE_LENGTH} characters")
    elif hidden_character(text) is not None:
        problem = ("source.control", "an address has no control or invisible characters")
    elif not _SCHEME.match(text) or _DRIVE.match(text):
        problem = ("source.bad_scheme",
                   f"only http:// and https:// addresses are read; {text!r} is not one")
    elif text.split(":", 1)[0].lower() not in WEB_SCHEMES:
        problem = ("source.bad_scheme", f"only http:// and https:// addresses are read; "
                                        f"'{text.split(':', 1)[0]}:' is neither")
    else:
        problem = _url_problem(text)
    if problem is not None:
        raise InvalidInput.single(field, value, *problem)
    return text


def check_sources(values: Iterable[str], field: str = "sources") -> list[str]:
    """Every source checked (``check_source``), blanks dropped; all the problems together,
    each naming ``field[i]``."""
    out: list[str] = []
    problems: list[Problem] = []
    for i, value in enumerate(values):
        if not value.strip():
            continue
        try:
            out.append(check_source(value, f"{field}[{i}]"))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return out


def web_address(value: object) -> str | None:
    """``value`` if it is a web address a page may link to (the rule ``check_source``
    applies), else None: what was stored before the check is shown as text."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if (not text or len(text) > MAX_SOURCE_LENGTH or hidden_character(text) is not None
            or not _SCHEME.match(text) or _url_problem(text) is not None):
        return None
    return text


_URN = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,31}:[!-~]+$", re.IGNORECASE)


def check_uri(value: str, field: str = "uri") -> str:
    """``value`` as the address a published document names for itself: an http(s)
    address (the rule of ``check_source``) or a URN (``urn:pledge:oc4ids:japan``), at most
    ``MAX_SOURCE_LENGTH`` characters; raises InvalidInput naming ``field``."""
    text = value.strip() if isinstance(value, str) else ""
    if web_address(text) is not None or (len(text) <= MAX_SOURCE_LENGTH and _URN.match(text)):
        return text
    raise InvalidInput.single(field, value, "source.bad_uri",
                              "an http(s) address or a URN (urn:NAMESPACE:NAME)")

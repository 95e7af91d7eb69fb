"""The pages' two languages, English and Japanese: which one a request is answered in,
the Japanese catalogue, and the gettext callables the templates and the page modules use.

A request's language is, in order: a ``?lang=`` it asks for (the header's switch; the
choice is then kept in the ``pledge_lang`` cookie), the cookie of an earlier choice, the
browser's ``Accept-Language``, else English. ``Language`` (an ASGI middleware) puts it on
``request.state.lang`` and in a context variable, which ``gettext`` reads: one Jinja
environment serves both languages, and a message built in Python (a flash message, a
chart's title) is translated the same way.

The catalogue is ``locale/ja/LC_MESSAGES/messages.po`` in the package, read once when
first needed (no compile step): an entry that is fuzzy or has no translation is left
out, so its English shows (and ``tests/web/test_i18n.py`` fails on it).
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from io import BytesIO
from urllib.parse import parse_qsl, urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The languages the pages are written in: code -> its own name (the switch shows it).
LANGUAGES = {"en": "English", "ja": "日本語"}
DEFAULT = "en"
COOKIE = "pledge_lang"
COOKIE_AGE = 365 * 24 * 3600  # a year: a choice is remembered, not asked again
#: Babel's locale for each language (dates, numbers).
LOCALES = {"en": "en_US", "ja": "ja_JP"}

_current: ContextVar[str] = ContextVar("pledge_lang", default=DEFAULT)


def accepted(header: str | None) -> list[str]:
    """The languages an ``Accept-Language`` header asks for, most wanted first, as their
    primary codes (``ja-JP;q=0.9`` -> ``ja``); those with ``q=0`` are refused, not asked."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        code = tag.strip().split("-")[0].lower()
        if code and q > 0:
            ranked.append((-q, i, code))
    return [code for _, _, code in sorted(ranked)]


def choose(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language to answer in: the one asked for, the one chosen before, the first of
    the browser's the pages have, else English."""
    for given in (asked, cookie):
        if given in LANGUAGES:
            return str(given)
    for code in accepted(accept_language):
        if code in LANGUAGES:
            return code
        if code == "*":
            break
    return DEFAULT


@cache
def catalogue(lang: str) -> _gettext.NullTranslations:
    """The translations into ``lang`` (English is the text itself)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return _gettext.NullTranslations()
    po = files("pledge.web") / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    mo = BytesIO()
    write_mo(mo, cat)  # fuzzy entries are left out
    mo.seek(0)
    return _gettext.GNUTranslations(mo)


def current() -> str:
    """The language of the request being answered (English outside a request)."""
    return _current.get()


def use(lang: str) -> None:
    """Answer in ``lang`` from here on in this context (a request, a test)."""
    _current.set(lang if lang in LANGUAGES else DEFAULT)


def gettext(message: str) -> str:
    return catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Marks a word for the catalogue where it is defined; it is translated where shown."""
    return message


def lang_of(request: Request) -> str:
    """The language a request is answered in (``request.state.lang``, set by ``Language``)."""
    lang = getattr(request.state, "lang", DEFAULT)
    return lang if lang in LANGUAGES else DEFAULT


def switch_url(request: Request, lang: str) -> str:
    """This page in ``lang``: its address with ``lang`` set and every other parameter kept."""
    query = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True)
             if k != "lang"]
    path = "/" + request.url.path.lstrip("/\\")  # never "//host": always this site
    return f"{path}?{urlencode([*query, ('lang', lang)])}"


class Language:
    """Sets each request's language (``request.state.lang`` and the context ``gettext``
    reads); a ``?lang=`` choice is kept in a cookie for the pages after, and a page says
    it varies by both (``Vary``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        asked = conn.query_params.get("lang")
        lang = choose(asked, conn.cookies.get(COOKIE), conn.headers.get("accept-language"))
        scope.setdefault("state", {})["lang"] = lang
        token = _current.set(lang)
        keep = asked in LANGUAGES and asked != conn.cookies.get(COOKIE)
        secure = scope.get("scheme") == "https"

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    # a page differs by the language asked for and the one chosen before
                    headers.add_vary_header("Accept-Language")
                    headers.add_vary_header("Cookie")
                if keep:
                    headers.append("Set-Cookie", f"{COOKIE}={lang}; Max-Age={COOKIE_AGE}; "
                                   f"Path=/; SameSite=Lax; HttpOnly{'; Secure' if secure else ''}")
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            _current.reset(token)

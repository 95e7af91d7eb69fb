"""The Jinja2 environment the pages render with: templates from the package, money filters,
and the pages' two languages (``web.i18n``): one environment, whose gettext and filters
read the language of the request being answered."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from babel.dates import format_date, format_skeleton, get_day_names
from babel.numbers import format_currency, format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from pledge import __version__
from pledge.domain.money import (
    CURRENCIES,
    format_amount,
    format_japanese,
    format_rounded,
    format_stored,
)
from pledge.domain.sources import web_address
from pledge.server.idempotency import form_key
from pledge.services.dashboard import views
from pledge.web import i18n
from pledge.web.auth import csrf_token, pop_flash
from pledge.web.i18n import N_, _


def _ja() -> bool:
    return i18n.current() == "ja"


#: The currencies Japanese counts in 兆 and 億, with the word written after the count.
JAPANESE_UNITS = {"JPY": "円", "USD": "ドル", "KRW": "ウォン"}


def money(fact: dict[str, Any]) -> str:
    """An amount as read from an article (``low``/``high`` as decimal text, ``currency``),
    written as people write it: "¥6tn to ¥7tn"; in Japanese, yen, dollars and won counted
    in 兆 and 億 ("6兆円〜7兆円", "5,500億ドル", "56兆ウォン"), other currencies in their
    short form ("€1bn以上")."""
    low, high, currency = fact.get("low"), fact.get("high"), fact.get("currency")
    if _ja() and str(currency) in CURRENCIES:
        unit = JAPANESE_UNITS.get(str(currency))
        try:
            lo, hi = (None if v in (None, "") else Decimal(str(v)) for v in (low, high))
        except ArithmeticError:
            lo = hi = None
        if lo is not None or hi is not None:
            return _bounds(lo, hi, lambda v: format_japanese(v, unit) if unit
                           else format_amount(v, str(currency)))
    return format_stored(low, high, currency)


def _bounds(low: Decimal | None, high: Decimal | None, one: Any) -> str:
    """A range of amounts in the page's language, each bound written by ``one``."""
    if low is None and high is None:
        return "—"
    if low is None:
        return _("up to %(amount)s") % {"amount": one(high)}
    if high is None:
        return _("at least %(amount)s") % {"amount": one(low)}
    if low == high:
        return str(one(low))
    return f"{one(low)}–{one(high)}" if not _ja() else f"{one(low)}〜{one(high)}"


def usd(value: Decimal | None, full: bool = False) -> str:
    """An amount in US dollars: rounded to four significant digits for reading
    (``domain.money.format_rounded``: the command line's form too), or every digit to the
    cent with ``full``. In Japanese the rounded form counts in 億 and 兆 ("5,500億ドル")
    and the full one is Babel's ("$1,234.56")."""
    if value is None:
        return "—"
    if _ja():
        return (format_currency(value, "USD", locale=i18n.LOCALES["ja"]) if full
                else format_japanese(value, "ドル"))
    return format_amount(value, "USD", short=False) if full else format_rounded(value, "USD")


def usd_about(value: Decimal | None) -> str:
    """An amount to read, not to reconcile: rounded to three significant figures."""
    if value is None:
        return "—"
    if value == 0:
        return usd(value)
    if _ja():
        return "約" + format_japanese(value, "ドル", 3)
    return "≈ " + format_rounded(value, "USD", 3)


def usd_range(low: Decimal | None, high: Decimal | None) -> str:
    """A range of US dollar amounts (a list page writes fifty): each range written once
    per language and the amounts' exact digits, then remembered."""
    if all(v is None or type(v) is Decimal for v in (low, high)):
        return _usd_range(None if low is None else str(low),
                          None if high is None else str(high), i18n.current())
    return _bounds(low, high, usd)


@lru_cache(maxsize=8192)
def _usd_range(low: str | None, high: str | None, lang: str) -> str:
    """``usd_range`` of the amounts written ``low`` and ``high``, in ``lang`` (the
    language being answered in, which ``usd`` and ``_`` read)."""
    return _bounds(None if low is None else Decimal(low),
                   None if high is None else Decimal(high), usd)


def in_yen(value: Decimal | None, rate: Any) -> str:
    """A US dollar amount's yen equivalent at ``rate`` (a ``domain.fx.Rate``), as a
    Japanese reader expects it beside the dollars: "(約85兆8,000億円)"; nothing without
    a rate, an amount, or outside Japanese."""
    if value is None or rate is None or not _ja():
        return ""
    return f"(約{format_japanese(value * rate.rate, '円', 3)})"


def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return _shown(format_percent, value, "#,##0" + ("." + "0" * digits if digits else "") + "%")


def number(value: float | Decimal | int | None, digits: int = 0) -> str:
    """A number with the language's grouping and ``digits`` decimals (Babel)."""
    if value is None:
        return "—"
    return _shown(format_decimal, value, "#,##0" + ("." + "0" * digits if digits else ""))


def _shown(write: Callable[..., str], value: float | Decimal | int, pattern: str) -> str:
    """``write`` (Babel's) of ``value`` in ``pattern`` and the page's language: each value
    written once per type, pattern and language, then remembered (a page's figures repeat:
    a risk class's, the same for every project of the class)."""
    lang = i18n.current()
    if value != value:  # NaN: never equal to itself, so never found again
        return write(value, pattern, locale=i18n.LOCALES[lang])
    return _shown_once(write, type(value).__name__, value, pattern, lang)


@lru_cache(maxsize=4096)
def _shown_once(write: Callable[..., str], kind: str, value: float | Decimal | int,
                pattern: str, lang: str) -> str:
    # ``kind`` apart: 1, 1.0 and Decimal(1) are equal keys, written apart all the same
    return write(value, pattern, locale=i18n.LOCALES[lang])


def day(value: date | datetime | str | None) -> str:
    """A date as the page's language writes it: ISO in English (2026-06-09), Babel's long
    form in Japanese (2026年6月9日). A date kept as text is shown as it is in English and
    read first in Japanese."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if not _ja():
            return value
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    day_of = value.date() if isinstance(value, datetime) else value
    if not _ja():
        return day_of.isoformat()
    return _long_japanese(day_of)


@lru_cache(maxsize=4096)
def _long_japanese(day_of: date) -> str:
    """Babel's long Japanese form of a date (a page shows several), written once."""
    return format_date(day_of, "long", locale=i18n.LOCALES["ja"])


def month(value: date) -> str:
    """A month's heading: "June 2026", "2026年6月"."""
    return format_skeleton("yMMMM", value, locale=i18n.LOCALES[i18n.current()])


def weekdays() -> list[str]:
    """The week's days, Monday first, abbreviated: Mon … Sun, 月 … 日."""
    names = get_day_names("abbreviated", locale=i18n.LOCALES[i18n.current()])
    return [names[i] for i in range(7)]


def tr(value: object) -> str:
    """A word of the record (a framework's name, a partner, a link's words) in the page's
    language, when the catalogue has it (``web.words``); as recorded otherwise."""
    text = "" if value is None else str(value)
    return _(text) if text else ""


def role(key: object) -> str:
    """A role as the pages name it: its key in English (``cc_jp``, as the command line
    takes it), its name in Japanese (協議委員会(日本側))."""
    text = "" if key is None else str(key)
    words = text.replace("_", " ")
    return _(words) if words and _(words) != words else text


def label(value: str | None) -> str:
    """A key as words: ``critical_minerals`` -> ``critical minerals`` (in Japanese, its
    words from the catalogue: ``web.words`` lists them)."""
    words = "" if value is None else str(value).replace("_", " ")
    return _(words) if words else ""


# How the optimiser says what set a batch's budget: "remaining cap 514300000000.00".
_REASON = re.compile(r"^(remaining cap|annual cap left|batch budget) (-?\d+(?:\.\d+)?)$")
REASON_WORDS = (N_("remaining cap"), N_("annual cap left"), N_("batch budget"))


def budget_reason(text: str) -> str:
    """One reason a batch's budget is what it is, its amount written as the pages write
    US dollars ("remaining cap US$514.3bn", "上限の残り 5,143億ドル"), in the page's
    language; a reason of another form as it is."""
    found = _REASON.match(str(text))
    if found is None:
        return str(text)
    return f"{_(found.group(1))} {usd(Decimal(found.group(2)))}"


#: The settings of a framework's terms that are amounts in US dollars (within a table too).
MONEY_SETTINGS = frozenset({"commitment", "amount", "annual_cap"})


def setting(value: object, key: str = "") -> str:
    """A framework setting as the terms page shows it: an amount as the pages write US
    dollars (US$550bn, 5,500億ドル), never its 12 raw digits; a list or a table as JSON,
    its amounts written so too."""
    def shown(v: object, k: str) -> object:
        if isinstance(v, dict):
            return {name: shown(x, name) for name, x in v.items()}
        if isinstance(v, list | tuple):
            return [shown(x, k) for x in v]
        if k in MONEY_SETTINGS and not isinstance(v, bool) and isinstance(v, int | str | Decimal):
            try:
                return usd(Decimal(str(v)))
            except ArithmeticError:
                return v
        return v

    out = shown(value, key.rsplit(".", 1)[-1])
    return json.dumps(out, ensure_ascii=False) if isinstance(out, dict | list) else str(out)


def source_link(value: object, length: int = 60, label: str | None = None) -> Markup:
    """A recorded source as every page shows it: a link only when it is a web address
    (``domain.sources.web_address``), otherwise its text, escaped and never a link, so a
    ``javascript:`` source recorded before sources were checked runs nothing.
    ``label``: the link's words instead of the address (the timeline's "source")."""
    text = "" if value is None else str(value).strip()
    if not text:
        return Markup("")
    shown = text if len(text) <= length else text[:length - 1] + "\u2026"
    href = web_address(text)
    if href is None:
        return Markup('<span class="src">{}</span>').format(shown)
    return Markup('<a class="src" href="{}" rel="noreferrer">{}</a>').format(
        href, label or shown)


def figure_json(fig: dict[str, Any]) -> str:
    """A figure for a <script type="application/json"> block (no closing tags inside)."""
    return json.dumps(fig, separators=(",", ":")).replace("</", "<\\/")


# plotly.js adds the styles of map traces to the page unless an element with the id it
# checks is there; the policy refuses that inline <style> (the pages draw no maps).
_UNUSED_STYLE = re.compile(r'if\(!document\.getElementById\("([0-9a-f]{16,})"\)\)\{var '
                           r'\w+=document\.createElement\("style"\)')


@lru_cache(maxsize=1)
def plotly_unused_styles() -> tuple[str, ...]:
    """The ids plotly.js looks for before writing styles the pages do not use."""
    bundle = (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    return tuple(dict.fromkeys(_UNUSED_STYLE.findall(bundle)))


#: Business days left under which a funding date is shown as urgent.
URGENT_DAYS = 10


def due_class(row: Any) -> str:
    """How a funding date is shown, the same on every page: ``provisional`` (no notice
    yet, so never overdue), ``overdue`` (its date has passed), ``urgent`` (fewer than
    ``URGENT_DAYS`` business days left), or plain."""
    if row.provisional:
        return "provisional"
    if row.business_days_left < 0:
        return "overdue"
    return "urgent" if row.business_days_left < URGENT_DAYS else ""


@pass_context
def page_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_`` in a template: what Jinja's own (new-style gettext) gives, the message in
    the page's language, safe when the template escapes, formatted with ``variables``
    (so "%%" reads "%"), without its two calls through the context in between; a
    message without variables is made once per language."""
    if not variables:
        return _plain_message(i18n.current(), message, context.eval_ctx.autoescape)
    text = i18n.gettext(message)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables


@lru_cache(maxsize=4096)
def _plain_message(lang: str, message: str, autoescape: bool) -> str:
    text = i18n.catalogue(lang).gettext(message)
    return (Markup(text) if autoescape else text) % {}


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(files("pledge.web") / "templates"))
    env = t.env
    env.auto_reload = False  # the package's templates: compiled once, never looked at again
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["_"] = page_gettext  # the extension's alias calls "gettext" through the context
    env.filters.update(usd=usd, usd_about=usd_about, pct=pct, label=label, figure=figure_json,
                       money=money, source_link=source_link, day=day, month=month,
                       number=number, setting=setting, tr=tr, budget_reason=budget_reason,
                       role=role)
    env.globals.update(usd_range=usd_range, version=__version__, in_yen=in_yen,
                       plotly_unused_styles=plotly_unused_styles, one_time_key=form_key,
                       due_class=due_class, weekdays=weekdays, languages=i18n.LANGUAGES,
                       switch_url=i18n.switch_url)
    return t


def render(request: Request, name: str, context: dict[str, Any], status: int = 200
           ) -> HTMLResponse:
    """A page with what every page needs: the user, the CSRF token, a one-time message and
    the language it is written in (``request.state.lang``)."""
    lang = i18n.lang_of(request)
    i18n.use(lang)
    ctx = {"user": context.pop("user", None), "csrf": csrf_token(request), "lang": lang,
           "flash": pop_flash(request), "today": date.today(), **context}
    return templates().TemplateResponse(request, name, ctx, status_code=status)


def page_language(request: Request) -> str:
    """The language a page is written in for this request (``request.state.lang`` when the
    request chose one, else English): part of the key of any rendered HTML kept."""
    return str(getattr(request.state, "lang", None) or "en")


CACHED_BLOCKS = ("title", "head", "content", "figures")
# What stands, in a kept page, for what is each reader's own and is written in for each
# request: the CSRF token, a form's one-time key (a fresh one each), the user's name.
_CSRF = "\x00csrf-token\x00"
_ONCE = "\x00one-time-key\x00"
_NAME = "\x00user-name\x00"
_OWN = re.compile(f"({_CSRF}|{_ONCE}|{_NAME})")


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A page rendered once, frame included: its text cut at what is each reader's own
    (``parts``: text, then a mark, then text ...), and its main blocks (to render the
    frame around them anew when a one-time message is to be shown)."""

    blocks: dict[str, Markup]
    figures: bool
    parts: tuple[str, ...]

    def text(self, csrf: str, name: str) -> str:
        """The page for one reader: their token and name, a fresh key for each form."""
        own = {_CSRF: str(escape(csrf)), _NAME: str(escape(name))}
        return "".join(part if i % 2 == 0 else own.get(part) or str(escape(form_key()))
                       for i, part in enumerate(self.parts))


def _page_key(request: Request, name: str, key: tuple[Any, ...], user: Any
              ) -> tuple[Any, ...]:
    """What a kept page is kept by (``render_cached``)."""
    role = None if user is None else user.role.value
    return ("page", name, page_language(request), date.today(), role,
            (request.url.path, request.url.query), *key)


def _answer(request: Request, kept: KeptPage, user: Any) -> HTMLResponse:
    """A kept page for this reader: their name and token written in; with a one-time
    message to show, the frame rendered anew around the kept content."""
    shown = pop_flash(request)
    if shown is not None:
        return render(request, "cached.html", {"user": user, "cached": kept.blocks,
                                               "figures": kept.figures, "flash": shown})
    return HTMLResponse(kept.text(csrf_token(request), "" if user is None else str(user.name)))


def render_cached(request: Request, engine: Any, name: str, key: tuple[Any, ...],
                  user: Any, build: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """A page whose main content (its title, head, content and figures) is rendered once
    per data version, template, language, day, role, path and query, and ``key`` (anything
    else the content depends on), and kept (``dashboard.views``) with the frame around it;
    ``build`` makes the template's context and runs only when the page is not kept.
    What is each reader's own (their name, the CSRF token, the forms' one-time keys) is
    written into the kept page for each request; a one-time message has the frame
    rendered anew. Content that would hold the user's name is never kept: such a page is
    rendered whole."""
    today = date.today()
    kept = views.get(engine, _page_key(request, name, key, user),
                     lambda: _kept(request, name, user, build(), today))
    if kept is None:  # holds a reader's own things: rendered whole, each time
        return render(request, name, {"user": user, **build()})
    return _answer(request, kept, user)


def kept_answer(request: Request, engine: Any, name: str, key: tuple[Any, ...], user: Any
                ) -> HTMLResponse | None:
    """The page ``render_cached`` would answer when it is kept at this data version (a
    read of the data version at most; never waits for a page being made), else None."""
    found, kept = views.fresh(engine, _page_key(request, name, key, user))
    return _answer(request, kept, user) if found and kept is not None else None


async def render_kept(request: Request, engine: Any, name: str, key: tuple[Any, ...],
                      user: Any, build: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """``render_cached`` for a page answered on the event loop: a kept page is answered
    there; a page to make is made in a worker thread, so the loop never waits for a
    build, nor for another request making it."""
    kept = kept_answer(request, engine, name, key, user)
    if kept is not None:
        return kept
    return await run_in_threadpool(render_cached, request, engine, name, key, user, build)


def _kept(request: Request, name: str, user: Any, context: dict[str, Any], today: date
          ) -> KeptPage | None:
    env, lang = templates().env, i18n.lang_of(request)
    page, base = env.get_template(name), env.get_template("base.html")
    ctx = page.new_context({**env.globals, "request": request, "user": user, "csrf": _CSRF,
                            "one_time_key": lambda: _ONCE, "flash": None, "today": today,
                            "lang": lang, **context})
    blocks = {b: Markup("".join((page.blocks.get(b) or base.blocks[b])(ctx)))
              for b in CACHED_BLOCKS}
    if user is not None and any(str(user.name) in text for text in blocks.values()):
        return None
    figures = bool(context.get("figures"))
    stand_in = None if user is None else replace(user, name=_NAME)
    whole = env.get_template("cached.html").render({
        "request": request, "user": stand_in, "csrf": _CSRF, "lang": lang,
        "flash": None, "today": today, "cached": blocks, "figures": figures})
    return KeptPage(blocks, figures, tuple(_OWN.split(whole)))


def warm() -> int:
    """Compile every page template (and read the plotly bundle the pages check and the
    Japanese catalogue), so the first request for a page does not; the number of
    templates compiled."""
    env = templates().env
    names = env.list_templates(filter_func=lambda n: n.endswith(".html"))
    for name in names:
        env.get_template(name)
    plotly_unused_styles()
    for lang in i18n.LANGUAGES:
        i18n.catalogue(lang)
    return len(names)

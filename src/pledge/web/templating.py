"""The Jinja2 environment the pages render with: templates from the package, money filters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from pledge import __version__
from pledge.domain.money import format_amount, format_rounded, format_stored
from pledge.domain.sources import web_address
from pledge.server.idempotency import form_key
from pledge.services.dashboard import views
from pledge.web.auth import csrf_token, pop_flash


def money(fact: dict[str, Any]) -> str:
    """An amount as read from an article (``low``/``high`` as decimal text, ``currency``),
    written as people write it: "¥6tn to ¥7tn"."""
    return format_stored(fact.get("low"), fact.get("high"), fact.get("currency"))


def usd(value: Decimal | None, full: bool = False) -> str:
    """An amount in US dollars: rounded to four significant digits for reading
    (``domain.money.format_rounded``: the command line's form too), or every digit to the
    cent with ``full``."""
    if value is None:
        return "—"
    return format_amount(value, "USD", short=False) if full else format_rounded(value, "USD")


def usd_about(value: Decimal | None) -> str:
    """An amount to read, not to reconcile: rounded to three significant figures."""
    if value is None:
        return "—"
    if value == 0:
        return usd(value)
    return "≈ " + format_rounded(value, "USD", 3)


def usd_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"up to {usd(high)}"
    if high is None or low == high:
        return usd(low)
    return f"{usd(low)}–{usd(high)}"


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def label(value: str | None) -> str:
    """A key as words: ``critical_minerals`` -> ``critical minerals``."""
    return "" if value is None else str(value).replace("_", " ")


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


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(files("pledge.web") / "templates"))
    env = t.env
    env.filters.update(usd=usd, usd_about=usd_about, pct=pct, label=label, figure=figure_json,
                       money=money, source_link=source_link)
    env.globals.update(usd_range=usd_range, version=__version__,
                       plotly_unused_styles=plotly_unused_styles, one_time_key=form_key,
                       due_class=due_class)
    return t


def render(request: Request, name: str, context: dict[str, Any], status: int = 200
           ) -> HTMLResponse:
    """A page with what every page needs: the user, the CSRF token and a one-time message."""
    ctx = {"user": context.pop("user", None), "csrf": csrf_token(request),
           "flash": pop_flash(request), "today": date.today(), **context}
    return templates().TemplateResponse(request, name, ctx, status_code=status)


def page_language(request: Request) -> str:
    """The language a page is written in for this request (``request.state.lang`` when the
    request chose one, else English): part of the key of any rendered HTML kept."""
    return str(getattr(request.state, "lang", None) or "en")


CACHED_BLOCKS = ("title", "head", "content", "figures")
_MARK = "\x00not-for-every-reader\x00"  # stands for what is one reader's own while rendering


def render_cached(request: Request, engine: Any, name: str, key: tuple[Any, ...],
                  user: Any, build: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """A page whose main content (its title, head, content and figures) is rendered once
    per data version, template, language, day, role, path and query, and ``key`` (anything
    else the content depends on), and kept (``dashboard.views``);
    ``build`` makes the template's context and runs only when the content is not kept.
    The frame around it (the user's name, the CSRF token, a one-time message) is rendered
    for each request. Content that would hold a reader's own things (a CSRF token, a
    one-time key, the user's name) is never kept: such a page is rendered whole."""
    lang, today = page_language(request), date.today()
    role = None if user is None else user.role.value
    asked = (request.url.path, request.url.query)
    kept = views.get(engine, ("page", name, lang, today, role, asked, *key),
                      lambda: _blocks(request, name, user, build(), today))
    if kept is None:  # holds a reader's own things: rendered whole, each time
        return render(request, name, {"user": user, **build()})
    blocks, has_figures = kept
    return render(request, "cached.html", {"user": user, "cached": blocks,
                                           "figures": has_figures})


def _blocks(request: Request, name: str, user: Any, context: dict[str, Any], today: date
            ) -> tuple[dict[str, Markup], bool] | None:
    env = templates().env
    page, base = env.get_template(name), env.get_template("base.html")
    ctx = page.new_context({**env.globals, "request": request, "user": user, "csrf": _MARK,
                            "one_time_key": lambda: _MARK, "flash": None, "today": today,
                            **context})
    blocks = {b: Markup("".join((page.blocks.get(b) or base.blocks[b])(ctx)))
              for b in CACHED_BLOCKS}
    own = (_MARK,) + (() if user is None else (str(user.name),))
    if any(o in text for text in blocks.values() for o in own):
        return None
    return blocks, bool(context.get("figures"))


def warm() -> int:
    """Compile every page template (and read the plotly bundle the pages check), so the
    first request for a page does not; the number of templates compiled."""
    env = templates().env
    names = env.list_templates(filter_func=lambda n: n.endswith(".html"))
    for name in names:
        env.get_template(name)
    plotly_unused_styles()
    return len(names)

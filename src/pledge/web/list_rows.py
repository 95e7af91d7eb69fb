"""The rows of the project list, written straight to HTML: fifty rows of eight cells are
most of what a list page made anew costs, and written here rather than by the template's
loop they cost a fraction (the same text, escaped alike: ``tests/web`` compares them).
The words a row shows (a sector, a stage) are looked up once per language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from pledge.web import i18n
from pledge.web.i18n import _
from pledge.web.templating import day, label, usd_range


@lru_cache(maxsize=1024)
def _word(lang: str, key: Any) -> str:
    """``label`` of ``key`` in ``lang``, escaped (``lang``: the language being answered
    in, which ``label`` reads)."""
    return str(escape(label(key)))


def _row(r: Any, due: Any, lang: str) -> str:
    pid = int(r.id)
    high, low = r.amount_high_usd, r.amount_low_usd
    sort = high if high is not None else (low if low is not None else "")
    if due:
        when = str(escape(day(due.due)))
        if due.provisional:
            when += f' <span class="tag">{Markup(_("provisional")) % {}}</span>'
    else:
        when = str(escape(day(r.funding_date)))
    return (f'\n    <tr><td class="num">{pid}</td><td><a href="/projects/{pid}">'
            f'{escape(r.name)}</a></td><td>{escape(r.framework)}</td>\n'
            f'      <td>{_word(lang, r.sector)}</td><td><span class="stage stage-'
            f'{escape(r.status)}">{_word(lang, r.status)}</span></td>\n'
            f'      <td class="num" data-sort="{escape(sort)}">'
            f'{escape(usd_range(low, high))}</td><td>'
            f'{", ".join(str(escape(s)) for s in r.states)}</td>\n'
            f'      <td class="date" data-testid="funding-date-{pid}">{when}</td></tr>\n  ')


def project_rows(rows: Sequence[Any], dues: Mapping[int, Any]) -> Markup:
    """The table rows of ``rows`` (``ProjectSummary``), each with its funding date from
    ``dues`` (by project id; else its own), in the page's language."""
    lang = i18n.current()
    return Markup("".join(_row(r, dues.get(r.id), lang) for r in rows))

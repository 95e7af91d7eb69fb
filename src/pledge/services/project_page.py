"""What a project's page reads, in one read-only unit of work: the project with everything
recorded about it (``project_views``), the assumptions its base case rests on
(``simulation.assumptions_of``, from the row as read), and for a signed-in reader its
tranches and the articles that name it; for an anonymous one, the record without account
names (``public_view``). One connection and one snapshot for all of it, each statement
built once, the project looked up once.

What was read is kept for the next view of the same project (a page waiting for its
outlook looks again every few seconds) while the data's version, read first in the same
snapshot, is unchanged (``dashboard.data_version``: every change writes an audit entry).
Nothing of it depends on who reads, only on whether anyone is signed in, which is part
of the key: the reader's role, name and forms are the page's own, each time."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache
from sqlalchemy import Connection, Engine

from pledge.services.claims import TrancheView, tranches_of
from pledge.services.dashboard import data_version_on
from pledge.services.news_review import ArticleSummary, articles_in
from pledge.services.project_views import ProjectDetail, read_detail
from pledge.services.public_view import account_names, without_accounts
from pledge.store.db import reading
from pledge.store.project_queries import holding

if TYPE_CHECKING:  # the simulation (numba, the engines) loads only when a page is read
    from pledge.services.simulation import Assumptions

__all__ = ["KEPT_PAGES", "ProjectPage", "forget_pages", "project_page"]


@dataclass(frozen=True, slots=True)
class ProjectPage:
    """A project as its page shows it: ``detail`` (``show_project``'s, account names
    hidden for an anonymous reader), ``assumptions`` (None: no model, for want of a cost
    estimate), and for a signed-in reader ``tranches`` (``list_tranches``') and
    ``articles`` (``list_articles``' of the project); both empty otherwise."""

    detail: ProjectDetail
    assumptions: Assumptions | None
    tranches: list[TrancheView] = field(default_factory=list)
    articles: list[ArticleSummary] = field(default_factory=list)


#: Project pages' reads kept (by database, project and whether signed in), the least
#: recently used going first: a few hundred views' worth, a few megabytes at most.
KEPT_PAGES = 256
_kept: LRUCache[tuple[Any, ...], tuple[int, ProjectPage]] = LRUCache(maxsize=KEPT_PAGES)
_kept_lock = threading.Lock()


def forget_pages() -> None:
    """Drop every kept read (tests; the data's version makes them stale on its own)."""
    with _kept_lock:
        _kept.clear()


def project_page(engine: Engine, project_id: int | str, *, signed_in: bool) -> ProjectPage:
    """The project ``project_id`` (an id, or one as text) as its page shows it to a
    signed-in reader or, ``signed_in`` False, to the public; raises what ``show_project``
    raises for an unknown id. Kept until the data changes (module docstring)."""
    key = (engine.url.render_as_string(hide_password=True), project_id, signed_in)
    with reading(engine) as s:
        # also what the page then checks its outlook against (``one_data_version``)
        version = data_version_on(engine, s)
        with _kept_lock:
            hit = _kept.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        found = _read(s, project_id, signed_in)
    with _kept_lock:
        _kept[key] = (version, found)
    return found


def _read(s: Connection, project_id: int | str, signed_in: bool) -> ProjectPage:
    """What ``project_page`` reads, in ``s``."""
    from pledge.services.simulation import assumptions_of

    found, row = read_detail(s, project_id)
    if signed_in:  # each list read only when the project's row says it holds any
        held = holding(row)
        tranches = tranches_of(s, row.id) if "tranches" in held else []
        articles = articles_in(s, row.id) if "news_mentions" in held else []
    else:
        found, tranches, articles = without_accounts(found, account_names(s)), [], []
    assumed = assumptions_of(row.id, row.name, row.sector, row.economics, row.usd_low,
                             row.usd_high, row.sector_detail)
    return ProjectPage(found, assumed, tranches, articles)

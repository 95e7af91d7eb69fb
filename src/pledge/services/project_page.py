"""What a project's page reads, in one read-only unit of work: the project with everything
recorded about it (``project_views``), the assumptions its base case rests on
(``simulation.assumptions_of``, from the row as read), and for a signed-in reader its
tranches and the articles that name it; for an anonymous one, the record without account
names (``public_view``). One connection and one snapshot for all of it, each statement
built once, the project looked up once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from pledge.services.claims import TrancheView, tranches_of
from pledge.services.dashboard import note_data_version
from pledge.services.news_review import ArticleSummary, articles_in
from pledge.services.project_views import ProjectDetail, read_detail
from pledge.services.public_view import account_names, without_accounts
from pledge.store.db import reading
from pledge.store.project_queries import holding

if TYPE_CHECKING:  # the simulation (numba, the engines) loads only when a page is read
    from pledge.services.simulation import Assumptions

__all__ = ["ProjectPage", "project_page"]


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


def project_page(engine: Engine, project_id: int | str, *, signed_in: bool) -> ProjectPage:
    """The project ``project_id`` (an id, or one as text) as its page shows it to a
    signed-in reader or, ``signed_in`` False, to the public; raises what ``show_project``
    raises for an unknown id."""
    from pledge.services.simulation import assumptions_of

    with reading(engine) as s:
        found, row = read_detail(s, project_id)
        if signed_in:  # each list read only when the project's row says it holds any
            held = holding(row)
            tranches = tranches_of(s, row.id) if "tranches" in held else []
            articles = articles_in(s, row.id) if "news_mentions" in held else []
        else:
            found, tranches, articles = without_accounts(found, account_names(s)), [], []
        note_data_version(engine, s)  # what the page then checks its outlook against
    assumed = assumptions_of(row.id, row.name, row.sector, row.economics, row.usd_low,
                             row.usd_high, row.sector_detail)
    return ProjectPage(found, assumed, tranches, articles)

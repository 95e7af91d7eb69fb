"""The pages: one router, to which each page module, one area each, adds its pages.

``session_pages`` (files, login, logout), ``overview_pages`` (dashboard, priorities, a
framework's terms, deadlines), ``project_pages`` (the list, a project and its forms) and
``review_pages`` (the news review queue). Each page asks ``services/`` and renders a
template; each form checks its CSRF token, calls the same service an API call or a
command would, and redirects back with a one-time message (a refused change shows the
rule's own words).
"""

from __future__ import annotations

# Importing a page module adds its pages to the router (no two areas share a path).
from typing import Any

from pledge.services import frameworks as fw_svc
from pledge.services import project_page, project_views
from pledge.web import overview_pages, project_pages, review_pages, session_pages, templating
from pledge.web.common import PAGE_SIZE, router

AREAS = (session_pages, overview_pages, project_pages, review_pages)
__all__ = ["AREAS", "router", "warm"]


def warm(engine: Any) -> None:
    """What a server does before its first page: every template compiled, the frameworks
    listed and a project page's reads done once (their queries compiled)."""
    templating.warm()
    fw_svc.list_frameworks(engine)
    first = project_views.warm_reads(engine, PAGE_SIZE)
    if first is not None:  # the page's own reads too (its economics among them)
        project_page.project_page(engine, first, signed_in=True)

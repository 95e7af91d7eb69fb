"""The review queue as a reviewer pages through it: proposals filtered by state, kind and
framework, one page at a time, each with its change in a line that does not repeat its
kind and its evidence cut around the words that matter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.proposals import ProposalKind
from pledge.services.base import Actor
from pledge.services.news_review import (
    ProposalView,
    list_proposals,
    proposal_framework,
    proposals_page,
)
from pledge.store import news_queries as nq
from pledge.store.db import reading

STATES = ("proposed", "accepted", "rejected", "all")
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_SIZE = 25
EXCERPT = 320   # characters of evidence shown whole; a longer sentence is cut around its figure

_PREFIXES = {ProposalKind.NEW_PROJECT: "new project: ",
             ProposalKind.ADDITIONAL_ESTIMATE: "another estimate: ",
             ProposalKind.SITE_REPORT: "reported site: ",
             ProposalKind.SPONSOR: "sponsor: ", ProposalKind.TRANCHE: "tranche: "}


def detail(p: ProposalView) -> str:
    """The proposal's summary without the words that repeat its kind."""
    text = p.summary
    prefix = _PREFIXES.get(p.kind)
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


def needle(p: ProposalView) -> str:
    """The words in the evidence the proposal was read from: the amount, the stage words,
    the site or the name."""
    pay = p.payload
    for key in ("written", "amount", "signal"):
        if pay.get(key):
            return str(pay[key])
    places = [*pay.get("sites", []), *pay.get("states", [])]
    return str(places[0]) if places else str(pay.get("name", ""))


def excerpt(text: str, words: str, width: int = EXCERPT) -> str:
    """``text`` whole when it is at most ``width`` characters; else a window of about
    ``width`` characters centred on ``words`` (the start when they are not found), cut at
    spaces and marked with ellipses."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    at = text.lower().find(words.lower()) if words else -1
    centre = at + len(words) // 2 if at >= 0 else width // 2
    start = max(0, min(centre - width // 2, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > end - 30 else end
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of the queue.

    total: proposals that pass the filters; first / last: the positions shown (1-based,
    0 and 0 when none); frameworks: proposal id -> framework key ("" when unknown);
    details and excerpts: proposal id -> the change in a line and the evidence to show.
    """

    rows: list[ProposalView]
    total: int
    page: int
    pages: int
    size: int
    first: int
    last: int
    frameworks: dict[int, str]
    details: dict[int, str]
    excerpts: dict[int, str]


def check_filters(state: str, kind: str, size: int) -> None:
    """Raise InvalidInput naming every filter that is not one of its choices."""
    problems: list[tuple[str, Any, str, str]] = []
    if state not in STATES:
        problems.append(("state", state, "web.bad_state", f"one of: {', '.join(STATES)}"))
    if kind and kind not in {k.value for k in ProposalKind}:
        problems.append(("kind", kind, "review.unknown_kind",
                         f"one of: {', '.join(k.value for k in ProposalKind)}"))
    if size not in PAGE_SIZES:
        problems.append(("size", size, "review.bad_size",
                         f"one of: {', '.join(str(n) for n in PAGE_SIZES)}"))
    if problems:
        raise InvalidInput([Problem(*p) for p in problems])


def review_queue(engine: Engine, *, state: str = "proposed", kind: str = "",
                 framework: str = "", page: int = 1, size: int = DEFAULT_SIZE,
                 actor: Actor | None = None) -> QueuePage:
    """The proposals in ``state`` ("all": every state) of ``kind`` and ``framework`` (empty:
    any), oldest first, page ``page`` of ``size``. Raises InvalidInput for an unknown state,
    kind or size, or a page beyond the last."""
    check_filters(state, kind, size)
    wanted = None if state == "all" else state
    if not kind and not framework:  # the page's slice and the count, read in SQL
        rows, total = proposals_page(engine, state=wanted, page=page, size=size, actor=actor)
        pages = max(1, -(-total // size))
        with reading(engine) as s:
            of_project = nq.project_frameworks(
                s, {p.project_id for p in rows if p.project_id is not None})
        frameworks = {p.id: proposal_framework(p, of_project) for p in rows if p.id is not None}
    else:  # a framework is the project's or the article's: filtered as read
        everything = list_proposals(engine, state=wanted, actor=actor)
        with reading(engine) as s:
            of_project = nq.project_frameworks(s)
        frameworks = {p.id: proposal_framework(p, of_project)
                      for p in everything if p.id is not None}
        chosen = [p for p in everything
                  if (not kind or p.kind == kind)
                  and (not framework or frameworks.get(p.id or 0) == framework)]
        total, pages = len(chosen), max(1, -(-len(chosen) // size))
        if not 1 <= page <= pages:
            raise InvalidInput.single("page", page, "web.bad_page",
                                      f"pages run from 1 to {pages}")
        rows = chosen[(page - 1) * size:page * size]
    first = (page - 1) * size + 1 if rows else 0
    last = first + len(rows) - 1 if rows else 0
    return QueuePage(rows, total, page, pages, size, first, last, frameworks,
                     {p.id: detail(p) for p in rows if p.id is not None},
                     {p.id: excerpt(p.evidence, needle(p)) for p in rows if p.id is not None})

"""A feed of the record's accepted changes (Atom): new projects, stage changes, money
moved for a project (allocations, fundings, called guarantees, contributions in kind,
distributions) and amendments of a framework's terms, newest first, per framework or
per project.

Every entry is one row of the audit log, which is append-only and hash-chained: the
entry's id names that row, so a reader never sees the same change twice and an edit of
the log would show (``pledge audit verify``). Only what the record has accepted is in
the feed; proposals waiting for review are not changes yet.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Engine, and_, or_, select

from pledge.domain.access import public_actor
from pledge.domain.lifecycle import Stage
from pledge.domain.money import format_amount
from pledge.exports.atom import ATOM_MEDIA_TYPE, FeedEntry, atom_feed
from pledge.services.base import framework_row, now, project_row
from pledge.services.public_view import account_names
from pledge.store import tables as t
from pledge.store.db import reading

__all__ = ["ATOM_MEDIA_TYPE", "FEED_ACTIONS", "MAX_ENTRIES", "changes_feed", "feed_entries"]

MAX_ENTRIES = 200
"""The most entries a feed holds (the newest); older changes stay in the audit log."""

_MONEY_ACTIONS = {
    "project.allocate": "allocation", "project.fund": "funding",
    "project.guarantee_call": "guarantee called", "project.in_kind": "contribution in kind",
    "project.distribute": "distribution"}
FEED_ACTIONS: frozenset[str] = frozenset(
    {"project.add", "framework.amend", *_MONEY_ACTIONS, *(f"project.{s.value}" for s in Stage)})
"""The audit actions a feed shows."""


def _usd(value: Any) -> str:
    try:
        return format_amount(Decimal(str(value)), "USD")
    except (InvalidOperation, ValueError):
        return str(value)


def _words(stage: str) -> str:
    return stage.replace("_", " ")


def _title_and_summary(row: Any, name: str | None, accounts: frozenset[str]
                       ) -> tuple[str, str, str]:
    """(title, summary, category) of one audit row (a feed is public: an account's name
    is shown as its role in words)."""
    after: dict[str, Any] = row.after if isinstance(row.after, dict) else {}
    who = public_actor(str(row.actor), str(row.role), accounts)
    subject = f"Project {row.project_id}" + (f" ({name})" if name else "")
    action = str(row.action)
    if action == "project.add":
        estimate = after.get("amount_high_usd") or after.get("amount_low_usd")
        parts = [f"framework {after.get('framework', '?')}", f"sector {after.get('sector', '?')}"]
        if estimate:
            parts.append(f"estimated at {_usd(estimate)}")
        if after.get("source"):
            parts.append(f"source: {after['source']}")
        return f"New project: {name or subject}", "; ".join(parts) + ".", "new-project"
    if action == "framework.amend":
        return (f"Framework {row.entity_id}: terms amended",
                f"Amended by {who}. The terms before and after are in the audit log "
                f"(row {row.id}).", "terms-amended")
    if action in _MONEY_ACTIONS:
        kind = _MONEY_ACTIONS[action]
        amount = after.get("amount") or after.get("allocation")
        detail = ", ".join(str(after[k]) for k in ("instrument", "provider") if after.get(k))
        title = f"{subject}: {kind}" + (f" of {_usd(amount)}" if amount else "")
        summary = (f"{kind.capitalize()}" + (f" ({detail})" if detail else "")
                   + (f" on {after['on']}" if after.get("on") else "") + f", recorded by {who}.")
        return title, summary, "money"
    stage = action.removeprefix("project.")
    reason = after.get("reason")
    sources = after.get("sources") or []
    summary = f"Moved to {_words(stage)} by {who}" + (f": {reason}" if reason else ".")
    if sources:
        summary += " Sources: " + ", ".join(str(s) for s in sources)
    return f"{subject}: {_words(stage)}", summary, "stage"


def feed_entries(engine: Engine, *, framework: str | None = None,
                 project_id: int | str | None = None, base_url: str | None = None,
                 limit: int = MAX_ENTRIES) -> tuple[str, str, list[FeedEntry]]:
    """(the feed's subject, its scope, its entries newest first) for a framework, a
    project or the whole record."""
    a, p = t.audit_log, t.projects
    q = (select(a.c.id, a.c.at, a.c.actor, a.c.role, a.c.action, a.c.entity, a.c.entity_id,
                a.c.project_id, a.c.after, p.c.name)
         .outerjoin(p, p.c.id == a.c.project_id)
         .where(a.c.action.in_(sorted(FEED_ACTIONS)))
         .order_by(a.c.id.desc()).limit(max(1, min(limit, MAX_ENTRIES))))
    with reading(engine) as s:
        if project_id is not None:
            row = project_row(s, project_id)
            q = q.where(a.c.project_id == row.id)
            subject, scope = f"project {row.id} ({row.name})", f"project:{row.id}"
        elif framework is not None:
            fw = framework_row(s, framework)
            q = q.where(or_(p.c.framework_id == fw.id,
                            and_(a.c.entity == "framework", a.c.entity_id == fw.key)))
            subject, scope = f"the {fw.key} framework", f"framework:{fw.key}"
        else:
            subject, scope = "every framework", "all"
        rows = list(s.execute(q))
        accounts = account_names(s)
    base = base_url.rstrip("/") if base_url else None
    entries = []
    for r in rows:
        title, summary, category = _title_and_summary(r, r.name, accounts)
        link = None
        if base and r.project_id is not None:
            link = f"{base}/projects/{r.project_id}"
        elif base and r.entity == "framework":
            link = f"{base}/frameworks/{r.entity_id}"
        entries.append(FeedEntry(f"urn:pledge:audit:{r.id}", title, r.at, summary, link,
                                 category))
    return subject, scope, entries


def changes_feed(engine: Engine, *, framework: str | None = None,
                 project_id: int | str | None = None, base_url: str | None = None,
                 self_url: str | None = None) -> bytes:
    """The Atom feed of accepted changes (see the module's docstring)."""
    subject, scope, entries = feed_entries(engine, framework=framework,
                                           project_id=project_id, base_url=base_url)
    updated = entries[0].updated if entries else now()
    return atom_feed(feed_id=f"urn:pledge:changes:{scope}",
                     title=f"pledge: accepted changes of {subject}", author="pledge",
                     updated=updated, entries=entries, self_url=self_url,
                     alternate=base_url.rstrip("/") + "/" if base_url else None)

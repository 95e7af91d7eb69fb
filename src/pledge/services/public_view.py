"""What anonymous readers of the public portal see of who acted: never a user's account.

Decisions are recorded with who took them: a named body or person ("Investment
Committee", "President of the United States (reported)") or, when a user of pledge
records for themselves, their account name. The public pages, the public API and the
feeds show an account name as the role it acted in, in words (``domain.access``); a
reported site's or stage's recorder, who has no role on record there, as "a pledge user".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine, select

from pledge.domain.access import public_actor
from pledge.services.project_views import ProjectDetail
from pledge.store import tables as t
from pledge.store.db import reading

__all__ = ["account_names", "for_public", "public_rows", "without_accounts"]

_RECORDER = "a pledge user"


def account_names(s: Connection) -> frozenset[str]:
    """Every user account's name (revoked ones too: they acted once)."""
    return frozenset(str(n) for n in s.execute(select(t.users.c.name)).scalars())


def public_rows(rows: list[dict[str, Any]], names: frozenset[str]) -> list[dict[str, Any]]:
    """``rows`` (stage changes, consultations, reports) with every account name hidden."""
    out = []
    for r in rows:
        r = dict(r)
        if "actor" in r:
            r["actor"] = public_actor(str(r["actor"]), str(r.get("role", "")), names)
        if r.get("recorded_by") in names:
            r["recorded_by"] = _RECORDER
        out.append(r)
    return out


def for_public(engine: Engine, d: ProjectDetail) -> ProjectDetail:
    """The project as an anonymous reader sees it: the same record, no account names."""
    with reading(engine) as s:
        names = account_names(s)
    return without_accounts(d, names)


def without_accounts(d: ProjectDetail, names: frozenset[str]) -> ProjectDetail:
    """``for_public`` of the project ``d`` given every account's name (``account_names``)."""
    if not names:
        return d
    return replace(d, transitions=public_rows(d.transitions, names),
                   consultations=public_rows(d.consultations, names),
                   sites=public_rows(d.sites, names),
                   status_reports=public_rows(d.status_reports, names))

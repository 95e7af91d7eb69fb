"""Guarantees are exposure, not cash: guarantees recorded before are reclassified.

Until this revision a guarantee was posted like equity or a loan: money into the
project's SPV (``spv:invested``, instrument ``guarantee``) provided by the guarantor
(``funding:provided``). A guarantee moves no cash unless it is called, so from now on
it is posted as the provider's contingent exposure (``spv:guaranteed`` against
``funding:guaranteed``) and never counted as disbursed.

The ledger is append-only and hash-chained, so nothing already written changes: each
guarantee posted before gets one ``reclassification`` entry, dated the guarantee's
date, that moves its amount out of ``spv:invested``/``funding:provided`` into
``spv:guaranteed``/``funding:guaranteed`` (what it counted toward the cap stays as it
was), chained at the end of its framework's ledger exactly as the application chains
an entry (``pledge.domain.chain``). No table or column changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-21
"""
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from pledge.domain.chain import entry_content, ledger_chain, link
from pledge.domain.money import from_minor_units, to_minor_units

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MEMO = ("a guarantee is exposure, not cash: reclassified out of the money in the SPV "
        "(schema upgrade 0016)")

_entries = sa.table("ledger_entries", sa.column("id", sa.Integer),
                    sa.column("framework_id", sa.Integer), sa.column("kind", sa.String),
                    sa.column("on", sa.Date), sa.column("memo", sa.String),
                    sa.column("actor", sa.String), sa.column("role", sa.String),
                    sa.column("recorded_at", sa.DateTime(timezone=True)),
                    sa.column("hash", sa.String), sa.column("prev_hash", sa.String))
_postings = sa.table("postings", sa.column("id", sa.Integer), sa.column("entry_id", sa.Integer),
                     sa.column("framework_id", sa.Integer), sa.column("account", sa.String),
                     sa.column("amount", sa.BigInteger), sa.column("currency", sa.String),
                     sa.column("on", sa.Date), sa.column("project_id", sa.Integer),
                     sa.column("party", sa.String), sa.column("instrument", sa.String),
                     sa.column("provider", sa.String))
_heads = sa.table("chain_heads", sa.column("chain", sa.String), sa.column("last_id", sa.Integer),
                  sa.column("last_hash", sa.String))


def _lines(framework_id: int, guarantee: Any) -> list[dict[str, Any]]:
    """The reclassification of one posted guarantee, as the application would post it."""
    component = guarantee.account.rsplit(":spv:invested", 1)[0]
    amount = from_minor_units(int(guarantee.amount))

    def line(account: str, value: Any, project: bool) -> dict[str, Any]:
        return {"framework_id": framework_id, "account": f"{component}:{account}",
                "amount": value, "currency": guarantee.currency, "on": guarantee.on,
                "project_id": guarantee.project_id if project else None, "party": None,
                "instrument": "guarantee" if project else None,
                "provider": guarantee.provider}

    return [line("spv:invested", -amount, True), line("funding:provided", amount, False),
            line("spv:guaranteed", amount, True), line("funding:guaranteed", -amount, False)]


def upgrade() -> None:
    bind = op.get_bind()
    guarantees = bind.execute(
        sa.select(_postings.c.framework_id, _postings.c.account, _postings.c.amount,
                  _postings.c.currency, _postings.c.on, _postings.c.project_id,
                  _postings.c.provider)
        .join(_entries, _entries.c.id == _postings.c.entry_id)
        .where(_entries.c.kind == "disbursement", _postings.c.instrument == "guarantee",
               _postings.c.account.like("%:spv:invested"))
        .order_by(_postings.c.id)).all()
    by_framework: dict[int, list[Any]] = {}
    for g in guarantees:
        by_framework.setdefault(int(g.framework_id), []).append(g)
    for fid, rows in by_framework.items():
        chain = ledger_chain(fid)
        head = bind.execute(sa.select(_heads).where(_heads.c.chain == chain)).first()
        prev = head.last_hash if head is not None else None
        if prev is None:  # 0011 records a head for every framework; never guess one
            raise RuntimeError(f"the ledger chain of framework {fid} has no recorded end")
        last = None
        for g in rows:
            values = {"framework_id": fid, "kind": "reclassification", "on": g.on,
                      "memo": MEMO, "actor": "pledge upgrade", "role": "admin",
                      "recorded_at": datetime.now(UTC)}
            lines = _lines(fid, g)
            digest = link(prev, entry_content(values, lines))
            last = bind.execute(_entries.insert().values(**values, hash=digest, prev_hash=prev)
                                .returning(_entries.c.id)).scalar_one()
            bind.execute(_postings.insert(), [
                {**ln, "entry_id": last, "amount": to_minor_units(ln["amount"])}
                for ln in lines])
            prev = digest
        bind.execute(_heads.update().where(_heads.c.chain == chain)
                     .values(last_id=last, last_hash=prev))


def downgrade() -> None:
    # The ledger is append-only: the reclassifying entries stay (an older release reads
    # them as balanced entries on accounts it does not know).
    pass

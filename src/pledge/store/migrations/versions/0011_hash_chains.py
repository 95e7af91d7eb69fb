"""Hash chains over the audit log and the ledger; the ledger and the chains' ends append-only.

Adds ``hash`` and ``prev_hash`` to ``audit_log`` and ``ledger_entries`` and the
``chain_heads`` table, and chains the rows already stored in id order (so an upgraded
database verifies). Then ledger entries and postings refuse UPDATE and DELETE like the
audit log, the chain heads refuse DELETE, and on PostgreSQL all four tables refuse
TRUNCATE (a statement trigger: row triggers do not see it).

The hashes are computed with ``pledge.domain.chain``, the one definition the
application writes and verifies with.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

from pledge.domain.chain import (
    AUDIT_CHAIN,
    AUDIT_FIELDS,
    ENTRY_FIELDS,
    GENESIS,
    POSTING_FIELDS,
    audit_content,
    entry_content,
    ledger_chain,
    link,
)
from pledge.domain.money import from_minor_units

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "ledger_entries", "postings")

_audit = sa.table("audit_log", sa.column("id", sa.Integer),
                  sa.column("at", sa.DateTime(timezone=True)),
                  *(sa.column(n, sa.String) for n in AUDIT_FIELDS
                    if n not in ("at", "project_id", "before", "after")),
                  sa.column("project_id", sa.Integer), sa.column("before", sa.JSON),
                  sa.column("after", sa.JSON), sa.column("hash", sa.String),
                  sa.column("prev_hash", sa.String))
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
_frameworks = sa.table("frameworks", sa.column("id", sa.Integer))
_heads = sa.table("chain_heads", sa.column("chain", sa.String), sa.column("last_id", sa.Integer),
                  sa.column("last_hash", sa.String))


def upgrade() -> None:
    for table in ("audit_log", "ledger_entries"):
        op.add_column(table, sa.Column("hash", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "chain_heads",
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_chain_heads")),
    )
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")  # the rows get their hashes
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb}")
    _chain_existing_rows(bind)
    if postgres:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
    _guard(postgres)


def _chain_existing_rows(bind: Any) -> None:
    heads: list[dict[str, Any]] = []
    prev, last = GENESIS, None
    for row in bind.execute(sa.select(_audit).order_by(_audit.c.id)).mappings().all():
        digest = link(prev, audit_content(row))
        bind.execute(_audit.update().where(_audit.c.id == row["id"])
                     .values(hash=digest, prev_hash=prev))
        prev, last = digest, row["id"]
    heads.append({"chain": AUDIT_CHAIN, "last_id": last, "last_hash": prev})

    lines: dict[int, list[dict[str, Any]]] = {}
    for p in bind.execute(sa.select(_postings).order_by(_postings.c.id)).mappings():
        line = {n: p[n] for n in POSTING_FIELDS}
        line["amount"] = from_minor_units(int(p["amount"]))
        lines.setdefault(p["entry_id"], []).append(line)
    entries = bind.execute(sa.select(_entries).order_by(_entries.c.id)).mappings().all()
    for fid in bind.execute(sa.select(_frameworks.c.id).order_by(_frameworks.c.id)).scalars():
        prev, last = GENESIS, None
        for entry in (e for e in entries if e["framework_id"] == fid):
            digest = link(prev, entry_content({n: entry[n] for n in ENTRY_FIELDS},
                                              lines.get(entry["id"], [])))
            bind.execute(_entries.update().where(_entries.c.id == entry["id"])
                         .values(hash=digest, prev_hash=prev))
            prev, last = digest, entry["id"]
        heads.append({"chain": ledger_chain(fid), "last_id": last, "last_hash": prev})
    bind.execute(_heads.insert(), heads)


def _guard(postgres: bool) -> None:
    if not postgres:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE "
                           f"{verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        op.execute("CREATE TRIGGER chain_heads_no_delete BEFORE DELETE ON chain_heads "
                   "BEGIN SELECT RAISE(ABORT, 'chain_heads rows are never deleted'); END")
        return
    op.execute("""CREATE FUNCTION pledge_refuse_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '% refuses %: it is append-only', TG_TABLE_NAME, TG_OP; END;
        $$ LANGUAGE plpgsql""")
    for table in ("ledger_entries", "postings"):
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION pledge_refuse_change()")
    op.execute("CREATE TRIGGER chain_heads_no_delete BEFORE DELETE ON chain_heads "
               "FOR EACH ROW EXECUTE FUNCTION pledge_refuse_change()")
    for table in (*APPEND_ONLY, "chain_heads"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION pledge_refuse_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*APPEND_ONLY, "chain_heads"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in ("ledger_entries", "postings"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP TRIGGER IF EXISTS chain_heads_no_delete ON chain_heads")
        op.execute("DROP FUNCTION IF EXISTS pledge_refuse_change()")
        op.drop_table("chain_heads")
        for table in ("audit_log", "ledger_entries"):
            op.drop_column(table, "prev_hash")
            op.drop_column(table, "hash")
        return
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.execute("DROP TRIGGER IF EXISTS chain_heads_no_delete")
    op.drop_table("chain_heads")
    for table in ("audit_log", "ledger_entries"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("prev_hash")
            batch_op.drop_column("hash")
    for verb in ("UPDATE", "DELETE"):  # the audit log stays append-only, as 0001 made it
        op.execute(f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                   f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")

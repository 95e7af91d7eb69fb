"""Project names unique regardless of case, width and spacing within a framework.

Each project gets ``name_key`` (``domain.text.name_key``: NFKC, case-folded, whitespace
collapsed, invisible characters left out), filled in for the projects already
recorded, and a unique index on (framework_id, name_key).

Projects already recorded whose names differ only in that way cannot be told apart
by the new rule: the migration stops before changing anything and lists them, so
that all but one of each group can be renamed (``pledge projects update ID --name``)
before migrating again.

The column is added NOT NULL with an empty default (SQLite adds a NOT NULL column only
with a default and cannot drop it without rebuilding the table, which the foreign keys
on projects forbid); PostgreSQL drops the default once the keys are filled in. pledge
always writes the key.

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-10
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from pledge.domain.errors import Conflict, Problem
from pledge.domain.text import name_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("name", sa.String),
                    sa.column("framework_id", sa.Integer), sa.column("name_key", sa.String))
frameworks = sa.table("frameworks", sa.column("id", sa.Integer), sa.column("key", sa.String))


def _refuse_look_alikes(conn: sa.Connection) -> dict[int, str]:
    """Every project's key; raises Conflict listing groups of look-alike names."""
    keys: dict[int, str] = {}
    groups: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for pid, name, fw in conn.execute(sa.select(projects.c.id, projects.c.name,
                                                projects.c.framework_id)
                                      .order_by(projects.c.id)):
        keys[pid] = name_key(name)
        groups[(fw, keys[pid])].append((pid, name))
    fw_keys = {fid: key for fid, key in conn.execute(sa.select(frameworks.c.id,
                                                               frameworks.c.key))}
    problems = [
        Problem("name", ", ".join(str(pid) for pid, _ in same), "project.duplicate_name",
                f"in framework '{fw_keys.get(fw, fw)}', projects "
                + ", ".join(f"{pid} {name!r}" for pid, name in same)
                + " have names that differ only in case, width, spacing or invisible "
                  "characters; rename all but one (pledge projects update ID --name NAME) "
                  "and migrate again")
        for (fw, _), same in groups.items() if len(same) > 1]
    if problems:
        raise Conflict(problems)
    return keys


def upgrade() -> None:
    conn = op.get_bind()
    keys = _refuse_look_alikes(conn)  # before anything changes
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=900), nullable=False,
                                      server_default=""))
    for pid, key in keys.items():
        conn.execute(projects.update().where(projects.c.id == pid).values(name_key=key))
    if conn.dialect.name != "sqlite":
        op.alter_column("projects", "name_key", server_default=None)
    op.create_index("uq_projects_framework_id_name_key", "projects",
                    ["framework_id", "name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_projects_framework_id_name_key", table_name="projects")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("name_key")

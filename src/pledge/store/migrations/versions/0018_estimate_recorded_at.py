"""Estimates keep the time they were recorded, so that the record can be read as it
stood on any date (``--as-of``).

An estimate stored before this revision takes its project's creation time: every such
estimate was recorded with its project or later, so a reading of an earlier date never
shows it, and a reading of a later one may show it a little early at most.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("estimates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE estimates SET recorded_at = (SELECT created_at FROM projects "
               "WHERE projects.id = estimates.project_id)")


def downgrade() -> None:
    with op.batch_alter_table("estimates", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")

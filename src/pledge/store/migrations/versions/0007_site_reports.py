"""Sites reported for a project besides its recorded location, each with its source.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("states", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_site_reports_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_reports")),
    )
    with op.batch_alter_table("site_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_reports_project_id"), ["project_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("site_reports")

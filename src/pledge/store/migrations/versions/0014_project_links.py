"""Links between projects: duplicates, later tranches, parts of an umbrella programme.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=120), nullable=True),
        sa.Column("withdrawn_role", sa.String(length=20), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_project_links_project_id_projects")),
        sa.ForeignKeyConstraint(["other_id"], ["projects.id"],
                                name=op.f("fk_project_links_other_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_links")),
    )
    with op.batch_alter_table("project_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_links_project_id"), ["project_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_project_links_other_id"), ["other_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("project_links")

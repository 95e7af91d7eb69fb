"""Tranches of a project or programme, and claims about a framework's terms, each with
its source (from the news, or entered by hand).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _recorded() -> list[sa.Column[object]]:
    return [sa.Column("source", sa.Text(), nullable=False),
            sa.Column("as_of", sa.Date(), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("recorded_by", sa.String(length=120), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "tranches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=True),
        sa.Column("low", sa.BigInteger(), nullable=True),
        sa.Column("high", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["framework_id"], ["frameworks.id"],
                                name=op.f("fk_tranches_framework_id_frameworks")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_tranches_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tranches")),
    )
    with op.batch_alter_table("tranches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tranches_framework_id"), ["framework_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_tranches_project_id"), ["project_id"],
                              unique=False)
    op.create_table(
        "term_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("written", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["framework_id"], ["frameworks.id"],
                                name=op.f("fk_term_claims_framework_id_frameworks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_claims")),
    )
    with op.batch_alter_table("term_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_claims_framework_id"), ["framework_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("term_claims")
    op.drop_table("tranches")

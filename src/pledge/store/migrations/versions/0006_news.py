"""News in: articles (exact hash, near-copy SimHash and MinHash sketch) and the changes they propose.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("pledging_country", sa.String(length=80), nullable=False),
        sa.Column("framework", sa.String(length=40), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("sketch", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingested_by", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_news_articles_content_hash")),
    )
    with op.batch_alter_table("news_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_articles_fingerprint"), ["fingerprint"],
                              unique=False)
    op.create_table(
        "news_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_role", sa.String(length=20), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["news_articles.id"],
                                name=op.f("fk_news_proposals_article_id_news_articles")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_news_proposals_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_proposals")),
    )
    with op.batch_alter_table("news_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_proposals_article_id"), ["article_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_news_proposals_project_id"), ["project_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_news_proposals_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("news_proposals")
    op.drop_table("news_articles")

"""News articles keep their outlet; further articles saying the same thing corroborate one
proposal instead of queuing copies.

Articles stored before this revision have no outlet here (""): pages and the review
queue show the host of their address instead, when it is one.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news_articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outlet", sa.String(length=200), nullable=False,
                                      server_default=""))
    op.create_table(
        "news_corroborations",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["news_proposals.id"],
                                name=op.f("fk_news_corroborations_proposal_id_news_proposals")),
        sa.ForeignKeyConstraint(["article_id"], ["news_articles.id"],
                                name=op.f("fk_news_corroborations_article_id_news_articles")),
        sa.PrimaryKeyConstraint("proposal_id", "article_id",
                                name=op.f("pk_news_corroborations")),
    )
    with op.batch_alter_table("news_corroborations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_corroborations_article_id"), ["article_id"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("news_corroborations")
    with op.batch_alter_table("news_articles", schema=None) as batch_op:
        batch_op.drop_column("outlet")

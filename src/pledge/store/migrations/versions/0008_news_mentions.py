"""Which known projects each stored article is about; filled in for articles already read.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_mentions",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["news_articles.id"],
                                name=op.f("fk_news_mentions_article_id_news_articles")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_news_mentions_project_id_projects")),
        sa.PrimaryKeyConstraint("article_id", "project_id", name=op.f("pk_news_mentions")),
    )
    with op.batch_alter_table("news_mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_news_mentions_project_id"), ["project_id"],
                              unique=False)
    conn = op.get_bind()
    articles = sa.table("news_articles", sa.column("id", sa.Integer),
                        sa.column("facts", sa.JSON))
    projects = sa.table("projects", sa.column("id", sa.Integer))
    known = {r.id for r in conn.execute(sa.select(projects.c.id))}
    rows = [{"article_id": a.id, "project_id": int(pid)}
            for a in conn.execute(sa.select(articles.c.id, articles.c.facts))
            for pid in dict.fromkeys((a.facts or {}).get("matched_projects", []))
            if int(pid) in known]
    if rows:
        mentions = sa.table("news_mentions", sa.column("article_id", sa.Integer),
                            sa.column("project_id", sa.Integer))
        op.bulk_insert(mentions, rows)


def downgrade() -> None:
    op.drop_table("news_mentions")

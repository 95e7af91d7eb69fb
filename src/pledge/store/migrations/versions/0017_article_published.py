"""News articles keep their publication date (read from the page's metadata or dateline).

A change accepted from an article is recorded on the day the article was published, not
the day it was accepted. Articles stored before this revision have no date here; their
dateline is read again from their stored text when one of their proposals is accepted.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news_articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("news_articles", schema=None) as batch_op:
        batch_op.drop_column("published_on")

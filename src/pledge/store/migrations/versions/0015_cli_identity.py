"""The command line acts as a user: a login mapped to each user, and the audit log keeps the
user who recorded a row beside the actor named in it.

``audit_log.user_name`` is NULL on the rows already written, so their hashes still verify
(``domain.chain.audit_content`` covers the column only when it holds a name).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("os_user", sa.String(length=64), nullable=True))
    op.create_index("uq_users_os_user", "users", ["os_user"], unique=True)
    op.add_column("audit_log", sa.Column("user_name", sa.String(length=120), nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE (SQLite 3.35+): rebuilding the tables would drop their triggers
    op.drop_column("audit_log", "user_name")
    op.drop_index("uq_users_os_user", table_name="users")
    op.drop_column("users", "os_user")

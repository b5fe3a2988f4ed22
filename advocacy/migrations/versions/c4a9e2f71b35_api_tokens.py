"""api tokens: the REST API's bearer tokens (only their hashes), with scopes and an optional end

Revision ID: c4a9e2f71b35
Revises: c4a9e1f0b7d2
Create Date: 2026-12-03 16:30:00
"""
import sqlalchemy as sa
from alembic import op

import advocacy.core.clock

revision = "c4a9e2f71b35"
down_revision = "c4a9e1f0b7d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_token",
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("expires_at", advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_api_token_created_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("name", name=op.f("uq_api_token_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )


def downgrade():
    op.drop_table("api_token")

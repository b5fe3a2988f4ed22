"""Calendar feeds: each person's secret subscription address, kept only as the hash of its token.

Revision ID: 8305be70a62e
Revises: 2e2c582f6b61
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = '8305be70a62e'
down_revision = '2e2c582f6b61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feed',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_calendar_feed_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )


def downgrade():
    op.drop_table('calendar_feed')

"""Webhooks: endpoints and their deliveries; the version of a post whose going live was announced.

Posts approved and past their publish time already count as announced, so the first run of the
announcing job does not tell receivers about every post of the past.

Revision ID: c4a9e1f0b7d2
Revises: 8305be70a62e
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import advocacy.core.clock

# revision identifiers, used by Alembic.
revision = 'c4a9e1f0b7d2'
down_revision = '8305be70a62e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('previous_secret', sa.String(length=100), nullable=True),
    sa.Column('previous_secret_until', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sa.String(length=20), nullable=True),
    sa.Column('disabled_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('failing_since', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_webhook_endpoint_created_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint'))
    )
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=60), nullable=False),
    sa.Column('message_id', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_excerpt', sa.String(length=300), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('delivered_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'delivered', 'failed', 'cancelled')",
                       name=op.f('ck_webhook_delivery_known_status')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'],
                            name=op.f('fk_webhook_delivery_endpoint_id_webhook_endpoint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
    sa.UniqueConstraint('message_id', name=op.f('uq_webhook_delivery_message_id'))
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_delivery_endpoint_id_id', ['endpoint_id', 'id'], unique=False)
        batch_op.create_index('ix_webhook_delivery_status_next_attempt_at', ['status', 'next_attempt_at'],
                              unique=False)

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_announced_version', sa.Integer(), nullable=True))
    post = sa.table('post', sa.column('status', sa.String), sa.column('publish_at', advocacy.core.clock.UTCDateTime),
                    sa.column('approved_version', sa.Integer), sa.column('live_announced_version', sa.Integer))
    op.execute(post.update().where(post.c.status == 'approved', post.c.publish_at <= datetime.now(UTC))
               .values(live_announced_version=post.c.approved_version))


def downgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('live_announced_version')
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_delivery_status_next_attempt_at')
        batch_op.drop_index('ix_webhook_delivery_endpoint_id_id')
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_endpoint')

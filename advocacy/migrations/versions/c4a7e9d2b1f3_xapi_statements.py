"""xAPI statements outbox; certifications remember when their expiry was announced.

Revision ID: c4a7e9d2b1f3
Revises: c4f1a9e2d7b3
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = 'c4a7e9d2b1f3'
down_revision = "c4f1a9e2d7b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('verb', sa.String(length=20), nullable=False),
    sa.Column('statement', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_xapi_statement_known_status')),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_xapi_statement_person_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statement')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statement_statement_id'))
    )
    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_statement_claim'), ['claim'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_statement_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_xapi_statement_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiry_announced_at', advocacy.core.clock.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_column('expiry_announced_at')
    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statement_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_xapi_statement_person_id'))
        batch_op.drop_index(batch_op.f('ix_xapi_statement_claim'))
    op.drop_table('xapi_statement')

"""A second factor for password sign-in: authenticator secrets, recovery codes, and the organisation
setting that requires one for admin and HR.

Revision ID: c4f1a9e2d7b3
Revises: c4a1b2d3e5f6
"""
import sqlalchemy as sa
from alembic import op

from advocacy.core.clock import UTCDateTime

revision = 'c4f1a9e2d7b3'
down_revision = "c4a1b2d3e5f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'second_factor',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('confirmed_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_step', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_second_factor_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_second_factor')),
    )
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash')),
    )
    with op.batch_alter_table('recovery_code') as batch:
        batch.create_index(batch.f('ix_recovery_code_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('second_factor_for_admin_hr', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('second_factor_for_admin_hr')
    with op.batch_alter_table('recovery_code') as batch:
        batch.drop_index(batch.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    op.drop_table('second_factor')

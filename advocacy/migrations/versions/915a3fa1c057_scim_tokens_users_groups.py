"""SCIM provisioning: bearer tokens (only their hash), the provider's names for a person
(scim_user), and groups mapped to a role or a department, with their members.

Revision ID: 915a3fa1c057
Revises: 337471fb3376
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = '915a3fa1c057'
down_revision = '337471fb3376'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scim_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('display_name_key', sa.String(length=200), nullable=False),
    sa.Column('external_id', sa.String(length=254), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_modified', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind <> 'role' OR role IS NOT NULL", name=op.f('ck_scim_group_role_group_role')),
    sa.CheckConstraint("kind IN ('role', 'department')", name=op.f('ck_scim_group_known_kind')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_scim_group_department_id_department'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_group')),
    sa.UniqueConstraint('display_name_key', name=op.f('uq_scim_group_display_name_key'))
    )
    with op.batch_alter_table('scim_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_group_external_id'), ['external_id'], unique=False)

    op.create_table('scim_group_member',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['scim_group.id'], name=op.f('fk_scim_group_member_group_id_scim_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_scim_group_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_scim_group_member'))
    )
    with op.batch_alter_table('scim_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_group_member_user_id'), ['user_id'], unique=False)

    op.create_table('scim_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_used_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_scim_token_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_token')),
    sa.UniqueConstraint('name', name=op.f('uq_scim_token_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_scim_token_token_hash'))
    )
    op.create_table('scim_user',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=254), nullable=False),
    sa.Column('user_name_key', sa.String(length=254), nullable=False),
    sa.Column('external_id', sa.String(length=254), nullable=True),
    sa.Column('given_name', sa.String(length=200), nullable=True),
    sa.Column('family_name', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('emails', sa.JSON(), nullable=True),
    sa.Column('last_modified', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_scim_user_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_scim_user')),
    sa.UniqueConstraint('user_name_key', name=op.f('uq_scim_user_user_name_key'))
    )
    with op.batch_alter_table('scim_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_user_external_id'), ['external_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scim_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_user_external_id'))

    op.drop_table('scim_user')
    op.drop_table('scim_token')
    with op.batch_alter_table('scim_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_group_member_user_id'))

    op.drop_table('scim_group_member')
    with op.batch_alter_table('scim_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_group_external_id'))

    op.drop_table('scim_group')

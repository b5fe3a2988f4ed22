"""Single sign-on: identity_link (a person is this subject at that identity provider) and
used_sso_value (hashes of sign-in states and SAML assertion ids already used, refused if seen again).

Revision ID: 337471fb3376
Revises: 05f81fa570da
Create Date: 2026-12-03 13:19:28.604947

"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = '337471fb3376'
down_revision = '05f81fa570da'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('used_sso_value',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('state', 'assertion')", name=op.f('ck_used_sso_value_known_kind')),
    sa.PrimaryKeyConstraint('kind', 'value_hash', name=op.f('pk_used_sso_value'))
    )
    with op.batch_alter_table('used_sso_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_sso_value_expires_at'), ['expires_at'], unique=False)

    op.create_table('identity_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('protocol', sa.String(length=4), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("protocol IN ('oidc', 'saml')", name=op.f('ck_identity_link_known_protocol')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_identity_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_link')),
    sa.UniqueConstraint('issuer', 'subject', name='one_person_per_subject'),
    sa.UniqueConstraint('user_id', 'issuer', name='one_subject_per_provider')
    )
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_link_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_link_user_id'))

    op.drop_table('identity_link')
    with op.batch_alter_table('used_sso_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_sso_value_expires_at'))

    op.drop_table('used_sso_value')

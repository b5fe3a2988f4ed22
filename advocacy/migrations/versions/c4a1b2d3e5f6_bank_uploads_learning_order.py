"""Quiz banks in the browser: uploads waiting for confirmation; the learning-order course setting.

Revision ID: c4a1b2d3e5f6
Revises: c4f1a9d2e7b3
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = 'c4a1b2d3e5f6'
down_revision = "c4f1a9d2e7b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch:
        batch.add_column(sa.Column('lessons_before_quiz', sa.Boolean(), server_default=sa.text('true'),
                                   nullable=False))
    op.create_table('bank_upload',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('blob_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('gift', 'xml')", name=op.f('ck_bank_upload_known_kind')),
    sa.CheckConstraint('length(token) >= 32', name=op.f('ck_bank_upload_token_long_enough')),
    sa.ForeignKeyConstraint(['blob_hash'], ['blob.hash'], name=op.f('fk_bank_upload_blob_hash_blob')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_bank_upload_course_id_course'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_bank_upload_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_bank_upload'))
    )
    with op.batch_alter_table('bank_upload', schema=None) as batch:
        batch.create_index('ix_bank_upload_created_at', ['created_at'], unique=False)
        batch.create_index(batch.f('ix_bank_upload_blob_hash'), ['blob_hash'], unique=False)
        batch.create_index(batch.f('ix_bank_upload_course_id'), ['course_id'], unique=False)
        batch.create_index(batch.f('ix_bank_upload_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('bank_upload')
    with op.batch_alter_table('course', schema=None) as batch:
        batch.drop_column('lessons_before_quiz')

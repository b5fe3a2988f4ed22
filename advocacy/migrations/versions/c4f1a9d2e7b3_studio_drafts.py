"""The studio: course drafts, courses published from the browser, translations' source hash.

Revision ID: c4f1a9d2e7b3
Revises: c4a9e2f71b35
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = 'c4f1a9d2e7b3'
down_revision = "c4a9e2f71b35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('base_files', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('editor_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_course_draft_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_draft')),
    sa.UniqueConstraint('course_slug', name=op.f('uq_course_draft_course_slug'))
    )
    op.create_table('course_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('previous_files', sa.JSON(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('published_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('editor_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_course_release_published_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_release')),
    sa.UniqueConstraint('course_slug', 'number', name=op.f('uq_course_release_course_slug_number'))
    )
    with op.batch_alter_table('course_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_release_course_slug'), ['course_slug'], unique=False)
    op.create_table('studio_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('four_eyes', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_studio_settings'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_course_edited_by_id_user'), 'user', ['edited_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('lesson_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('lesson_version', schema=None) as batch_op:
        batch_op.drop_column('source_hash')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_edited_by_id_user'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('edited_at')
    op.drop_table('studio_settings')
    with op.batch_alter_table('course_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_release_course_slug'))
    op.drop_table('course_release')
    op.drop_table('course_draft')

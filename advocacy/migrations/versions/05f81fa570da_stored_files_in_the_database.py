"""Stored files in the database: blobs named by their SHA-256 (post images, waiting import
files) and the waiting import files themselves (token, uploader, when). Files that older versions
kept under UPLOAD_FOLDER are moved in by `flask storage import-files`, not by this migration.

Revision ID: 05f81fa570da
Revises: 53a1e9ae6793
"""
from alembic import op
import sqlalchemy as sa

import advocacy.core.clock


# revision identifiers, used by Alembic.
revision = '05f81fa570da'
down_revision = '53a1e9ae6793'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blob',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('length(hash) = 64', name=op.f('ck_blob_hash_is_sha256')),
    sa.CheckConstraint('size = length(data)', name=op.f('ck_blob_size_is_length')),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_blob'))
    )
    op.create_table('import_upload',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('blob_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', advocacy.core.clock.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(token) >= 32', name=op.f('ck_import_upload_token_long_enough')),
    sa.ForeignKeyConstraint(['blob_hash'], ['blob.hash'], name=op.f('fk_import_upload_blob_hash_blob')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_import_upload_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_import_upload'))
    )
    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_upload_blob_hash'), ['blob_hash'], unique=False)
        batch_op.create_index('ix_import_upload_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_upload_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_upload_user_id'))
        batch_op.drop_index('ix_import_upload_created_at')
        batch_op.drop_index(batch_op.f('ix_import_upload_blob_hash'))

    op.drop_table('import_upload')
    op.drop_table('blob')

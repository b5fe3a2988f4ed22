"""The organisation setting naming the roles HR may give besides employee and manager.

Revision ID: b7d2e41c9a10
Revises: 915a3fa1c057
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d2e41c9a10'
down_revision = '915a3fa1c057'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('hr_may_grant', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('hr_may_grant')

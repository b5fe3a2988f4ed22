"""Two new roles: author (L&D writes courses and quiz banks) and webcare (answers what colleagues
hand over). The check constraint on user_role lists every role, so it is replaced.

Revision ID: 53a1e9ae6793
Revises: 5dbc4fb98220
"""
from alembic import op

revision = '53a1e9ae6793'
down_revision = '5dbc4fb98220'
branch_labels = None
depends_on = None

OLD = ('employee', 'manager', 'hr', 'marketing', 'reviewer', 'admin')
NEW = OLD + ('author', 'webcare')


def _check(roles):
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade():
    with op.batch_alter_table('user_role') as batch:
        batch.drop_constraint(op.f('ck_user_role_known_role'), type_='check')
        batch.create_check_constraint(op.f('ck_user_role_known_role'), _check(NEW))


def downgrade():
    op.execute("DELETE FROM user_role WHERE role IN ('author', 'webcare')")
    with op.batch_alter_table('user_role') as batch:
        batch.drop_constraint(op.f('ck_user_role_known_role'), type_='check')
        batch.create_check_constraint(op.f('ck_user_role_known_role'), _check(OLD))

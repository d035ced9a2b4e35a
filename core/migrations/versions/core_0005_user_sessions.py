"""server-side browser sessions (ended at logout, password change, deactivation); login log by email

Revision ID: core_0005
Revises: core_0004
"""
from alembic import op
import sqlalchemy as sa

from core.db import UTCDateTime

revision = 'core_0005'
down_revision = 'core_0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_user_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_user_sessions_user_id_core_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_core_user_sessions'))
    )
    with op.batch_alter_table('core_user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_user_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_user_sessions_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('core_login_log', schema=None) as batch_op:
        batch_op.create_index('ix_core_login_log_email_at', ['email', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('core_login_log', schema=None) as batch_op:
        batch_op.drop_index('ix_core_login_log_email_at')
    op.drop_table('core_user_sessions')

"""core_jobs.sending_since: an I/O job's send in flight, so a retry knows its outcome is in doubt

Revision ID: core_0004
Revises: core_0003
"""
from alembic import op
import sqlalchemy as sa

import core.db

revision = 'core_0004'
down_revision = 'core_0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('core_jobs') as batch:
        batch.add_column(sa.Column('sending_since', core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('core_jobs') as batch:
        batch.drop_column('sending_since')

"""the pipeline board's first cards of each stage of a type, read in index order

Revision ID: opportunities_0002
Revises: opportunities_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'opportunities_0002'
down_revision = 'opportunities_0001'
branch_labels = None
depends_on = None

NAME = 'ix_opportunities_opportunities_type_stage_expected_clo_f246a9a6'


def upgrade():
    with op.batch_alter_table('opportunities_opportunities', schema=None) as batch_op:
        batch_op.create_index(NAME, ['type', 'stage', 'expected_close_date', 'id'], unique=False,
                              sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))


def downgrade():
    with op.batch_alter_table('opportunities_opportunities', schema=None) as batch_op:
        batch_op.drop_index(NAME, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))

"""the pipeline board of a type: totals per stage from the index alone, each stage's first cards in index order

Revision ID: opportunities_0002
Revises: opportunities_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'opportunities_0002'
down_revision = 'opportunities_0001'
branch_labels = None
depends_on = None

NAME = 'ix_opportunities_opportunities_type_stage_expected_clo_86467831'


def upgrade():
    with op.batch_alter_table('opportunities_opportunities', schema=None) as batch_op:
        batch_op.create_index(NAME, ['type', 'stage', 'expected_close_date', 'id', 'deleted_at', 'owner_id', 'amount',
                                         'forecast_amount'], unique=False,
                              sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))


def downgrade():
    with op.batch_alter_table('opportunities_opportunities', schema=None) as batch_op:
        batch_op.drop_index(NAME, sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))

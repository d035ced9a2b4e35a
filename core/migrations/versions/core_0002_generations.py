"""generation counters for process-wide caches of definitions

Revision ID: core_0002
Revises: core_0001
"""
from alembic import op
import sqlalchemy as sa

revision = 'core_0002'
down_revision = 'core_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_generations',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_generations'))
    )


def downgrade():
    op.drop_table('core_generations')

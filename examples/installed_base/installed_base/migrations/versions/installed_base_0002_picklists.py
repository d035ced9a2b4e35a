"""installations: product line and maintenance contract (two picklists)

Revision ID: installed_base_0002
Revises: installed_base_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "installed_base_0002"
down_revision = "installed_base_0001"
branch_labels = None
depends_on = None
TABLE = "installed_base_installations"
LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    for name in ("product_line", "contract"):
        op.add_column(TABLE, sa.Column(name, sa.String(length=64), nullable=True))
        op.create_index(f"ix_{TABLE}_{name}_live", TABLE, [name], unique=False, sqlite_where=LIVE,
                        postgresql_where=LIVE)


def downgrade():
    for name in ("product_line", "contract"):
        op.drop_index(f"ix_{TABLE}_{name}_live", table_name=TABLE)
        op.drop_column(TABLE, name)

"""installations: product line and maintenance contract (two picklists); the account is required

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
ACCOUNT_FK = "fk_installed_base_installations_account_id_customers_accounts"
LIVE = sa.text("deleted_at IS NULL")


def upgrade():
    for name in ("product_line", "contract"):
        op.add_column(TABLE, sa.Column(name, sa.String(length=64), nullable=True))
        op.create_index(f"ix_{TABLE}_{name}_live", TABLE, [name], unique=False, sqlite_where=LIVE,
                        postgresql_where=LIVE)
    # a required reference is NOT NULL, and purging an account with installations is refused
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(ACCOUNT_FK, type_="foreignkey")
        batch_op.create_foreign_key(ACCOUNT_FK, "customers_accounts", ["account_id"], ["id"])


def downgrade():
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(ACCOUNT_FK, type_="foreignkey")
        batch_op.create_foreign_key(ACCOUNT_FK, "customers_accounts", ["account_id"], ["id"], ondelete="SET NULL")
        batch_op.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
    for name in ("product_line", "contract"):
        op.drop_index(f"ix_{TABLE}_{name}_live", table_name=TABLE)
        op.drop_column(TABLE, name)

"""seal administrators' secrets saved in plain text before core.secret_values (the SMTP password)

Revision ID: core_0003
Revises: core_0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core import secret_values

revision = 'core_0003'
down_revision = 'core_0002'
branch_labels = None
depends_on = None

# Frozen here on purpose: the secret fields as they were when this revision was written.
SECRET_FIELDS = {"smtp": ("password",)}

settings = sa.table("core_settings", sa.column("key", sa.String),
                    sa.column("value", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))


def rewrite(change) -> None:
    """Apply ``change(stored, secret_key)`` to every secret field of every stored settings row."""
    secret_key = op.get_context().config.attributes.get("secret_key")
    if not secret_key:
        return  # plain values keep working; they are sealed the next time an administrator saves them
    conn = op.get_bind()
    for key, fields in SECRET_FIELDS.items():
        value = conn.scalar(sa.select(settings.c.value).where(settings.c.key == key))
        if not isinstance(value, dict):
            continue
        new = dict(value, **{f: change(value[f], secret_key) for f in fields if f in value})
        if new != value:
            conn.execute(settings.update().where(settings.c.key == key).values(value=new))


def upgrade():
    rewrite(lambda stored, key: stored if secret_values.is_sealed(stored) else secret_values.seal(stored, key))


def downgrade():
    rewrite(lambda stored, key: secret_values.reveal(stored, "secret", key))

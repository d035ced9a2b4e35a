"""Tables of the customers plugin that are not entities."""
from __future__ import annotations

import sqlalchemy as sa

from core.db import metadata

ASSIGNEES = "customers_activity_assignees"


def assignees_table() -> sa.Table:
    """Who works on an activity besides its owner (many users per activity).

    Built on first use (from the ``crm_entities`` hook) rather than at import:
    the foreign key names the activities table, which exists in the metadata
    only once the plugin's entities are built.
    """
    if ASSIGNEES in metadata.tables:
        return metadata.tables[ASSIGNEES]
    return sa.Table(
        ASSIGNEES, metadata,
        sa.Column("activity_id", sa.Integer, sa.ForeignKey("customers_activities.id", ondelete="CASCADE",
                                                        name="fk_customers_activity_assignees_activity"),
                  primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("core_users.id", ondelete="CASCADE"), primary_key=True,
                  index=True),
    )

"""``plugcrm demo``: an instance that looks alive on first start."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from core.db import session
from core.entities import records
from core.runtime import runtime

DEMO_PASSWORD = "plugcrm-demo-1"  # meets core.security.passwords' policy


@dataclass
class DemoContext:
    admin: object
    users: dict[str, list] = field(default_factory=dict)

    def create(self, entity_name: str, values: dict, user=None) -> dict:
        entity = runtime().registry.get(entity_name)
        return records.create(entity, values, user or self.admin, check_rights=False)


def has_records() -> bool:
    """Whether anyone has entered a record (the demo data, or real data; the recycle bin included).

    Records that migrations seed (a default visit template) have no creator and do not count.
    """
    return any(session().scalar(sa.select(e.table.c.id).where(e.table.c.created_by_id.is_not(None)).limit(1))
               is not None for e in runtime().registry.entities.values())


def fill(admin) -> DemoContext:
    demo = DemoContext(admin=admin)
    # In load order (dependencies first): calling the hook directly would run the last plugin first.
    for impl in runtime().hook.crm_demo_data.get_hookimpls():
        impl.function(demo=demo)
    session().commit()
    return demo

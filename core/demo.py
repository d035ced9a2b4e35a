"""``plugcrm demo``: an instance that looks alive on first start."""
from __future__ import annotations

from dataclasses import dataclass, field

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


def fill(admin) -> DemoContext:
    demo = DemoContext(admin=admin)
    # In load order (dependencies first): calling the hook directly would run the last plugin first.
    for impl in runtime().hook.crm_demo_data.get_hookimpls():
        impl.function(demo=demo)
    session().commit()
    return demo

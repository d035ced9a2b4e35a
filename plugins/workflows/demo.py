"""Demo workflows (``plugcrm demo``): what an implementer would set up first, in Korean."""
from __future__ import annotations

DEMO_WORKFLOWS = [
    {"name": "VIP 승격 알림", "entity": "accounts", "trigger": {"type": "modify"},
     "description": "고객사가 VIP 로 바뀌면 담당자와 대표에게 메일을 보냅니다.",
     "conditions": {"all": [{"field": "status", "op": "changed_to", "value": "vip"}]},
     "tasks": [{"type": "send_email", "title": "VIP 승격 메일", "recipients": {"owner": True, "roles": ["owner"]},
                "subject": "[VIP 승격] {{ record.name }}",
                "body": "{{ record.name }} 고객사가 VIP 로 승격되었습니다.\n담당자: {{ owner.name }}"}]},
]


def fill(demo) -> None:
    from core.runtime import runtime
    from plugins.workflows.services import upsert_keyed

    for definition in DEMO_WORKFLOWS:
        if definition["entity"] in runtime().registry.entities:
            upsert_keyed(f"demo:{definition['name']}", definition, plugin="workflows", user=demo.admin)

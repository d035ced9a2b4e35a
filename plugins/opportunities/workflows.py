"""Workflows installed when the workflows plugin is enabled (Vtiger's "forecast amount").

The plugin computes the forecast on every save itself; shipping the same rule
as a workflow lets an implementer change the formula (e.g. discount the
forecast of a partner's deals) without code.  The workflow runs after the
plugin's own computation, so an edited workflow wins.
"""
from __future__ import annotations

DEFAULT_WORKFLOWS = [
    {"name": "forecast amount", "entity": "opportunities", "active": True,
     "trigger": {"type": "save"},
     "conditions": {"all": [], "any": []},
     "tasks": [{"type": "update_fields", "title": "forecast amount = amount × probability / 100",
                "fields": [{"field": "forecast_amount", "expr": "amount * probability / 100"}]}]},
]

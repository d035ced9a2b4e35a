"""Workflows installed when the workflows plugin is enabled (Vtiger's "forecast amount").

The plugin computes the forecast on every save itself; shipping the same rule
as a workflow lets an implementer change the formula (e.g. discount the
forecast of a partner's deals) without code.  The workflow runs after the
plugin's own computation, so an edited workflow wins.  The name and task title are stored as
written here (English) and shown in the user's language from this plugin's catalogue.
"""
from __future__ import annotations


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue; the workflows plugin translates it when it shows it."""
    return text


DEFAULT_WORKFLOWS = [
    {"name": N_("forecast amount"), "entity": "opportunities", "active": True,
     "trigger": {"type": "save"},
     "conditions": {"all": [], "any": []},
     "tasks": [{"type": "update_fields", "title": N_("forecast amount = amount × probability / 100"),
                "fields": [{"field": "forecast_amount", "expr": "amount * probability / 100"}]}]},
]

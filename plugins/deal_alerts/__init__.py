"""deal_alerts: email the team when a big deal is entered (Vtiger's "Amount greater than 10000 -> send mail").

Built only on the workflows plugin's public services: the settings become one
workflow (see :mod:`plugins.deal_alerts.services`).  Off by default: it means
nothing until an administrator sets a threshold and recipients, which can be
done without the UI (``plugcrm plugins enable deal_alerts`` and
``plugcrm deal-alerts configure --threshold 10000000 --to team@example.com``).
"""
from __future__ import annotations

from core.plugin_api import translator
from core.plugins import Manifest
from hooks import hookimpl
from plugins.deal_alerts import models  # noqa: F401  (tables in the shared metadata)

_, _l = translator("deal_alerts")

manifest = Manifest(name="deal_alerts", version="0.1.0", label=_l("Deal alerts"), depends=["workflows"],
                    uses=["opportunities"],
                    description=_l("Email chosen recipients once when a deal is entered or raised above a threshold."))


@hookimpl
def crm_blueprints():
    from plugins.deal_alerts.api import bp
    from plugins.deal_alerts.views import pages

    return [bp, pages]


@hookimpl
def crm_menu_items(user):
    if user is None or not user.is_admin:
        return []
    return [dict(label=_l("Deal alerts"), endpoint="deal_alerts_pages.settings", icon="bell", order=91,
                 group="more")]


@hookimpl
def crm_cli_commands():
    from plugins.deal_alerts.cli import deal_alerts

    return [deal_alerts]

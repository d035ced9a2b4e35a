"""leads: inquiries (잠재고객 / 线索) with duplicate warnings, assignment rules and conversion.

A lead becomes an account, a contact and optionally an opportunity in one
transaction (:mod:`plugins.leads.conversion`); the web forms plugin creates
leads from a company's website.
"""
from __future__ import annotations

from core.plugin_api import translator
from core.plugins import Manifest
from hooks import hookimpl
from plugins.leads import demo as demo_data, entities, services
from plugins.leads.api import api
from plugins.leads.views import PANEL, pages

_, _l = translator("leads")


manifest = Manifest(name="leads", version="0.1.0", label=_l("Leads"), default_enabled=True,
                    depends=("customers",), uses=("opportunities",),
                    description=_l("Leads with duplicate warnings, assignment rules, conversion to account, contact "
                                "and opportunity, a board by status and a source/conversion report."))


@hookimpl
def crm_entities():
    return [entities.leads]


@hookimpl
def crm_picklists():
    return entities.picklists


@hookimpl
def crm_blueprints():
    return [api, pages]


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.name == "leads":
        services.before_save(values, old)


@hookimpl
def crm_duplicate_candidates(entity, values, user):
    return services.duplicate_matches(values, user) if entity.name == "leads" else []


@hookimpl
def crm_record_panels(entity):
    return [PANEL] if entity.name == "leads" else []


@hookimpl
def crm_menu_items(user):
    items = [dict(label=_l("Lead board"), endpoint="leads.board", icon="columns", order=15, group="sales"),
             dict(label=_l("Lead report"), endpoint="leads.report", icon="chart", order=16, group="sales")]
    if user is not None and user.is_admin:
        items.append(dict(label=_l("Lead rules"), endpoint="leads.settings", icon="settings", order=91, group="more"))
    return items


@hookimpl
def crm_demo_data(demo):
    demo_data.fill(demo)

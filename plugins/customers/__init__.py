"""customers: accounts (고객사), contacts (담당자 / 명함), activities (영업 활동), visit logs (방문일지), 360°."""
from __future__ import annotations

from core import signals

from core.plugin_api import ExportFormat, translator
from core.plugins import Manifest
from core.security.permissions import can
from hooks import hookimpl
from plugins.customers import accounts, activities, entities, visitlogs

_, _l = translator("customers")


manifest = Manifest(name="customers", version="0.2.0", label=_l("Customers"), default_enabled=True,
                    description=_l("Accounts, contacts, activities, visit logs and the customer 360° view."))


@hookimpl
def crm_entities():
    from plugins.customers.models import assignees_table

    assignees_table()
    return entities.ENTITIES


@hookimpl
def crm_picklists():
    return entities.picklists


@hookimpl
def crm_related_lists(entity):
    return entities.related.get(entity.name, [])


@hookimpl
def crm_blueprints():
    from plugins.customers import calendar  # noqa: F401  (adds the calendar page to the blueprint)
    from plugins.customers.api import api
    from plugins.customers.views import pages

    return [api, pages]


@hookimpl
def crm_menu_items(user):
    if not can(user, entities.activities, "view"):
        return []
    return [dict(label=_l("Activity calendar"), endpoint="customers.calendar", icon="calendar", order=31)]


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.name == "accounts":
        accounts.before_save(values, old)
    elif entity.name == "activities":
        activities.before_save(values, old, user)
    elif entity.name == "visit_logs":
        visitlogs.before_save(values, old, user)
    elif entity.name == "visit_templates":
        visitlogs.check_template(values)


@hookimpl
def crm_after_save(entity, record, old, user, session):
    if entity.name == "activities":
        activities.after_save(record, old)


@hookimpl
def crm_duplicate_candidates(entity, values, user):
    if entity.name != "accounts":
        return []
    from plugins.customers.accounts import duplicate_matches

    return duplicate_matches(values.get("name"), None, user)


@hookimpl
def crm_visibility_grants(entity, user):
    """Assignees read the activities they are assigned to (editing stays with the owner and superiors)."""
    if entity.name != "activities":
        return None
    from plugins.customers.activities import assigned_condition

    return assigned_condition(user.id)


@hookimpl
def crm_list_filters(entity):
    from plugins.customers.filters import FILTERS

    return FILTERS.get(entity.name, {})


@hookimpl
def crm_search_expanders():
    from plugins.customers.search import pinyin_initials

    return [pinyin_initials]


@hookimpl
def crm_import_formats():
    from plugins.customers.vcf_io import import_reader

    return {".vcf": import_reader}


@hookimpl
def crm_export_formats():
    from plugins.customers.vcf_io import export_writer

    return {"vcf": ExportFormat(export_writer, entities=("contacts",))}


@hookimpl
def crm_job_handlers():
    from plugins.customers import reminders

    return {reminders.JOB_TYPE: reminders.send_reminder}


@hookimpl
def crm_job_type_labels():
    from plugins.customers import reminders

    return {reminders.JOB_TYPE: _l("Activity reminder")}


@hookimpl
def crm_default_rights():
    """Visit log templates are the administrators' (view only for every role until they grant more)."""
    roles = ("owner", "director", "manager", "sales", "service", "warehouse", "purchasing")
    return {role: {"visit_templates": ["view"]} for role in roles}


@hookimpl
def crm_record_panels(entity):
    from plugins.customers.views import ACTIVITIES_PANEL, OWN_TABS, PANELS

    return PANELS.get(entity.name, []) + ([] if entity.name in OWN_TABS else [ACTIVITIES_PANEL])


@hookimpl
def crm_dashboard_widgets(user):
    from plugins.customers.widgets import WIDGETS

    return WIDGETS


@hookimpl
def crm_demo_data(demo):
    from plugins.customers import demo as demo_data

    demo_data.fill(demo)


def _on_activity_removed_or_restored(sender, **kwargs):
    from plugins.customers.activities import on_removed_or_restored

    on_removed_or_restored(sender, **kwargs)


signals.record_deleted.connect(_on_activity_removed_or_restored, sender="activities", weak=False)
signals.record_restored.connect(_on_activity_removed_or_restored, sender="activities", weak=False)

"""quotes: quotes (견적서 / 报价单) with approval and the Korean layout, sales orders with credit control."""
from __future__ import annotations

from core import signals
from core.plugin_api import translator
from core.plugins import Manifest
from hooks import hookimpl
from plugins.quotes import entities, models, picklists  # noqa: F401  (models: tables in the metadata)

_, _l = translator("quotes")

manifest = Manifest(name="quotes", version="0.1.0", label=_l("Quotes and sales orders"), default_enabled=True,
                    depends=["customers", "products", "opportunities"], uses=["workflows"],
                    description=_l("Quotes in the Korean layout (print, PDF, Excel, email) with approval; "
                                "sales orders with credit control and shipped quantities."))
LINE_NAMES = set(entities.LINES)


@hookimpl
def crm_entities():
    return entities.ALL


@hookimpl
def crm_picklists():
    return picklists.PICKLISTS


@hookimpl
def crm_related_lists(entity):
    return entities.related.get(entity.name, [])


@hookimpl
def crm_blueprints():
    from plugins.quotes.api import api
    from plugins.quotes.views import pages
    return [api, pages]


@hookimpl
def crm_job_handlers():
    from plugins.quotes import expiry, sending
    return {expiry.JOB_TYPE: expiry.expire_job, sending.JOB_TYPE: sending.send_job}


@hookimpl
def crm_export_formats():
    from plugins.quotes import batch_print
    return {batch_print.FORMAT: batch_print.EXPORT}


@hookimpl
def crm_job_type_labels():
    from plugins.quotes import expiry, sending
    return {expiry.JOB_TYPE: _l("Quote expiry"), sending.JOB_TYPE: _l("Sending a quote")}


@hookimpl
def crm_visibility_condition(entity, user):
    """Lines are visible exactly when their quote or order is."""
    if entity.name not in LINE_NAMES:
        return None
    from core.entities.query import visible_select
    from plugins.quotes.documents import parent_of

    parent_field, parent = parent_of(entity.name)
    return entity.table.c[parent_field].in_(visible_select(parent, user, parent.table.c.id))


@hookimpl
def crm_before_save(entity, values, old, user):
    from plugins.quotes import approval, orders, services
    if entity.name == "quotes":
        approval.apply_step(values)
        services.before_save(values, old, user)
    elif entity.name == "quote_lines":
        services.before_line_save(values, old, user)
    elif entity.name == "sales_orders":
        orders.before_save(values, old, user)
    elif entity.name == "sales_order_lines":
        orders.before_line_save(values, old, user)


@hookimpl
def crm_after_save(entity, record, old, user, session):
    from plugins.quotes import documents, expiry, orders
    if entity.name == "quotes" and old is None:
        expiry.schedule_next()
    elif entity.name == "sales_orders":
        orders.after_save(record, old, user)
    elif entity.name in LINE_NAMES:
        parent_field, parent = documents.parent_of(entity.name)
        documents.refresh(parent.name, record[parent_field], user)


@hookimpl
def crm_record_panels(entity):
    if entity.name == "quotes":
        return [dict(title=_l("Quote"), template="quotes/panel_quote.html", order=5)]
    if entity.name == "sales_orders":
        return [dict(title=_l("Sales order"), template="quotes/panel_order.html", order=5)]
    if entity.name == "opportunities":
        return [dict(title=_l("Quotes"), template="quotes/panel_opportunity.html", order=30)]
    return []


@hookimpl
def crm_menu_items(user):
    from core.security.permissions import can
    from core.runtime import runtime

    if not can(user, runtime().registry.get("quotes"), "view"):
        return []
    items = [dict(label=_l("Quote status"), endpoint="quotes_pages.status_list", icon="file-text", order=33,
                  group="sales"),
             dict(label=_l("Quote reports"), endpoint="quotes_pages.reports_page", icon="chart", order=34,
                  group="sales")]
    if getattr(user, "is_admin", False):
        items.append(dict(label=_l("Quote settings"), endpoint="quotes_pages.settings_page", icon="cog", order=95,
                           group="more"))
    return items


@hookimpl
def crm_dashboard_widgets(user):
    from plugins.quotes.views import workbench_context
    return [dict(title=_l("Quotes awaiting your approval"), template="quotes/widget_approvals.html", order=15,
                 context=workbench_context)]


@hookimpl
def crm_demo_data(demo):
    from plugins.quotes.demo import fill
    fill(demo)


def line_removed_or_back(sender, entity=None, record=None, user=None, **_kw):
    """A deleted or restored line changes its document's totals (refused while the document is locked)."""
    from plugins.quotes import documents, orders, services

    if sender == "quote_lines":
        services.refuse_locked_line_change(record, user)
    else:
        orders.refuse_line_removal(record, user)
    parent_field, parent = documents.parent_of(sender)
    documents.refresh(parent.name, record[parent_field], user)


for _name in LINE_NAMES:
    signals.record_deleted.connect(line_removed_or_back, sender=_name, weak=False)
    signals.record_restored.connect(line_removed_or_back, sender=_name, weak=False)

"""inventory: warehouses, stock movements and balances, purchasing (재고/조달), outbound orders from sales orders.

Off by default, like sms: it adds menus, a workbench widget and panels on
products, accounts and sales orders that a company without a warehouse does
not want.  ``plugcrm plugins enable inventory`` switches it on.
"""
from __future__ import annotations

from pathlib import Path

from core import signals
from core.plugins import Manifest
from hooks import hookimpl
from core.entities.query import visible_select
from core.plugin_api import translator
from plugins.inventory import demo as demo_data
from plugins.inventory import (api, entities, models, outbound, picklists, purchasing, rights,  # noqa: F401
                               stock, views)  # (models: the tables in the metadata)

_, _l = translator("inventory")

manifest = Manifest(name="inventory", version="0.1.0", label="Inventory and purchasing",
                    depends=["customers", "products", "quotes"],
                    description="Warehouses with keepers, a stock ledger that never drifts or goes negative by "
                                "accident, receipts, issues, transfers, stock-takes, purchase orders and "
                                "outbound orders from sales orders.")
HERE = Path(__file__).parent


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
def crm_migrations():
    return HERE / "migrations" / "versions"


@hookimpl
def crm_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def crm_default_rights():
    return rights.DEFAULT_RIGHTS


@hookimpl
def crm_blueprints():
    return [api.api, views.pages]


@hookimpl
def crm_visibility_condition(entity, user):
    """Purchase-order lines are visible exactly when their order is."""
    if entity.name != "purchase_order_lines":
        return None
    orders = entities.purchase_orders
    return entity.table.c.order_id.in_(visible_select(orders, user, orders.table.c.id))


@hookimpl
def crm_visibility_grants(entity, user):
    """Suppliers are visible to those who buy from them or receive their goods (purchasing, keepers)."""
    if entity.name != "accounts" or not rights.works_with_suppliers(user):
        return None
    return entity.table.c.is_supplier.is_(True)


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.name == "purchase_orders":
        purchasing.before_save(values, old, user)
    elif entity.name == "purchase_order_lines":
        purchasing.before_line_save(values, old, user)


@hookimpl
def crm_after_save(entity, record, old, user, session):
    if entity.name == "purchase_order_lines":
        purchasing.refresh(record["order_id"], user)


@hookimpl
def crm_record_panels(entity):
    if entity.name == "purchase_orders":
        return [dict(title=_l("Purchase order"), template="inventory/panel_purchase_order.html", order=5)]
    if entity.name == "sales_orders":
        return [dict(title=_l("Outbound orders"), template="inventory/panel_sales_order.html", order=6)]
    if entity.name == "products":
        return [dict(title=_l("Stock"), template="inventory/panel_product.html", order=15)]
    if entity.name == "warehouses":
        return [dict(title=_l("Keepers"), template="inventory/panel_warehouse.html", order=5)]
    return []


@hookimpl
def crm_menu_items(user):
    if not rights.can_view(user):
        return []
    return [dict(label=_l("Stock"), endpoint="inventory.stock_page", icon="warehouse", order=30),
            dict(label=_l("Stock documents"), endpoint="inventory.documents_page", icon="list", order=31),
            dict(label=_l("Daily stock report"), endpoint="inventory.daily_page", icon="calendar", order=32),
            dict(label=_l("Stock charts"), endpoint="inventory.charts_page", icon="chart", order=33)]


@hookimpl
def crm_dashboard_widgets(user):
    return [dict(title=_l("Stock below minimum / above maximum"), template="inventory/widget_limits.html",
                 order=25, context=views.limits_context)]


@hookimpl
def crm_demo_data(demo):
    demo_data.fill(demo)


def line_removed_or_back(sender, entity=None, record=None, user=None, **_kw):
    """A deleted or restored purchase-order line changes its order's total (refused once the order is placed)."""
    purchasing.refuse_line_removal(record, user)
    purchasing.refresh(record["order_id"], user)


signals.record_deleted.connect(line_removed_or_back, sender="purchase_order_lines", weak=False)
signals.record_restored.connect(line_removed_or_back, sender="purchase_order_lines", weak=False)
stock.POSTED.update(purchase_order=purchasing.received, sales_order=outbound.shipped)
stock.CANCELLED.update(purchase_order=purchasing.receipt_cancelled, sales_order=outbound.refuse_cancel)

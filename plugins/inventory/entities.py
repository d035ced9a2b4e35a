"""Warehouses (창고), purchase orders (구매 발주) and their lines: records through the core's entity service.

Stock documents and the ledger are the plugin's own tables
(:mod:`plugins.inventory.models`): they are written only through
:mod:`plugins.inventory.stock`, never through the generic record API.
"""
from __future__ import annotations

from core.entities import Entity, Field, RelatedList
from core.plugin_api import translator

_, _l = translator("inventory")

warehouses = Entity(
    name="warehouses",
    label=_l("Warehouses"),
    label_singular=_l("Warehouse"),
    title_field="name",
    owned=False,
    icon="warehouse",
    default_sort="code",
    list_columns=["code", "name", "active", "allow_negative", "address"],
    fields=[
        Field("name", "text", label=_l("Warehouse name"), required=True, unique=True, search=True, list=True,
              max_length=100, aliases=("창고명", "창고", "仓库名称", "仓库")),
        Field("code", "text", label=_l("Warehouse code"), required=True, unique=True, search=True, list=True,
              max_length=30, aliases=("창고코드", "仓库编码")),
        Field("active", "boolean", label=_l("Active"), default=True, list=True),
        Field("allow_negative", "boolean", label=_l("Allow negative stock"), default=False, list=True,
              help=_l("Off: an issue that would take a product's stock below zero is refused.")),
        Field("address", "text", label=_l("Address"), max_length=300, list=True),
        Field("note", "text", label=_l("Note"), max_length=300),
    ],
)

purchase_orders = Entity(
    name="purchase_orders",
    label=_l("Purchase orders"),
    label_singular=_l("Purchase order"),
    title_field="number",
    numbering="PO-{YYYY}{MM}-{####}",
    icon="truck",
    default_sort="-order_date",
    sharing="public_read",  # the keepers who confirm the receipts read them
    list_columns=["number", "order_date", "supplier_id", "warehouse_id", "status", "total", "owner_id"],
    fields=[
        Field("supplier_id", "reference", label=_l("Supplier"), target="accounts", required=True, list=True,
              index=True, aliases=("공급자", "공급처", "거래처", "供应商")),
        Field("order_date", "date", label=_l("Order date"), list=True, aliases=("발주일자", "采购日期")),
        Field("expected_date", "date", label=_l("Expected delivery"), list=True, aliases=("입고예정일", "预计到货")),
        Field("warehouse_id", "reference", label=_l("Receiving warehouse"), target="warehouses", list=True),
        Field("status", "picklist", label=_l("Purchase status"), picklist="purchase_order_status", default="draft",
              readonly=True, list=True),
        Field("total", "money", label=_l("Total amount"), readonly=True, list=True),
        Field("remarks", "longtext", label=_l("Remarks"), block="description"),
    ],
    indexes=[("status", "order_date"), ("supplier_id", "order_date")],
)

purchase_order_lines = Entity(
    name="purchase_order_lines",
    label=_l("Purchase order lines"),
    label_singular=_l("Purchase order line"),
    title_field="product_id",
    owned=False,
    icon="list",
    default_sort="id",
    fields=[
        Field("order_id", "reference", label=_l("Purchase order"), target="purchase_orders", required=True,
              list=True, index=True),
        Field("product_id", "reference", label=_l("Product"), target="products", required=True, list=True,
              index=True),
        Field("quantity", "decimal", label=_l("Quantity"), required=True, min_value=0, list=True),
        Field("unit_price", "money", label=_l("Unit price"), required=True, min_value=0, list=True),
        Field("line_total", "money", label=_l("Amount"), readonly=True, list=True),
        Field("received_quantity", "decimal", label=_l("Received quantity"), readonly=True, list=True),
        Field("note", "text", label=_l("Note"), max_length=300),
    ],
)

ALL = [warehouses, purchase_orders, purchase_order_lines]

related = {
    "purchase_orders": [RelatedList("purchase_order_lines", "order_id", label=_l("Purchase order lines"), order=5)],
    "accounts": [RelatedList("purchase_orders", "supplier_id", label=_l("Purchase orders"), order=40)],
    "warehouses": [RelatedList("purchase_orders", "warehouse_id", label=_l("Purchase orders"), order=20)],
}

"""Quotes (견적서 / 报价单), sales orders (판매 주문 / 销售订单) and their lines.

Quote lines and order lines share one set of columns (:func:`line_fields`):
an item row (product from the catalogue or free text, 규격, unit, quantity,
unit price, discount, VAT rate, 공급가액, VAT, total), a free-text row
(``kind="text"``: "- 무상 유지보수 3개월") or a subtotal row (``kind="subtotal"``,
its amounts computed when shown).  Order lines add what the inventory plugin
needs: ordered, shipped and remaining quantity.
"""
from __future__ import annotations

from core.entities import Entity, Field, RelatedList
from core.plugin_api import translator

_, _l = translator("quotes")

DOCUMENT_TOTALS = [
    Field("supply_total", "money", label=_l("Supply amount"), readonly=True, list=True),
    Field("vat_total", "money", label=_l("VAT"), readonly=True),
    Field("total", "money", label=_l("Total amount"), readonly=True, list=True),
    Field("currency", "text", label=_l("Currency"), readonly=True, max_length=3),
    Field("rounding", "text", label=_l("VAT rounding"), readonly=True, max_length=20,
          extra={"labels": {"per_line": _l("Per line"), "per_document": _l("Per document")}},
          help=_l("The rounding rule the totals were computed with (per line or per document).")),
]

quotes = Entity(
    name="quotes",
    label=_l("Quotes"),
    label_singular=_l("Quote"),
    title_field="title",
    numbering="Q-{YYYY}{MM}-{####}",
    icon="file-text",
    menu_group="sales",
    menu_order=30,
    default_sort="-quote_date",
    list_columns=["status", "quote_date", "valid_until", "number", "title", "account_id", "delivery_site",
                  "owner_id", "supply_total", "total", "approval_status"],
    fields=[
        Field("title", "text", label=_l("Quote title"), required=True, search=True, list=True, max_length=200,
              aliases=("견적제목", "견적서제목", "报价单主题")),
        Field("account_id", "reference", label=_l("Account"), target="accounts", required=True, list=True,
              index=True, aliases=("거래처", "거래처명", "고객사", "客户")),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts", index=True),
        Field("opportunity_id", "reference", label=_l("Opportunity"), target="opportunities", index=True),
        Field("status", "picklist", label=_l("Quote status"), picklist="quote_status", default="draft", list=True),
        Field("quote_date", "date", label=_l("Quote date"), list=True, aliases=("견적일자", "报价日期")),
        Field("valid_until", "date", label=_l("Valid until"), list=True, aliases=("유효일자", "유효기간", "有效期")),
        Field("delivery_site", "text", label=_l("Delivery site"), search=True, list=True, max_length=200,
              aliases=("납품현장",)),
        Field("payment_terms", "text", label=_l("Payment terms"), max_length=300),
        Field("delivery_terms", "text", label=_l("Delivery terms"), max_length=300),
        Field("remarks", "longtext", label=_l("Remarks"), block="description"),
        Field("approval_status", "picklist", label=_l("Approval"), picklist="quote_approval", default="none",
              readonly=True, list=True),
        Field("approver_id", "user", label=_l("Approved by"), readonly=True),
        Field("approved_at", "datetime", label=_l("Approved at"), readonly=True),
        Field("approval_note", "text", label=_l("Approval note"), readonly=True, max_length=1000,
              help=_l("The reason given with the last approval step (a rejection's reason).")),
        *DOCUMENT_TOTALS,
    ],
    indexes=[("status", "quote_date"), ("account_id", "quote_date"), ("approval_status", "owner_id")],
)


def line_fields(parent: str, target: str) -> list[Field]:
    """The columns every document line has (``parent``: the reference to its document)."""
    return [
        Field(parent, "reference", label=_l("Document"), target=target, required=True, list=True, index=True),
        Field("position", "integer", label=_l("Position"), min_value=0, list=True,
              help=_l("Lines are shown in this order; new lines go last.")),
        Field("kind", "picklist", label=_l("Line type"), picklist="quote_line_kind", default="item", list=True),
        Field("product_id", "reference", label=_l("Product"), target="products", list=True, index=True),
        Field("item_code", "text", label=_l("Item code"), max_length=60, list=True, aliases=("품번", "品号")),
        Field("name", "text", label=_l("Item name"), max_length=300, list=True, search=True,
              aliases=("품명", "品名")),
        Field("specification", "text", label=_l("Specification"), max_length=300, list=True,
              aliases=("규격", "规格")),
        Field("unit", "text", label=_l("Unit"), max_length=20, list=True, aliases=("단위", "单位")),
        Field("quantity", "decimal", label=_l("Quantity"), min_value=0, list=True),
        Field("unit_price", "money", label=_l("Unit price"), min_value=0, list=True),
        Field("discount", "percent", label=_l("Discount %"), min_value=0, max_value=100, default=0),
        Field("vat_rate", "percent", label=_l("VAT rate"), min_value=0, max_value=100,
              help=_l("Empty: the deployment's VAT rate. 0 for zero-rated or exempt items.")),
        Field("supply_amount", "money", label=_l("Supply amount"), readonly=True, list=True),
        Field("vat_amount", "money", label=_l("VAT"), readonly=True, list=True),
        Field("line_total", "money", label=_l("Total amount"), readonly=True, list=True),
        Field("note", "text", label=_l("Note"), max_length=300),
    ]


def line_entity(name, label, singular, parent, target, extra=()) -> Entity:
    return Entity(name=name, label=label, label_singular=singular, title_field="name", owned=False,
                  icon="list", default_sort="position", parent=target, fields=line_fields(parent, target) + list(extra),
                  indexes=[(parent, "position")])


quote_lines = line_entity("quote_lines", _l("Quote lines"), _l("Quote line"), "quote_id", "quotes")

sales_orders = Entity(
    name="sales_orders",
    label=_l("Sales orders"),
    label_singular=_l("Sales order"),
    title_field="title",
    numbering="SO-{YYYY}{MM}-{####}",
    icon="cart",
    menu_group="sales",
    menu_order=40,
    default_sort="-order_date",
    list_columns=["number", "order_date", "title", "account_id", "status", "payment_status", "total", "owner_id"],
    fields=[
        Field("title", "text", label=_l("Order title"), required=True, search=True, list=True, max_length=200),
        Field("account_id", "reference", label=_l("Account"), target="accounts", required=True, list=True,
              index=True),
        Field("contact_id", "reference", label=_l("Contact"), target="contacts"),
        Field("opportunity_id", "reference", label=_l("Opportunity"), target="opportunities", index=True),
        Field("quote_id", "reference", label=_l("Quote"), target="quotes", unique=True,
              help=_l("The accepted quote this order comes from (one order per quote).")),
        Field("order_date", "date", label=_l("Order date"), list=True),
        Field("delivery_date", "date", label=_l("Delivery date"), list=True),
        Field("delivery_site", "text", label=_l("Delivery site"), max_length=200),
        Field("payment_terms", "text", label=_l("Payment terms"), max_length=300),
        Field("status", "picklist", label=_l("Order status"), picklist="sales_order_status", default="draft",
              readonly=True, list=True),
        Field("payment_status", "picklist", label=_l("Payment status"), picklist="sales_order_payment",
              default="unpaid", readonly=True, list=True),
        Field("paid_amount", "money", label=_l("Paid amount"), min_value=0, default=0),
        Field("confirmed_at", "datetime", label=_l("Confirmed at"), readonly=True),
        Field("credit_override_reason", "text", label=_l("Credit override reason"), readonly=True,
              max_length=1000),
        Field("remarks", "longtext", label=_l("Remarks"), block="description"),
        *DOCUMENT_TOTALS,
    ],
    indexes=[("account_id", "status"), ("status", "order_date")],
)

sales_order_lines = line_entity(
    "sales_order_lines", _l("Order lines"), _l("Order line"), "order_id", "sales_orders",
    extra=[Field("shipped_quantity", "decimal", label=_l("Shipped quantity"), readonly=True, list=True),
           Field("remaining_quantity", "decimal", label=_l("Remaining quantity"), readonly=True, list=True)])

LINES = {"quote_lines": ("quote_id", quotes), "sales_order_lines": ("order_id", sales_orders)}
DOCUMENTS = {"quotes": quote_lines, "sales_orders": sales_order_lines}
ALL = [quotes, quote_lines, sales_orders, sales_order_lines]

related = {
    "quotes": [RelatedList("quote_lines", "quote_id", label=_l("Quote lines"), order=5),
               RelatedList("sales_orders", "quote_id", label=_l("Sales orders"), order=6)],
    "sales_orders": [RelatedList("sales_order_lines", "order_id", label=_l("Order lines"), order=5)],
    "accounts": [RelatedList("quotes", "account_id", label=_l("Quotes"), order=25),
                 RelatedList("sales_orders", "account_id", label=_l("Sales orders"), order=26)],
    "contacts": [RelatedList("quotes", "contact_id", label=_l("Quotes"), order=25)],
    "opportunities": [RelatedList("quotes", "opportunity_id", label=_l("Quotes"), order=8),
                      RelatedList("sales_orders", "opportunity_id", label=_l("Sales orders"), order=9)],
}

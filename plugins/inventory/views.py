"""Pages: the stock list, stock documents (post, cancel, new), the daily report, charts, a product's stock,
the purchase order's print view, and the forms on the purchase-order, sales-order and product pages."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from core.db import session
from core.entities import records
from core.entities.query import visible_select
from core.errors import BadRequest, CRMError
from core.i18n import local_today
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import User
from core.security.permissions import can
from core.ui.admin import done, failed
from plugins.inventory import (keepers, ledger, opening, outbound, product_stock, purchasing, reports, rights,
                               stock)
from plugins.inventory.models import StockDocument

_, _l = translator("inventory")

pages = Blueprint("inventory", __name__, url_prefix="/inventory", template_folder="templates",
                  static_folder="static")


def entity(name: str):
    return runtime().registry.get(name)


def kind_label(kind: str) -> str:
    labels = {"receipt": _("Receipt"), "issue": _("Issue"), "transfer": _("Transfer"), "stocktake": _("Stock-take"),
              "opening": _("Opening balance"), "return_in": _("Customer return"),
              "return_out": _("Return to supplier"), "transfer_in": _("Transfer in"),
              "transfer_out": _("Transfer out"), "adjustment": _("Stock-take difference")}
    return labels.get(kind, kind)


def status_label(status: str) -> str:
    return {"draft": _("Awaiting the keeper"), "posted": _("Posted"), "cancelled": _("Cancelled")}.get(status, status)


def warehouse_choices(user) -> list:
    w = entity("warehouses").table
    return session().execute(visible_select(entity("warehouses"), user, w.c.id, w.c.name, w.c.code)
                             .where(w.c.active.is_(True)).order_by(w.c.code)).all()


def product_choices(user, limit: int = 1000) -> list:
    p = entity("products").table
    return session().execute(visible_select(entity("products"), user, p.c.id, p.c.name, p.c.model)
                             .order_by(p.c.name).limit(limit)).all()


def int_or_none(raw) -> int | None:
    return int(raw) if raw and str(raw).isdigit() and len(str(raw)) < 10 else None


def day_or(raw, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return default


@pages.app_template_global("inventory_kind")
def inventory_kind(kind: str) -> str:
    return kind_label(kind)


@pages.app_template_global("inventory_quantity")
def inventory_quantity(value) -> str:
    return "" if value is None else ledger.quantity_text(value)


# --- stock list, daily report, charts --------------------------------------------------

@pages.get("/stock")
def stock_page():
    """재고 목록: per warehouse or in total, zero rows hidden unless asked."""
    user = current_user_or_none()
    rights.require_view(user)
    warehouse_id = int_or_none(request.args.get("warehouse_id"))
    include_zero = request.args.get("include_zero") == "1"
    q = (request.args.get("q") or "").strip()[:100]
    rows = reports.stock_list(user, warehouse_id=warehouse_id, include_zero=include_zero, q=q or None)
    return render_template("inventory/stock.html", rows=rows, warehouses=warehouse_choices(user),
                           warehouse_id=warehouse_id, include_zero=include_zero, q=q,
                           values=reports.value_per_warehouse(user), show_cost=reports.cost_visible(user),
                           total_value=sum((r["value"] or 0) for r in rows))


@pages.get("/daily")
def daily_page():
    """재고 일일 보고서."""
    user = current_user_or_none()
    rights.require_view(user)
    today = local_today()
    date_to = day_or(request.args.get("date_to"), today)
    date_from = day_or(request.args.get("date_from"), date_to - dt.timedelta(days=6))
    if date_from > date_to or (date_to - date_from).days >= reports.MAX_DAYS:
        date_from = date_to - dt.timedelta(days=6)
    warehouse_id = int_or_none(request.args.get("warehouse_id"))
    product_id = int_or_none(request.args.get("product_id"))
    rows = reports.daily(user, date_from, date_to, warehouse_id=warehouse_id, product_id=product_id)
    return render_template("inventory/daily.html", rows=rows, date_from=date_from, date_to=date_to,
                           warehouses=warehouse_choices(user), products=product_choices(user),
                           warehouse_id=warehouse_id, product_id=product_id)


@pages.get("/charts")
def charts_page():
    """월별 입고/출고/전입 합계 and the stock value per warehouse, as Chart.js charts."""
    user = current_user_or_none()
    rights.require_view(user)
    year = int_or_none(request.args.get("year")) or local_today().year
    year = min(max(year, 2000), 2100)
    months = reports.monthly(user, year)
    values = reports.value_per_warehouse(user)
    monthly_chart = {"type": "bar", "data": {
        "labels": [str(m["month"]) for m in months],
        "datasets": [{"label": _("In"), "data": [float(m["in"]) for m in months]},
                     {"label": _("Out"), "data": [float(m["out"]) for m in months]},
                     {"label": _("Transfer in"), "data": [float(m["transfer_in"]) for m in months]}]},
        "options": {"responsive": True, "maintainAspectRatio": False}}
    value_chart = {"type": "doughnut", "data": {
        "labels": [v["warehouse"] for v in values],
        "datasets": [{"label": _("Stock value"), "data": [float(v["value"] or 0) for v in values]}]},
        "options": {"responsive": True, "maintainAspectRatio": False}}
    return render_template("inventory/charts.html", year=year, months=months, values=values,
                           monthly_chart=monthly_chart, value_chart=value_chart,
                           show_cost=reports.cost_visible(user))


# --- documents -------------------------------------------------------------------------

@pages.get("/documents")
def documents_page():
    user = current_user_or_none()
    rights.require_view(user)
    drafts = stock.listing(user, status="draft", limit=200)
    recent = [d for d in stock.listing(user, limit=100) if d.status != "draft"]
    return render_template("inventory/documents.html", drafts=[document_view(d, user) for d in drafts],
                           recent=[document_view(d, user) for d in recent], warehouses=warehouse_choices(user),
                           products=product_choices(user), kinds=stock.KINDS, can_cancel=rights.can_cancel(user),
                           status_label=status_label, is_admin=rights.is_inventory_admin(user))


def document_view(doc: StockDocument, user) -> dict:
    """A document with names for its warehouse(s) and lines, and whether the user may post it."""
    names = stock.namer()
    lines = []
    for ln in stock.lines_of(doc.id):
        product, _house = names(ln.product_id, doc.warehouse_id)
        lines.append({"id": ln.id, "product": product, "quantity": ln.quantity, "book_quantity": ln.book_quantity})
    house = stock.entity_row("warehouses", doc.warehouse_id).get("name")
    target = stock.entity_row("warehouses", doc.to_warehouse_id).get("name") if doc.to_warehouse_id else None
    may_post = rights.can_post(user, doc.warehouse_id) and (doc.to_warehouse_id is None
                                                           or rights.can_post(user, doc.to_warehouse_id))
    return {"doc": doc, "warehouse": house, "to_warehouse": target, "lines": lines, "may_post": may_post}


@pages.post("/documents")
def create_document():
    user, form = current_user_or_none(), request.form
    products = form.getlist("product_id")
    quantities = form.getlist("quantity")
    costs = form.getlist("unit_cost")
    lines = [{"product_id": int_or_none(p), "quantity": q, "unit_cost": c or None}
             for p, q, c in zip(products, quantities, costs + [""] * len(products)) if p or q]
    data = {"warehouse_id": int_or_none(form.get("warehouse_id")),
            "to_warehouse_id": int_or_none(form.get("to_warehouse_id")), "note": form.get("note") or None,
            "lines": lines}
    try:
        rights.require_view(user)
        doc = stock.draft(form.get("kind", ""), data, user)
        stock.post(doc.id, user)
    except CRMError as exc:
        return failed(exc, "inventory.documents_page")
    return done(_("%(number)s posted.", number=doc.number), "inventory.documents_page")


@pages.post("/documents/<int:document_id>/post")
def post_document(document_id):
    user = current_user_or_none()
    quantities = {key.removeprefix("qty_"): value for key, value in request.form.items()
                  if key.startswith("qty_") and value.strip()}
    try:
        doc = stock.post(document_id, user, quantities)
    except CRMError as exc:
        return failed(exc, "inventory.documents_page")
    return done(_("%(number)s posted.", number=doc.number), "inventory.documents_page")


@pages.post("/documents/<int:document_id>/cancel")
def cancel_document(document_id):
    try:
        doc = stock.cancel(document_id, current_user_or_none())
    except CRMError as exc:
        return failed(exc, "inventory.documents_page")
    return done(_("%(number)s cancelled.", number=doc.number), "inventory.documents_page")


@pages.post("/opening")
def import_opening():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise BadRequest(_("Choose the workbook to upload."))
        docs = opening.import_workbook(upload.read(), current_user_or_none())
    except CRMError as exc:
        return failed(exc, "inventory.documents_page")
    return done(_("Opening balances posted: %(numbers)s", numbers=", ".join(d.number for d in docs)),
                "inventory.documents_page")


@pages.post("/warehouses/<int:warehouse_id>/keepers")
def set_keepers(warehouse_id):
    ids = [int(v) for v in request.form.getlist("user_id") if v.isdigit() and len(v) < 10]
    args = {"entity_name": "warehouses", "record_id": warehouse_id}
    try:
        keepers.replace(warehouse_id, ids, current_user_or_none())
    except CRMError as exc:
        return failed(exc, "ui.detail", **args)
    return done(_("Saved."), "ui.detail", **args)


# --- product page ------------------------------------------------------------------------

@pages.get("/products/<int:product_id>")
def product_page(product_id):
    """A product's stock: per warehouse, movements, suppliers and prices, customers who bought it."""
    user = current_user_or_none()
    rights.require_view(user)
    product = records.get(entity("products"), product_id, user)
    return render_template("inventory/product.html", product=product, **product_context(product, user),
                           history=reports.history(user, product_id, limit=200),
                           prices=purchasing.price_history(user, product_id))


def product_context(product: dict, user) -> dict:
    return {"per_warehouse": reports.per_warehouse(user, product["id"]),
            "settings": product_stock.as_dict(session().get(product_stock.ProductStock, product["id"])),
            "suppliers": reports.suppliers_of(user, product["id"]),
            "customers": reports.customers_of(user, product["id"]),
            "can_edit": can(user, entity("products"), "edit", product) or rights.is_inventory_admin(user)}


@pages.post("/products/<int:product_id>/settings")
def product_settings(product_id):
    form = request.form
    data = {"tracked": form.get("tracked") == "on", "min_quantity": form.get("min_quantity", ""),
            "max_quantity": form.get("max_quantity", ""), "cost_review_needed": form.get("cost_review_needed") == "on"}
    try:
        product_stock.put(product_id, data, current_user_or_none())
    except CRMError as exc:
        return failed(exc, "inventory.product_page", product_id=product_id)
    return done(_("Saved."), "inventory.product_page", product_id=product_id)


# --- purchase orders and sales orders ---------------------------------------------------

@pages.get("/purchase-orders/<int:purchase_order_id>/print")
def print_order(purchase_order_id):
    user = current_user_or_none()
    return purchasing.render_html(purchasing.visible(purchase_order_id, user), user)


@pages.post("/purchase-orders/<int:purchase_order_id>/<step>")
def order_step(purchase_order_id, step):
    user, form = current_user_or_none(), request.form
    args = {"entity_name": "purchase_orders", "record_id": purchase_order_id}
    steps = {"order": lambda: purchasing.place(purchase_order_id, user),
             "receive": lambda: purchasing.receive(purchase_order_id, user, int_or_none(form.get("warehouse_id"))),
             "cancel": lambda: purchasing.cancel(purchase_order_id, user),
             "line": lambda: records.create(entity("purchase_order_lines"), {
                 "order_id": purchase_order_id, "product_id": int_or_none(form.get("product_id")),
                 "quantity": form.get("quantity") or None, "unit_price": form.get("unit_price") or None}, user)}
    if step not in steps:
        raise BadRequest(_("Unknown action."))
    try:
        steps[step]()
    except CRMError as exc:
        return failed(exc, "ui.detail", **args)
    return done(_("Saved."), "ui.detail", **args)


@pages.post("/sales-orders/<int:sales_order_id>/outbound")
def create_outbound(sales_order_id):
    args = {"entity_name": "sales_orders", "record_id": sales_order_id}
    try:
        doc = outbound.create(sales_order_id, int_or_none(request.form.get("warehouse_id")), current_user_or_none())
    except CRMError as exc:
        return failed(exc, "ui.detail", **args)
    return done(_("Outbound order %(number)s created: the warehouse's keeper ships it.", number=doc.number),
                "ui.detail", **args)


# --- panels and the workbench --------------------------------------------------------------

def limits_context(user) -> dict:
    if not rights.can_view(user):
        return {"allowed": False}
    return {"allowed": True, **reports.limits(user, limit=10)}


@pages.app_template_global("inventory_po_panel")
def po_panel(order: dict) -> dict:
    user = current_user_or_none()
    lines = purchasing.live_lines(order["id"])
    names = stock.namer()
    can_edit = can(user, entity("purchase_orders"), "edit", order)
    return {"lines": [{**ln, "product": names(ln["product_id"], 0)[0]} for ln in lines], "can_edit": can_edit,
            "warehouses": warehouse_choices(user), "products": product_choices(user) if can_edit else [],
            "receipts": [document_view(d, user) for d in
                         stock.listing(user, source="purchase_order", source_id=order["id"])],
            "can_cancel": rights.can_cancel(user)}


@pages.app_template_global("inventory_so_panel")
def so_panel(order: dict) -> dict:
    user = current_user_or_none()
    if not rights.can_view(user):
        return {"allowed": False}
    return {"allowed": True, "can_edit": can(user, entity("sales_orders"), "edit", order),
            "needing": outbound.needing_stock(order["id"]), "warehouses": warehouse_choices(user),
            "documents": [document_view(d, user) for d in
                          stock.listing(user, source="sales_order", source_id=order["id"])]}


@pages.app_template_global("inventory_product_panel")
def product_panel(product: dict) -> dict:
    user = current_user_or_none()
    if not rights.can_view(user):
        return {"allowed": False}
    return {"allowed": True, **product_context(product, user)}


@pages.app_template_global("inventory_keepers")
def keepers_panel(warehouse: dict) -> dict:
    user = current_user_or_none()
    users = session().execute(sa.select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all() \
        if rights.is_inventory_admin(user) else []
    return {"keepers": keepers.of(warehouse["id"], user), "users": users, "can_edit": bool(users)}

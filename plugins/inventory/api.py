"""The inventory API (``/api/v1/inventory``): stock, documents, keepers, reports, purchasing and outbound actions.

Every route reads the caller's rights through :mod:`plugins.inventory.rights` (the services check them);
writes commit here.  Quantities and amounts travel as strings, dates as ISO dates.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Blueprint, jsonify, request

from core.api import schemas as core_schemas
from core.api.contract import operation
from core.api.paging import bool_arg, int_arg, raise_if
from core.api.records import body
from core.db import session
from core.documents import download
from core.errors import BadRequest, ValidationError
from core.i18n import local_today
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from plugins.inventory import (keepers, opening, outbound, product_stock, purchasing, reports, rights, schemas,
                               stock)

_, _l = translator("inventory")

api = Blueprint("inventory_api", __name__, url_prefix="/api/v1/inventory")


def plain(value):
    """Decimals as strings, dates as ISO text, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def object_body() -> dict:
    data = body()
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    return data


def optional_body() -> dict:
    return object_body() if request.data else {}


def args(*names) -> dict:
    errors: dict = {}
    found = {name: int_arg(request.args, name, errors) for name in names}
    raise_if(errors)
    return found


def date_arg(name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(_("Invalid list parameters."), {name: _("Enter a date as YYYY-MM-DD.")}) from None


def period() -> tuple[dt.date, dt.date]:
    today = local_today()
    start, end = date_arg("date_from", today - dt.timedelta(days=6)), date_arg("date_to", today)
    if end < start or (end - start).days >= reports.MAX_DAYS:
        raise BadRequest(_("Invalid list parameters."),
                         {"date_to": _("Choose a period of at most %(n)s days.", n=reports.MAX_DAYS)})
    return start, end


# --- stock and reports ----------------------------------------------------------------

@api.get("/stock")
@operation("Stock per product, in one warehouse or all (zero rows hidden)", query=schemas.StockArgs,
           response=core_schemas.listing(schemas.StockRow))
def stock_list():
    errors: dict = {}
    warehouse_id = int_arg(request.args, "warehouse_id", errors)
    include_zero = bool_arg(request.args, "include_zero", errors)
    raise_if(errors)
    q = (request.args.get("q") or "")[:100] or None
    return jsonify({"data": plain(reports.stock_list(current_user_or_none(), warehouse_id=warehouse_id,
                                                     include_zero=bool(include_zero), q=q))})


@api.get("/limits")
@operation("Products below their minimum or above their maximum stock", response=core_schemas.JSON_OBJECT)
def limits():
    return jsonify(plain(reports.limits(current_user_or_none())))


@api.get("/products/<int:product_id>/movements")
@operation("A product's movements, newest first, with the balance after each", query=schemas.WarehouseArgs,
           response=core_schemas.listing(core_schemas.JSON_OBJECT))
def movements(product_id):
    found = args("warehouse_id")
    return jsonify({"data": plain(reports.history(current_user_or_none(), product_id, **found))})


@api.get("/products/<int:product_id>/stock")
@operation("A product's stock per warehouse, its settings, customers who bought it and its suppliers",
           response=core_schemas.JSON_OBJECT)
def product_overview(product_id):
    user = current_user_or_none()
    return jsonify(plain({"warehouses": reports.per_warehouse(user, product_id),
                          "settings": product_stock.get(product_id, user),
                          "customers": reports.customers_of(user, product_id),
                          "suppliers": reports.suppliers_of(user, product_id)}))


@api.put("/products/<int:product_id>/stock")
@operation("Set a product's stock settings (kept in stock, minimum, maximum, cost review)",
           body=schemas.ProductStockInput, response=core_schemas.JSON_OBJECT)
def put_product_settings(product_id):
    found = product_stock.put(product_id, object_body(), current_user_or_none())
    session().commit()
    return jsonify(plain(found))


@api.get("/daily")
@operation("The daily stock report: opening, in, out, transfer, adjustment, closing per day",
           query=schemas.DailyArgs, response=core_schemas.listing(core_schemas.JSON_OBJECT))
def daily():
    start, end = period()
    found = args("warehouse_id", "product_id")
    return jsonify({"data": plain(reports.daily(current_user_or_none(), start, end, **found))})


@api.get("/monthly")
@operation("Quantities in, out and transferred in per month of a year", query=schemas.MonthlyArgs,
           response=core_schemas.listing(core_schemas.JSON_OBJECT))
def monthly():
    errors: dict = {}
    year = int_arg(request.args, "year", errors, default=local_today().year, minimum=2000, maximum=2100)
    warehouse_id = int_arg(request.args, "warehouse_id", errors)
    raise_if(errors)
    return jsonify({"data": plain(reports.monthly(current_user_or_none(), year, warehouse_id=warehouse_id))})


@api.get("/value")
@operation("Stock value at cost per warehouse", response=core_schemas.listing(core_schemas.JSON_OBJECT))
def value():
    return jsonify({"data": plain(reports.value_per_warehouse(current_user_or_none()))})


# --- documents ------------------------------------------------------------------------

@api.get("/documents")
@operation("Stock documents, newest first", query=schemas.DocumentArgs,
           response=core_schemas.listing(schemas.Document))
def documents():
    found = args("warehouse_id", "source_id")
    filters = {k: request.args.get(k) or None for k in ("status", "kind", "source")}
    docs = stock.listing(current_user_or_none(), **filters, **found)
    return jsonify({"data": [stock.as_dict(d) for d in docs]})


@api.post("/documents")
@operation("Draft a stock document (post=true: post it at once)", body=schemas.DocumentInput,
           response=schemas.Document, status=201)
def create_document():
    user, data = current_user_or_none(), object_body()
    rights.require_view(user)
    doc = stock.draft(data.get("kind"), data, user)
    if data.get("post") is True:
        stock.post(doc.id, user)
    session().commit()
    return jsonify(stock.as_dict(doc)), 201


@api.get("/documents/<int:document_id>")
@operation("One stock document with its lines", response=schemas.Document)
def get_document(document_id):
    return jsonify(stock.as_dict(stock.get(document_id, current_user_or_none())))


@api.post("/documents/<int:document_id>/post")
@operation("Post a draft document (its warehouse's keepers)", body=schemas.PostInput, response=schemas.Document)
def post_document(document_id):
    doc = stock.post(document_id, current_user_or_none(), optional_body().get("quantities"))
    session().commit()
    return jsonify(stock.as_dict(doc))


@api.post("/documents/<int:document_id>/cancel")
@operation("Cancel a draft, or a posted document with reversing movements (the cancel right)",
           response=schemas.Document)
def cancel_document(document_id):
    doc = stock.cancel(document_id, current_user_or_none())
    session().commit()
    return jsonify(stock.as_dict(doc))


@api.post("/opening-balances")
@operation("Import opening balances from an xlsx (product code or name, warehouse code, quantity, unit cost)",
           upload="file", response=core_schemas.listing(schemas.Document), status=201)
def import_opening():
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError(_("Send the workbook as the multipart field \"file\"."), {"file": _("Required.")})
    docs = opening.import_workbook(upload.read(), current_user_or_none())
    session().commit()
    return jsonify({"data": [stock.as_dict(d) for d in docs]}), 201


# --- keepers --------------------------------------------------------------------------

@api.get("/warehouses/<int:warehouse_id>/keepers")
@operation("The warehouse's keepers", response=core_schemas.listing(schemas.Keeper))
def get_keepers(warehouse_id):
    return jsonify({"data": keepers.of(warehouse_id, current_user_or_none())})


@api.put("/warehouses/<int:warehouse_id>/keepers")
@operation("Replace the warehouse's keepers (inventory administrators)", body=schemas.KeepersInput,
           response=core_schemas.listing(schemas.Keeper))
def put_keepers(warehouse_id):
    found = keepers.replace(warehouse_id, object_body().get("user_ids"), current_user_or_none())
    session().commit()
    return jsonify({"data": found})


# --- purchasing -----------------------------------------------------------------------

@api.get("/price-history")
@operation("Supplier prices of a product from purchase orders, newest first", query=schemas.PriceArgs,
           response=core_schemas.listing(core_schemas.JSON_OBJECT))
def price_history():
    found = args("product_id", "supplier_id")
    if found["product_id"] is None:
        raise BadRequest(_("Invalid list parameters."), {"product_id": _("Required.")})
    return jsonify({"data": plain(purchasing.price_history(current_user_or_none(), **found))})


@api.post("/purchase-orders/<int:purchase_order_id>/order")
@operation("Place a draft purchase order (draft → ordered)", response=core_schemas.JSON_OBJECT)
def place_order(purchase_order_id):
    record = purchasing.place(purchase_order_id, current_user_or_none())
    session().commit()
    return jsonify(purchasing.as_json(record))


@api.post("/purchase-orders/<int:purchase_order_id>/receive")
@operation("Draft the receipt of what remains (or the quantities given) for the keeper to confirm",
           body=schemas.ReceiveInput, response=schemas.Document, status=201)
def receive(purchase_order_id):
    data = optional_body()
    doc = purchasing.receive(purchase_order_id, current_user_or_none(), data.get("warehouse_id"),
                             data.get("quantities"))
    session().commit()
    return jsonify(stock.as_dict(doc)), 201


@api.post("/purchase-orders/<int:purchase_order_id>/cancel")
@operation("Cancel a purchase order (ordered: the cancel right; nothing received yet)",
           response=core_schemas.JSON_OBJECT)
def cancel_order(purchase_order_id):
    record = purchasing.cancel(purchase_order_id, current_user_or_none())
    session().commit()
    return jsonify(purchasing.as_json(record))


@api.get("/purchase-orders/<int:purchase_order_id>/pdf")
@operation("The purchase order as PDF", binary=True)
def order_pdf(purchase_order_id):
    record = purchasing.visible(purchase_order_id, current_user_or_none())
    return download(purchasing.render_pdf(record, current_user_or_none()), "application/pdf",
                    f"{record['number']}.pdf")


@api.get("/purchase-orders/<int:purchase_order_id>/xlsx")
@operation("The purchase order as an Excel workbook", binary=True)
def order_xlsx(purchase_order_id):
    record = purchasing.visible(purchase_order_id, current_user_or_none())
    return download(purchasing.render_xlsx(record, current_user_or_none()),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{record['number']}.xlsx")


# --- sales side -----------------------------------------------------------------------

@api.post("/sales-orders/<int:sales_order_id>/outbound")
@operation("Create an outbound order (draft issue) with the order's lines that still need stock",
           body=schemas.OutboundInput, response=schemas.Document, status=201)
def create_outbound(sales_order_id):
    doc = outbound.create(sales_order_id, object_body().get("warehouse_id"), current_user_or_none())
    session().commit()
    return jsonify(stock.as_dict(doc)), 201

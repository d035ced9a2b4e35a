"""Extra quote API: from an opportunity, price history, approval steps, outputs, email, orders, reports, settings."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from core.api.records import body
from core.db import session
from core.documents import download
from core.entities import records
from core.plugin_api import translator
from core.security.fields import hidden_fields, strip_hidden
from core.errors import BadRequest, NotFound, ValidationError
from core.security.auth import current_user_or_none
from core.security.permissions import require_admin, require_right
from plugins.quotes import approval, orders, output, reports, sending, services, settings
from plugins.quotes.documents import entity

_, _l = translator("quotes")

api = Blueprint("quotes_api", __name__, url_prefix="/api/v1/quotes")


def as_json(entity_name: str, record: dict) -> dict:
    ent = entity(entity_name)
    return strip_hidden(records.to_json(ent, record), hidden_fields(ent, current_user_or_none()))


def object_body() -> dict:
    data = body()
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    return data


def optional_body() -> dict:
    """The JSON object sent, or ``{}`` when the body is empty."""
    return object_body() if request.data else {}


def visible_quote(quote_id: int) -> dict:
    user = current_user_or_none()
    require_right(user, entity("quotes"), "view")
    return records.get(entity("quotes"), quote_id, user)


def int_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if not raw.isdigit():
        raise BadRequest(_("Give %(name)s as a record id.", name=name))
    return int(raw)


@api.post("/from-opportunity/<int:opportunity_id>")
def from_opportunity(opportunity_id):
    """A quote with a copy of the opportunity's line items."""
    quote = services.create_from_opportunity(opportunity_id, current_user_or_none(), optional_body())
    session().commit()
    return jsonify(as_json("quotes", quote)), 201


@api.get("/price-history")
def price_history():
    """``?account_id=&product_id=``: the customer's last prices for the product (quotes and orders)."""
    user = current_user_or_none()
    require_right(user, entity("quotes"), "view")
    return jsonify({"data": services.price_history(int_arg("account_id"), int_arg("product_id"), user)})


@api.post("/<int:quote_id>/submit")
def submit(quote_id):
    record = approval.submit(quote_id, current_user_or_none())
    session().commit()
    return jsonify(as_json("quotes", record))


@api.post("/<int:quote_id>/approve")
def approve(quote_id):
    record = approval.decide(quote_id, current_user_or_none(), True, optional_body().get("reason"))
    session().commit()
    return jsonify(as_json("quotes", record))


@api.post("/<int:quote_id>/reject")
def reject(quote_id):
    record = approval.decide(quote_id, current_user_or_none(), False, optional_body().get("reason"))
    session().commit()
    return jsonify(as_json("quotes", record))


@api.post("/<int:quote_id>/withdraw")
def withdraw(quote_id):
    record = approval.withdraw(quote_id, current_user_or_none(), optional_body().get("reason"))
    session().commit()
    return jsonify(as_json("quotes", record))


@api.get("/pending-approvals")
def pending():
    """The quotes awaiting the caller's decision."""
    return jsonify({"data": [as_json("quotes", q) for q in approval.pending_approvals(current_user_or_none())]})


@api.get("/<int:quote_id>/pdf")
def pdf(quote_id):
    quote = visible_quote(quote_id)
    return download(output.render_pdf(quote, current_user_or_none()), "application/pdf", f"{quote['number']}.pdf")


@api.get("/<int:quote_id>/xlsx")
def xlsx(quote_id):
    quote = visible_quote(quote_id)
    return download(output.render_xlsx(quote, current_user_or_none()),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{quote['number']}.xlsx")


@api.post("/<int:quote_id>/send")
def send(quote_id):
    row = sending.queue(quote_id, body(), current_user_or_none())
    session().commit()
    return jsonify({"id": row.id, "job_id": row.job_id, "to": row.to, "status": row.status}), 202


@api.get("/<int:quote_id>/emails")
def emails(quote_id):
    visible_quote(quote_id)
    return jsonify({"data": sending.log(quote_id)})


@api.post("/<int:quote_id>/order")
def make_order(quote_id):
    """The sales order of an accepted quote (one per quote); its opportunity is won."""
    order = orders.create_from_quote(quote_id, current_user_or_none(), optional_body())
    session().commit()
    return jsonify(as_json("sales_orders", order)), 201


@api.post("/orders/<int:order_id>/confirm")
def confirm_order(order_id):
    """Credit check; 422 ``credit_limit`` over the limit unless ``override_reason`` (override_credit right)."""
    order = orders.confirm(order_id, current_user_or_none(), optional_body().get("override_reason"))
    session().commit()
    return jsonify(as_json("sales_orders", order))


@api.post("/orders/<int:order_id>/cancel")
def cancel_order(order_id):
    order = orders.cancel(order_id, current_user_or_none())
    session().commit()
    return jsonify(as_json("sales_orders", order))


@api.post("/order-lines/<int:line_id>/ship")
def ship_line(line_id):
    line = orders.record_shipment(line_id, object_body().get("quantity"), current_user_or_none())
    session().commit()
    return jsonify(as_json("sales_order_lines", line))


@api.get("/reports/<name>")
def report(name):
    if name not in reports.REPORTS:
        raise NotFound(_("Unknown report %(name)s.", name=name))
    user = current_user_or_none()
    require_right(user, entity("quotes"), "view")
    return jsonify(reports.REPORTS[name](user, request.args))


@api.get("/settings")
def get_settings():
    require_admin(current_user_or_none())
    return jsonify({"settings": settings.quote_settings(),
                    "company": {k: v for k, v in settings.company().items() if k != "seal"}})


@api.put("/settings")
def put_settings():
    user = current_user_or_none()
    require_admin(user)
    settings.save_quote_settings(body(), user)
    session().commit()
    return get_settings()


@api.put("/company")
def put_company():
    user = current_user_or_none()
    require_admin(user)
    settings.save_company(body(), user)
    session().commit()
    return get_settings()

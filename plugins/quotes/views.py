"""Pages: 견적현황 (status tabs), the print view, reports, quote settings, and the record-page actions."""
from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image, UnidentifiedImageError
from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.routing import BuildError
from flask_babel import format_decimal

from core.db import session
from core.entities import records
from core.entities.display import display_values, reference_labels
from core.entities.query import visible_select
from core.errors import CRMError, ValidationError
from core.money import places
from core.plugin_api import picklist_label, translator
from core.security.auth import current_user_or_none
from core.security.models import Role
from core.security.roles import role_label
from core.security.permissions import can, require_admin, require_right
from core.ui.admin import done, failed
from plugins.quotes import approval, batch_print, orders, output, reports, sending, services, settings
from plugins.quotes.documents import entity, live_lines
from plugins.quotes.totals import ROUNDING_MODES, with_subtotals

_, _l = translator("quotes")

pages = Blueprint("quotes_pages", __name__, url_prefix="/quotes", template_folder="templates",
                  static_folder="static")
TABS = ("all", "in_progress", "accepted", "cancelled", "expired", "draft")
PAGE_ROWS = 100
SEAL_MAX_BYTES = 200_000


def visible_quote(quote_id: int) -> dict:
    user = current_user_or_none()
    require_right(user, entity("quotes"), "view")
    return records.get(entity("quotes"), quote_id, user)


def day_arg(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@pages.get("/status")
def status_list():
    """견적현황: quotes by status tab, NewZen's columns, quote-date range, newest first."""
    quotes = entity("quotes")
    user = current_user_or_none()
    require_right(user, quotes, "view")
    t = quotes.table
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "all"
    date_from, date_to = day_arg("date_from"), day_arg("date_to")

    def in_period(stmt):
        if date_from:
            stmt = stmt.where(t.c.quote_date >= date_from)
        return stmt.where(t.c.quote_date <= date_to) if date_to else stmt

    base = in_period(visible_select(quotes, user))
    counts = dict(session().execute(in_period(visible_select(quotes, user, t.c.status, sa.func.count()))
                                    .group_by(t.c.status)).all())
    stmt = base if tab == "all" else base.where(t.c.status == tab)
    rows = session().execute(stmt.order_by(t.c.quote_date.desc(), t.c.id.desc()).limit(PAGE_ROWS)).all()
    fields = records.entity_fields(quotes)
    found = [records.row_to_record(quotes, r, fields) for r in rows]
    return render_template("quotes/status_list.html", rows=list(zip(found, display_values(quotes, found, user))),
                           tab=tab, tabs=TABS, counts=counts, total=sum(counts.values()),
                           tab_label=lambda v: picklist_label("quote_status", v),
                           date_from=date_from, date_to=date_to,
                           excel_url=export_url("xlsx", tab, date_from, date_to),
                           print_url=export_url(batch_print.FORMAT, tab, date_from, date_to, **{"async": 1}))


def export_url(fmt: str, tab: str, date_from: dt.date | None, date_to: dt.date | None, **extra) -> str | None:
    """The generic export of the quotes this tab and period show (``None`` without the export service)."""
    filters = {"status": None if tab == "all" else tab, "quote_date__gte": date_from, "quote_date__lte": date_to}
    try:
        return url_for("api.export_records", entity_name="quotes", scope="all", format=fmt, **extra,
                       **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in filters.items() if v})
    except BuildError:
        return None


@pages.get("/<int:quote_id>/print")
def print_view(quote_id):
    """The Korean quote layout (갑지 + 을지), printable from the browser."""
    quote = visible_quote(quote_id)
    return output.render_html(quote, current_user_or_none())


@pages.get("/reports")
def reports_page():
    user = current_user_or_none()
    require_right(user, entity("quotes"), "view")
    return render_template("quotes/reports.html", per_customer=reports.per_customer(user, request.args),
                           conversion=reports.conversion(user, request.args))


# --- settings (administrators) -----------------------------------------------

@pages.get("/settings")
def settings_page():
    require_admin(current_user_or_none())
    roles = [(r.name, role_label(r)) for r in session().scalars(sa.select(Role).order_by(Role.id))]
    return render_template("quotes/settings.html", conf=settings.quote_settings(), company=settings.company(),
                           modes=ROUNDING_MODES, roles=roles, fields=settings.COMPANY_FIELDS)


@pages.post("/settings")
def save_settings():
    user = current_user_or_none()
    require_admin(user)
    form = request.form
    try:
        settings.save_quote_settings({"vat_rate": form.get("vat_rate", ""), "rounding": form.get("rounding", ""),
                                      "validity_days": form.get("validity_days", ""),
                                      "approval_required": form.get("approval_required") == "on",
                                      "approval_threshold": form.get("approval_threshold", ""),
                                      "approval_role": form.get("approval_role", "")}, user)
        settings.save_company({k: form.get(k, "") for k in settings.COMPANY_FIELDS}, user)
        seal = request.files.get("seal")
        if form.get("remove_seal"):
            settings.save_seal(None, user)
        elif seal and seal.filename:
            settings.save_seal(seal_data_url(seal.read()), user)
    except CRMError as exc:
        return failed(exc, "quotes_pages.settings_page")
    return done(_("Saved."), "quotes_pages.settings_page")


def seal_data_url(content: bytes) -> str:
    """A PNG/JPEG seal or logo as a ``data:`` URL; anything else is refused."""
    if len(content) > SEAL_MAX_BYTES:
        raise ValidationError(_("The image is too large (at most %(kb)s KB).", kb=SEAL_MAX_BYTES // 1000))
    try:
        kind = Image.open(io.BytesIO(content)).format
    except (UnidentifiedImageError, OSError):
        kind = None
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(_("Upload a PNG or JPEG image."))
    return f"data:image/{kind.lower()};base64,{base64.b64encode(content).decode('ascii')}"


# --- record-page actions (forms in the panels) --------------------------------

def back(quote_id: int):
    return redirect(url_for("ui.detail", entity_name="quotes", record_id=quote_id))


def act(endpoint_args: dict, action):
    try:
        action()
    except CRMError as exc:
        return failed(exc, "ui.detail", **endpoint_args)
    return done(_("Saved."), "ui.detail", **endpoint_args)


@pages.post("/<int:quote_id>/approval/<step>")
def approval_step(quote_id, step):
    user, reason = current_user_or_none(), request.form.get("reason")
    steps = {"submit": lambda: approval.submit(quote_id, user),
             "approve": lambda: approval.decide(quote_id, user, True, reason),
             "reject": lambda: approval.decide(quote_id, user, False, reason),
             "withdraw": lambda: approval.withdraw(quote_id, user, reason)}
    if step not in steps:
        return back(quote_id)
    return act({"entity_name": "quotes", "record_id": quote_id}, steps[step])


@pages.post("/<int:quote_id>/lines")
def add_line(quote_id):
    """The quote panel's add-line form (the generic form works too)."""
    form = request.form
    data = {k: form.get(k) for k in ("kind", "product_id", "name", "specification", "quantity", "unit_price",
                                     "vat_rate") if form.get(k, "").strip()}
    data["quote_id"] = quote_id
    return act({"entity_name": "quotes", "record_id": quote_id},
               lambda: records.create(entity("quote_lines"), data, current_user_or_none()))


@pages.post("/<int:quote_id>/send")
def send(quote_id):
    to = [a.strip() for a in request.form.get("to", "").split(",") if a.strip()]
    return act({"entity_name": "quotes", "record_id": quote_id},
               lambda: sending.queue(quote_id, {"to": to, "message": request.form.get("message") or None},
                                     current_user_or_none()))


@pages.post("/<int:quote_id>/order")
def make_order(quote_id):
    user = current_user_or_none()
    try:
        order = orders.create_from_quote(quote_id, user)
    except CRMError as exc:
        return failed(exc, "ui.detail", entity_name="quotes", record_id=quote_id)
    return done(_("Sales order %(number)s created.", number=order["number"]), "ui.detail",
                entity_name="sales_orders", record_id=order["id"])


@pages.post("/from-opportunity/<int:opportunity_id>")
def from_opportunity(opportunity_id):
    try:
        quote = services.create_from_opportunity(opportunity_id, current_user_or_none())
    except CRMError as exc:
        return failed(exc, "ui.detail", entity_name="opportunities", record_id=opportunity_id)
    return done(_("Quote %(number)s created.", number=quote["number"]), "ui.detail", entity_name="quotes",
                record_id=quote["id"])


@pages.post("/orders/<int:order_id>/<step>")
def order_step(order_id, step):
    user = current_user_or_none()
    steps = {"confirm": lambda: orders.confirm(order_id, user, request.form.get("override_reason") or None),
             "cancel": lambda: orders.cancel(order_id, user)}
    args = {"entity_name": "sales_orders", "record_id": order_id}
    if step not in steps:
        return redirect(url_for("ui.detail", **args))
    return act(args, steps[step])


# --- template globals for the panels and the workbench --------------------------

def workbench_context(user) -> dict:
    """The workbench widget's context: the quotes awaiting this user's decision, and their customers."""
    quotes = approval.pending_approvals(user)
    return {"quotes": quotes, "accounts": reference_labels("accounts", [q["account_id"] for q in quotes], user)}


@pages.app_template_filter("quote_amount")
def quote_amount(value) -> str:
    """An amount as on a paper quote: grouped digits, the currency's decimals, no symbol."""
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(value), format="#,##0" if places() == 0 else "#,##0.00")


@pages.app_template_global("quote_panel")
def quote_panel(quote: dict) -> dict:
    """What the quote's record panel shows: lines with subtotals, the actions the user may take, the email log."""
    user = current_user_or_none()
    t = entity("sales_orders").table
    order = session().execute(visible_select(entity("sales_orders"), user, t.c.id, t.c.number)
                              .where(t.c.quote_id == quote["id"])).first()
    return {"lines": with_subtotals(live_lines("quote_lines", quote["id"])),
            "can_edit": can(user, entity("quotes"), "edit", quote),
            "can_approve": quote["approval_status"] == "pending" and approval.can_approve(user, quote),
            "can_withdraw": quote["approval_status"] == "approved" and approval.can_approve(user, quote)
            or (quote["approval_status"] == "pending" and user is not None and user.id == quote["owner_id"]),
            "order": order, "emails": sending.log(quote["id"])[:10], "products": offered_products()}


def offered_products(limit: int = 500) -> list:
    t = entity("products").table
    return session().execute(sa.select(t.c.id, t.c.name, t.c.model).where(t.c.deleted_at.is_(None),
                                                                          t.c.discontinued.is_(False))
                             .order_by(t.c.name).limit(limit)).all()


@pages.app_template_global("order_panel")
def order_panel(order: dict) -> dict:
    user = current_user_or_none()
    account = records.fetch(entity("accounts"), order["account_id"])
    return {"lines": live_lines("sales_order_lines", order["id"]),
            "can_edit": can(user, entity("sales_orders"), "edit", order),
            "credit_limit": account["credit_limit"] if account else None,
            "exposure": orders.exposure(order["account_id"], excluding=order["id"]),
            "can_override": orders.has_override_right(user)}

"""Pages: the receipt board (고객관리 하단), statistics (고객접수현황), CTI settings (API사용자등록), the stream."""
from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for

from core.db import session
from core.entities import records
from core.entities.query import search_condition, visible_select
from core.errors import CRMError
from core.plugin_api import picklist_labels, translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import User
from core.security.permissions import can, require_admin, require_right
from core.ui.lists import export_url
from plugins.cti_lg import lines, receipts, stats, stream
from plugins.cti_lg.entities import DONE, ON_HOLD, service_receipts
from plugins.cti_lg.models import Line

_, _l = translator("cti_lg")

pages = Blueprint("cti_lg", __name__, url_prefix="/cti_lg", template_folder="templates", static_folder="static")
ROW_CHOICES = (50, 100, 200, 500)
BOARD_COLUMNS = ["number", "received_at", "category", "account_id", "phone", "receiver_id", "handler_id", "major",
                 "minor", "content", "answer", "status"]


def user_names(ids: set) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session().execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


@pages.get("/stream")
def popup_stream():
    """Server-Sent Events with this agent's popups (see :mod:`plugins.cti_lg.stream`)."""
    return stream.stream_view()


@pages.get("/receipts")
def board():
    """NewZen's 고객관리 하단: the receipts, newest first, with filters, 20-second refresh and Excel download."""
    user = current_user_or_none()
    require_right(user, service_receipts, "view")
    t = service_receipts.table
    args = request.args
    rows_wanted = int(args["rows"]) if args.get("rows", "").isdigit() and int(args["rows"]) in ROW_CHOICES else 50
    stmt = visible_select(service_receipts, user)
    filters = {}
    for name in ("category", "status"):
        value = args.get(name, "")
        if value and value in picklist_labels(f"receipt_{name}"):
            stmt = stmt.where(t.c[name] == value)
            filters[name] = value
    q = args.get("q", "").strip()[:100]
    if q:
        stmt = stmt.where(search_condition(service_receipts, q))
    counted = visible_select(service_receipts, user, t.c.status)
    if "category" in filters:
        counted = counted.where(t.c.category == filters["category"])
    if q:
        counted = counted.where(search_condition(service_receipts, q))
    sub = counted.subquery()
    status_counts = dict(session().execute(sa.select(sub.c.status, sa.func.count()).group_by(sub.c.status)).all())
    total = session().scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session().execute(stmt.order_by(t.c.received_at.desc(), t.c.id.desc()).limit(rows_wanted)).mappings().all()
    accounts = runtime().registry.entities["accounts"]
    a = accounts.table
    account_ids = {r["account_id"] for r in rows if r["account_id"]}
    account_names = dict(session().execute(visible_select(accounts, user, a.c.id, a.c.name)
                                           .where(a.c.id.in_(account_ids))).all()) if account_ids else {}
    names = user_names({r["receiver_id"] for r in rows} | {r["handler_id"] for r in rows})
    export = export_url(service_receipts)
    query = urlencode({**filters, **({"q": q} if q else {}), "fields": ",".join(BOARD_COLUMNS)})
    export_base = f"{export}?{query}" if export and can(user, service_receipts, "export") else None
    return render_template("cti_lg/board.html", rows=rows, total=total, filters=filters, q=q,
                           rows_wanted=rows_wanted, row_choices=ROW_CHOICES, account_names=account_names,
                           names=names, status_counts=status_counts, categories=picklist_labels("receipt_category"), statuses=picklist_labels("receipt_status"),
                           majors=picklist_labels("receipt_major"), minors=picklist_labels("receipt_minor"), export_base=export_base,
                           can_edit=can(user, service_receipts, "edit"),
                           can_create=can(user, service_receipts, "create"),
                           orders=receipts.orders_enabled(), DONE=DONE, ON_HOLD=ON_HOLD)


@pages.post("/receipts/<int:receipt_id>/status")
def set_status(receipt_id):
    """접수처리 / 접수보류: mark a receipt done or on hold from the board."""
    user = current_user_or_none()
    status = request.form.get("status", "")
    back = url_for("cti_lg.board", **{k: v for k, v in request.args.items() if k in ("category", "status", "q", "rows")})
    if status not in (DONE, ON_HOLD):
        flash(_("Choose done or on hold."), "error")
        return redirect(back)
    try:
        records.update(service_receipts, receipt_id, {"status": status}, user)
        session().commit()
    except CRMError as exc:
        session().rollback()
        flash(str(exc), "error")
        return redirect(back)
    flash(_("Receipt marked done.") if status == DONE else _("Receipt put on hold."), "success")
    return redirect(back)


@pages.post("/receipts/<int:receipt_id>/order")
def order(receipt_id):
    """주문등록: a draft sales order for the receipt's customer, opened for editing."""
    user = current_user_or_none()
    try:
        record = receipts.create_order(receipt_id, user)
        session().commit()
    except CRMError as exc:
        session().rollback()
        flash(str(exc), "error")
        return redirect(url_for("ui.detail", entity_name="service_receipts", record_id=receipt_id))
    flash(_("Sales order %(number)s created from the receipt.", number=record.get("number") or record["id"]), "success")
    return redirect(url_for("ui.detail", entity_name="sales_orders", record_id=record["id"]))


@pages.get("/stats")
def statistics():
    """NewZen's 고객접수현황: per agent, per customer, and customers without a receipt in the period."""
    user = current_user_or_none()
    require_right(user, service_receipts, "view")
    since, until = stats.period(request.args)
    agents = stats.per_agent(user, since, until)
    return render_template("cti_lg/stats.html", since=since, until=until, agents=agents,
                           customers=stats.per_customer(user, since, until),
                           silent=stats.without_receipt(user, since, until),
                           total_received=sum(a["received"] for a in agents),
                           total_handled=sum(a["handled"] for a in agents))


@pages.get("/settings")
def settings():
    """API사용자등록: Centrex lines, extensions, the ring callback (the page drives ``/api/v1/cti_lg/lines``)."""
    user = current_user_or_none()
    require_admin(user)
    users = session().execute(sa.select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)).all()
    has_lines = session().scalar(sa.select(sa.func.count(Line.id))) > 0
    return render_template("cti_lg/settings.html", users=users, has_lines=has_lines,
                           server_host=request.host.rsplit(":", 1)[0], server_port=request.host.rsplit(":", 1)[-1]
                           if ":" in request.host else ("443" if request.scheme == "https" else "80"))


@pages.get("/popup-texts")
def popup_texts():
    """The popup's words in the user's language (204 for a user with no extension: no popups for them)."""
    user = current_user_or_none()
    if user is None or lines.extension_of(user.id) is None:
        return Response(status=204)
    return jsonify({
        "incoming": _("Incoming call"), "close": _("Close"), "unknown": _("Unknown number: link it to a customer, "
                                                                          "or create one."),
        "search_customer": _("Search an account"), "customer": _("Account"), "link": _("Link this number"),
        "linked": _("Linked: the next call from this number finds the customer."), "new_customer": _("New customer"),
        "open_receipts": _("Open receipts"), "activities": _("Recent activities"), "new_receipt": _("New receipt"),
        "category": _("Receipt category"), "status": _("Status"), "content": _("Content (what the customer asked)"),
        "answer": _("Answer"), "save": _("Save receipt"), "saved": _("Receipt saved:"),
        "error": _("Something went wrong."),
        "categories": list(picklist_labels("receipt_category").items()), "statuses": list(picklist_labels("receipt_status").items())})

"""``/api/v1/cti_lg``: popups (polling fallback), receipts and links from a call, click-to-call, statistics, lines.

An agent reaches only the calls that rang for them (anyone else's call is
"not found"); the customers in a popup are those the agent may see.  Lines,
extensions and the ring callback are the administrators'.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from core.api.contract import operation
from core.api.paging import int_param
from core.db import session
from core.entities.records import load_body
from core.errors import ValidationError
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.models import User
from core.security.permissions import require_admin, require_right
from plugins.cti_lg import calls, centrex, demo, dialing, lines, receipts, reconcile, schemas, stats
from plugins.cti_lg.entities import service_receipts
from plugins.cti_lg.models import Extension, Line

_, _l = translator("cti_lg")

api = Blueprint("cti_lg_api", __name__, url_prefix="/api/v1/cti_lg")


def body():
    return request.get_json(silent=True)


def signed_in():
    user = current_user_or_none()
    if user is None:
        require_right(user, service_receipts, "view")  # answers 401
    return user


# --- popups -------------------------------------------------------------------------

@api.get("/events")
@operation(query=schemas.EventArgs, response=schemas.Events)
def events():
    """Popups after ``after`` for the signed-in agent (the fallback when Server-Sent Events do not get through)."""
    user = signed_in()
    after = int_param(request.args, "after", default=-1, minimum=0)
    if after < 0:
        return jsonify({"items": [], "last_id": calls.last_event_id(user.id)})
    items = [p for p in (calls.event_payload(e, user) for e in calls.events_after(user.id, after)) if p]
    last = max([after] + [p["event_id"] for p in items])
    return jsonify({"items": items, "last_id": last})


@api.get("/calls/<int:call_id>/popup")
@operation(response=schemas.Popup)
def popup(call_id):
    """The popup of a call that rang for the signed-in agent."""
    user = signed_in()
    return jsonify(calls.popup(receipts.own_call(call_id, user), user))


@api.post("/calls/<int:call_id>/receipt")
@operation(body={"type": "object"}, response={"type": "object"}, status=201)
def receipt_from_call(call_id):
    """A service receipt for the call (the fields of ``service_receipts``)."""
    user = signed_in()
    data = body()
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object with Content-Type: application/json."))
    record = receipts.create_from_call(call_id, data, user)
    session().commit()
    return jsonify(record), 201


@api.post("/calls/<int:call_id>/link")
@operation(body=schemas.LinkInput, response={"type": "object"})
def link(call_id):
    """Tie the caller's number to an account or contact: later calls from it find that customer."""
    user = signed_in()
    number = receipts.link_number(call_id, load_body(schemas.LinkInput(), body()), user)
    session().commit()
    return jsonify({"phone": number.phone_norm, "account_id": number.account_id, "contact_id": number.contact_id})


# --- click-to-call ------------------------------------------------------------------

@api.post("/dial")
@operation(body=schemas.DialInput, response=schemas.Dialled, status=201)
def dial():
    """Ring the agent's phone and connect it to ``phone`` (never retried by itself)."""
    user = signed_in()
    call = dialing.dial(load_body(schemas.DialInput(), body())["phone"], user)
    if call.error:
        return jsonify({"call_id": call.id, "status": call.status,
                        "message": centrex.describe_stored(call.error)}), 502
    return jsonify({"call_id": call.id, "status": call.status,
                    "message": _("Pick up your phone: Centrex is calling you first.")}), 201


# --- statistics ---------------------------------------------------------------------

@api.get("/stats")
@operation(query=schemas.StatsArgs, response={"type": "object"})
def statistics():
    """Receipts per agent (received and handled), per customer, and customers without a receipt in the period."""
    user = signed_in()
    require_right(user, service_receipts, "view")
    since, until = stats.period(request.args)
    return jsonify({"since": since.isoformat(), "until": until.isoformat(),
                    "agents": stats.per_agent(user, since, until), "customers": stats.per_customer(user, since, until),
                    "silent": stats.without_receipt(user, since, until)})


@api.post("/receipts/<int:receipt_id>/order")
@operation(response={"type": "object"}, status=201)
def order_from_receipt(receipt_id):
    """A draft sales order for the receipt's customer (when quotes and orders are switched on)."""
    record = receipts.create_order(receipt_id, signed_in())
    session().commit()
    return jsonify(record), 201


# --- lines (administrators) ---------------------------------------------------------

def admin():
    user = current_user_or_none()
    require_admin(user)
    return user


def line_json(line: Line) -> dict:
    rows = session().execute(sa.select(Extension.inner_num, Extension.user_id, User.name)
                             .join(User, User.id == Extension.user_id)
                             .where(Extension.line_id == line.id).order_by(Extension.inner_num)).all()
    return {"id": line.id, "number": line.number, "label": line.label, "base_url": line.base_url,
            "active": line.active, "password_set": bool(line.password_hash),
            "callback_registered": line.callback_key_hash is not None, "callback_url": line.callback_url,
            "last_error": centrex.describe_stored(line.last_error), "demo": demo.is_fake(line), "checked_at": line.checked_at.isoformat() if line.checked_at else None,
            "extensions": [{"inner_num": r.inner_num, "user_id": r.user_id, "user_name": r.name} for r in rows]}


@api.get("/lines")
@operation(response={"type": "array", "items": {"type": "object"}})
def list_lines():
    """The Centrex lines with their extensions (passwords are never shown)."""
    admin()
    return jsonify([line_json(line) for line in session().scalars(sa.select(Line).order_by(Line.id))])


@api.post("/lines")
@operation(body=schemas.LineInput, response=schemas.Line, status=201)
def create_line():
    """Register a Centrex line: the 070 number and the web site's password (stored as its sealed SHA-512)."""
    admin()
    line = lines.save(load_body(schemas.LineInput(), body()))
    reconcile.ensure_scheduled()
    session().commit()
    return jsonify(line_json(line)), 201


@api.put("/lines/<int:line_id>")
@operation(body=schemas.LineInput, response=schemas.Line)
def update_line(line_id):
    """Change a line (an empty password keeps the saved one)."""
    admin()
    line = lines.save(load_body(schemas.LineInput(), body()), line_id)
    if line.active:
        reconcile.ensure_scheduled()
    session().commit()
    return jsonify(line_json(line))


@api.post("/lines/<int:line_id>/test")
@operation(response={"type": "object"})
def test_line(line_id):
    """Ask Centrex who we are (``userinfo``); a refusal is a 502 with the reason in words."""
    admin()
    try:
        info = lines.test_connection(line_id)
    except centrex.CentrexError as exc:
        return jsonify({"ok": False, "message": str(exc), "code": exc.code}), 502
    return jsonify({"ok": True, "message": _("Centrex accepted the number and password."), "info": info})


@api.post("/lines/<int:line_id>/callback")
@operation(body=schemas.CallbackInput, response={"type": "object"})
def register_callback(line_id):
    """Ask Centrex to call this server on every ring (the URL with its secret is shown only now)."""
    admin()
    data = load_body(schemas.CallbackInput(), body())
    try:
        url = lines.register_callback(line_id, data["host"], data["port"])
    except centrex.CentrexError as exc:
        return jsonify({"ok": False, "message": str(exc), "code": exc.code}), 502
    return jsonify({"ok": True, "url": url})


@api.delete("/lines/<int:line_id>/callback")
@operation(response={"type": "object"})
def unregister_callback(line_id):
    """Stop Centrex calling this server on rings."""
    admin()
    try:
        lines.unregister_callback(line_id)
    except centrex.CentrexError as exc:
        return jsonify({"ok": False, "message": str(exc), "code": exc.code}), 502
    return jsonify({"ok": True})


@api.put("/lines/<int:line_id>/extensions/<inner_num>")
@operation(body=schemas.ExtensionInput, response=schemas.Line)
def set_extension(line_id, inner_num):
    """Map an extension to the user whose browser gets its popups (``user_id: null`` removes it)."""
    admin()
    user_id = load_body(schemas.ExtensionInput(), body())["user_id"]
    if user_id is not None and session().get(User, user_id) is None:
        raise ValidationError(_("Choose an existing user."), fields={"user_id": _("Choose an existing user.")})
    lines.set_extension(line_id, inner_num, user_id)
    session().commit()
    return jsonify(line_json(lines.get(line_id)))


@api.post("/lines/<int:line_id>/ring")
@operation(response={"type": "object"})
def demo_ring(line_id):
    """Demo only: make the fake Centrex of a loopback line ring the signed-in administrator's extension."""
    user = admin()
    line = lines.get(line_id)
    extension = lines.extension_of(user.id)
    if not demo.is_fake(line) or extension is None or extension.line_id != line.id:
        raise ValidationError(_("\"Ring me\" works only with the demo's fake Centrex and your own extension on it."))
    sender = demo.a_customer_number(user) or "0212345678"
    session().commit()
    try:
        demo.ring_fake(line, sender, extension.inner_num)
    except OSError as exc:
        return jsonify({"ok": False, "message": _("The fake Centrex is not running (%(reason)s).",
                                                  reason=str(exc)[:200])}), 502
    return jsonify({"ok": True, "message": _("Ringing from %(number)s…", number=sender)})

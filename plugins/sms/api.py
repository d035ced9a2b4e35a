"""``/api/v1/sms``: compose and queue sends, the counter, the log, senders, opt-outs, consent, settings.

There is no route that deletes or changes a log row: the log is append-only.
Senders are deactivated, never deleted (old log rows keep naming them).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from core.entities import records  # before core.api: importing core.api.paging first trips a cycle in core
from core.api.paging import int_arg, page_args, page_json, raise_if
from core.db import session
from core.entities.records import load_body
from core.errors import BadRequest, NotFound
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.permissions import require_admin, require_right
from plugins.customers.entities import contacts
from plugins.sms import config, history, schemas, services
from plugins.sms.models import LOG_STATUSES, LogEntry, Message, OptOut, Profile, Sender

_, _l = translator("sms")

api = Blueprint("sms_api", __name__, url_prefix="/api/v1/sms")


def sender_user():
    """Sending needs the right to view contacts (nobody texts people they may not see)."""
    user = current_user_or_none()
    require_right(user, contacts, "view")
    return user


def body():
    return request.get_json(silent=True)


# --- composing ----------------------------------------------------------------------

@api.post("/preview")
def preview():
    user = sender_user()
    return jsonify(services.preview(load_body(schemas.PreviewSchema(), body()), user))


@api.post("/messages")
def compose():
    user = sender_user()
    message = services.compose(load_body(schemas.ComposeSchema(), body()), user)
    session().commit()
    return jsonify(services.message_json(message, history.status_counts(session(), message.id))), 201


@api.get("/messages")
def list_messages():
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    raise_if(errors)
    stmt = history.visible_messages(current_user_or_none())
    total = session().scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session().scalars(stmt.order_by(Message.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([services.message_json(m) for m in rows], page, per_page, total))


@api.get("/messages/<int:message_id>")
def show_message(message_id):
    message = session().scalar(history.visible_messages(current_user_or_none()).where(Message.id == message_id))
    if message is None:
        raise NotFound(_("No such message."))
    return jsonify(services.message_json(message, history.status_counts(session(), message.id)))


# --- the log ------------------------------------------------------------------------

@api.get("/log")
def log():
    """Log rows the caller may read, newest first; ``contact_id``, ``account_id``, ``message_id``, ``status``."""
    user = current_user_or_none()
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    filters = {name: int_arg(request.args, name, errors) for name in ("contact_id", "account_id", "message_id")}
    status = request.args.get("status")
    if status and status not in LOG_STATUSES:
        errors["status"] = _("Choose one of: %(choices)s.", choices=", ".join(LOG_STATUSES))
    raise_if(errors)
    stmt = history.visible_log(user)
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(LogEntry, name) == value)
    if status:
        stmt = stmt.where(LogEntry.status == status)
    total = session().scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session().scalars(stmt.order_by(LogEntry.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([history.entry_json(r) for r in rows], page, per_page, total))


# --- senders and the user's profile -------------------------------------------------------

def sender_json(sender: Sender) -> dict:
    return {"id": sender.id, "number": sender.number, "label": sender.label, "active": sender.active}


@api.get("/senders")
def list_senders():
    sender_user()
    rows = session().scalars(sa.select(Sender).order_by(Sender.active.desc(), Sender.id))
    return jsonify({"data": [sender_json(s) for s in rows]})


@api.post("/senders")
def add_sender():
    user = current_user_or_none()
    require_admin(user)
    sender = services.register_sender(load_body(schemas.SenderSchema(), body()), user)
    session().commit()
    return jsonify(sender_json(sender)), 201


@api.patch("/senders/<int:sender_id>")
def change_sender(sender_id):
    require_admin(current_user_or_none())
    data = load_body(schemas.SenderSchema(), body(), partial=True)
    sender = session().get(Sender, sender_id)
    if sender is None:
        raise NotFound(_("No such sender number."))
    if "number" in data:
        raise BadRequest(_("A registered number cannot be changed; register the new one."), {"number": _("Read-only.")})
    for name in ("label", "active"):
        if name in data:
            setattr(sender, name, data[name])
    session().commit()
    return jsonify(sender_json(sender))


def profile_json(user) -> dict:
    profile = session().get(Profile, user.id)
    return {"mobile": profile.mobile if profile else None, "signature": profile.signature if profile else ""}


@api.get("/profile")
def show_profile():
    return jsonify(profile_json(sender_user()))


@api.put("/profile")
def change_profile():
    user = sender_user()
    services.save_profile(user, load_body(schemas.ProfileSchema(), body(), partial=True))
    session().commit()
    return jsonify(profile_json(user))


# --- consent and opt-outs -------------------------------------------------------------------

@api.get("/consents/<int:contact_id>")
def show_consent(contact_id):
    user = current_user_or_none()
    records.get(contacts, contact_id, user)
    return jsonify(services.consent_json(contact_id))


@api.put("/consents/<int:contact_id>")
def change_consent(contact_id):
    user = current_user_or_none()
    record = records.get(contacts, contact_id, user)
    require_right(user, contacts, "edit", record)
    result = services.save_consent(contact_id, load_body(schemas.ConsentSchema(), body()), user)
    session().commit()
    return jsonify(result)


@api.get("/optouts")
def list_optouts():
    require_admin(current_user_or_none())
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    raise_if(errors)
    total = session().scalar(sa.select(sa.func.count(OptOut.id)))
    rows = session().scalars(sa.select(OptOut).order_by(OptOut.id.desc()).limit(per_page)
                             .offset((page - 1) * per_page))
    return jsonify(page_json([{"id": o.id, "phone": o.phone, "source": o.source, "note": o.note,
                               "created_at": o.created_at.isoformat()} for o in rows], page, per_page, total))


@api.post("/optouts")
def add_optouts():
    """Record refusals: 080 replies typed in, or a whole list imported (``source``: manual, import, 080)."""
    user = current_user_or_none()
    require_admin(user)
    data = load_body(schemas.OptOutSchema(), body())
    result = services.add_optouts(data["numbers"], data["source"], data["note"], user)
    session().commit()
    return jsonify(result), 201


# --- settings --------------------------------------------------------------------------

@api.get("/settings")
def show_settings():
    require_admin(current_user_or_none())
    return jsonify({"settings": config.public(config.current()), "providers": config.catalogue()})


@api.route("/settings", methods=["PUT", "PATCH"])
def change_settings():
    user = current_user_or_none()
    require_admin(user)
    stored = config.save(load_body(schemas.SettingsSchema(), body(), partial=True), user)
    session().commit()
    return jsonify({"settings": config.public(stored), "providers": config.catalogue()})


"""Pages: the composer, the send log, the record-page panel and the public opt-out link."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from core import clock
from core.db import session
from core.entities import picklists
from core.i18n import pick_label
from core.security.auth import current_user_or_none, public_endpoint
from core.security.permissions import require_right
from core.ui.lists import saved_filters
from plugins.customers.entities import contacts
from plugins.sms import config, history, services
from plugins.sms.length import KR_LMS_BYTES, KR_SMS_BYTES, KR_SUBJECT_BYTES
from plugins.sms.models import LogEntry, OptOut, Sender
from plugins.sms.recipients import display

pages = Blueprint("sms", __name__, url_prefix="/sms", template_folder="templates", static_folder="static")
PANEL_ROWS = 20


@pages.get("/compose")
def compose():
    """The composer; it sends through ``POST /api/v1/sms/messages`` (static/composer.js)."""
    user = current_user_or_none()
    require_right(user, contacts, "view")
    senders = session().scalars(sa.select(Sender).where(Sender.active).order_by(Sender.id)).all()
    prefill = {name: [int(i) for i in request.args.getlist(name) if i.isdigit()]
               for name in ("contact_id", "account_id")}
    groups = [{"value": r.value, "label": pick_label(r.labels, r.value)}
              for r in picklists.values("contact_groups", include_inactive=False)]
    return render_template("sms/compose.html", senders=senders, filters=saved_filters(user, contacts), settings=config.current(), groups=groups,
                           signature=services.own_signature(user), prefill=prefill,
                           limits={"sms": KR_SMS_BYTES, "lms": KR_LMS_BYTES, "subject": KR_SUBJECT_BYTES})


@pages.get("/log")
def log_page():
    user = current_user_or_none()
    require_right(user, contacts, "view")
    rows = session().scalars(history.visible_log(user).order_by(LogEntry.id.desc()).limit(200)).all()
    return render_template("sms/log.html", rows=rows)


@pages.app_template_filter("sms_phone")
def sms_phone(phone: str) -> str:
    return display(phone)


@pages.app_template_global("sms_history")
def sms_history(entity_name: str, record_id: int) -> list:
    """The panel's rows: the log of this contact or account that the viewer may read (the record is visible)."""
    column = LogEntry.contact_id if entity_name == "contacts" else LogEntry.account_id
    stmt = history.visible_log(current_user_or_none()).where(column == record_id)
    return session().scalars(stmt.order_by(LogEntry.id.desc()).limit(PANEL_ROWS)).all()


@pages.app_template_global("sms_consent")
def sms_consent(contact_id: int) -> dict:
    return services.consent_json(contact_id)


@pages.route("/optout/<token>", methods=["GET", "POST"])
@public_endpoint
def optout(token):
    """The link in an advertising LMS: shows the number (masked) and records the refusal on POST."""
    phone = services.phone_from_token(token)
    done = False
    if request.method == "POST":
        if session().scalar(sa.select(OptOut.id).where(OptOut.phone == phone)) is None:
            session().add(OptOut(phone=phone, source="link", note="", created_at=clock.now()))
            session().commit()
        done = True
    masked = phone[:-4] + "****"
    return render_template("sms/optout.html", masked=masked, done=done, token=token)

"""Administrators' mail settings and test email: ``/api/v1/mail/...``.

The SMTP password is write-only (and sealed at rest): responses say only whether one is set.
"""
from __future__ import annotations

from flask import jsonify

from core import mail
from core.api import schemas
from core.api.blueprint import api
from core.api.admin import admin
from core.api.contract import operation
from core.api.records import body
from core.db import session


@api.get("/mail/settings")
@operation("SMTP settings (the password only as password_set)", response=schemas.JSON_OBJECT)
def get_mail_settings():
    admin()
    return jsonify(mail.public_settings(mail.smtp_settings()))


@api.route("/mail/settings", methods=["PUT", "PATCH"])
@operation(body=schemas.JSON_OBJECT, response=schemas.JSON_OBJECT)
def update_mail_settings():
    """Change some SMTP settings; an omitted or empty ``password`` keeps the stored one, ``null`` clears it."""
    user = admin()
    settings = mail.save_settings(body(), user)
    session().commit()
    return jsonify(mail.public_settings(settings))


@api.post("/mail/test")
@operation(body=schemas.MailTestInput, response=schemas.JSON_OBJECT)
def send_test_mail():
    """Send a test email now (not queued) so the administrator sees the SMTP server's answer at once."""
    user = admin()
    data = body()
    to = (data.get("to") if isinstance(data, dict) else None) or [user.email]
    if isinstance(to, str):
        to = [to]
    recipients = mail.check_recipients(to)
    where = mail.send_test_email(recipients)
    return jsonify({"sent": True, "to": recipients, "delivery": "smtp" if where.startswith("smtp://") else "outbox"})

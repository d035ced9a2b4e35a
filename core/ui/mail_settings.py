"""Administration page for the SMTP settings and the test email (the same service as ``/api/v1/mail``).

The password field is never filled in: the page says whether one is set, an
empty field keeps it, and "Remove the saved password" clears it.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from core import mail
from core.errors import CRMError
from core.security.auth import current_user_or_none
from core.ui.blueprint import ui
from core.ui.admin import done, failed

TEXT_FIELDS = ("host", "username", "from_address", "ca_file")


def form_change(form) -> dict:
    """The form as the change :func:`core.mail.save_settings` expects (numbers as ints, blank as unset)."""
    change = {name: form.get(name, "") for name in TEXT_FIELDS}
    change["security"] = form.get("security", "none")
    for name in ("port", "timeout"):
        raw = form.get(name, "").strip()
        change[name] = int(raw) if raw.isdigit() else raw or None  # a non-number is refused by the validation
    if form.get("clear_password"):
        change["password"] = None
    elif form.get("password"):
        change["password"] = form["password"]
    return change


@ui.get("/admin/mail")
def admin_mail():
    return render_template("admin/mail.html", settings=mail.public_settings(mail.smtp_settings()),
                           modes=mail.SECURITY_MODES)


@ui.post("/admin/mail")
def admin_save_mail():
    try:
        mail.save_settings(form_change(request.form), current_user_or_none())
    except CRMError as exc:
        return failed(exc, "ui.admin_mail")
    return done(_("Saved."), "ui.admin_mail")


@ui.post("/admin/mail/test")
def admin_test_mail():
    to = request.form.get("to", "").strip() or current_user_or_none().email
    try:
        mail.send_test_email([to])
    except CRMError as exc:
        return failed(exc, "ui.admin_mail")
    return done(_("Test email sent to %(to)s.", to=to), "ui.admin_mail")

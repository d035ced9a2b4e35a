"""Login, logout, the workbench (home), language choice and password change."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, refresh
from flask_login import login_user, logout_user

from core.db import session
from core.errors import CRMError, ValidationError
from core.i18n import LANGUAGES
from core.security import sessions
from core.security.auth import current_user_or_none
from core.security.login import authenticate as check_login
from core.security.passwords import password_problem
from core.security.redirects import local_target
from core.ui.blueprint import ui
from core.ui.widgets import workbench_widgets


@ui.get("/")
def home():
    user = current_user_or_none()
    return render_template("ui/home.html", widgets=workbench_widgets(user))


def authenticate(email: str, password: str):
    """The active user with this email and password, else None (the security service logs and rate-limits)."""
    return check_login(email, password)


@ui.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        try:
            user = authenticate(email, request.form.get("password") or "")
        except CRMError as exc:  # e.g. too many attempts: the security service's own message
            session().rollback()
            return render_template("login.html", error=exc.message, email=email), exc.status
        if user is not None:
            login_user(user)
            sessions.start(user)
            session().commit()
            return redirect(local_target(request.args.get("next"), url_for("ui.home")))
        session().commit()
        error, status = _("Wrong email or password."), 401
        return render_template("login.html", error=error, email=email), status
    return render_template("login.html", error=error, email=""), status


@ui.post("/logout")
def logout():
    sessions.end_current()
    session().commit()
    logout_user()
    return redirect(url_for("ui.login"))


@ui.post("/logout/everywhere")
def logout_everywhere():
    """End every browser session of this user (other devices, a cookie someone copied), this one too."""
    sessions.end_all(current_user_or_none())
    session().commit()
    logout_user()
    flash(_("You were logged out on every device."), "success")
    return redirect(url_for("ui.login"))


@ui.post("/me/language")
def set_language():
    user = current_user_or_none()
    language = request.form.get("language")
    if language not in LANGUAGES:
        raise ValidationError(_("Choose one of the offered languages."), {"language": _("Not a valid choice.")})
    user.language = language
    session().commit()
    refresh()
    return redirect(local_target(request.form.get("back"), url_for("ui.home")))


@ui.route("/me/password", methods=["GET", "POST"])
def change_password():
    user = current_user_or_none()
    errors: dict[str, str] = {}
    if request.method == "POST":
        current = request.form.get("current_password") or ""
        new = request.form.get("new_password") or ""
        if not user.check_password(current):
            errors["current_password"] = _("The current password is wrong.")
        problem = password_problem(new, user.email)
        if problem:
            errors["new_password"] = problem
        elif new != request.form.get("confirm_password"):
            errors["confirm_password"] = _("The two passwords differ.")
        if not errors:
            user.set_password(new)
            sessions.end_all(user, keep_current=True)
            session().commit()
            flash(_("Your password was changed."), "success")
            return redirect(url_for("ui.home"))
    return render_template("ui/password.html", errors=errors), 422 if errors else 200

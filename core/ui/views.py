"""Login, logout and the home page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from core.db import session, utcnow
from core.ui import ui


@ui.get("/")
@login_required
def home():
    from core.runtime import runtime

    return render_template("home.html", entities=runtime().registry.entities.values())


@ui.route("/login", methods=["GET", "POST"])
def login():
    from core.security.models import User

    error = None
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        user = session().scalar(sa.select(User).where(User.email == email))
        if user is not None and user.active and user.check_password(request.form.get("password") or ""):
            user.last_login_at = utcnow()
            session().commit()
            login_user(user)
            target = request.args.get("next") or ""
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("ui.home"))
        error = _("Wrong email or password.")
    return render_template("login.html", error=error), 401 if error else 200


@ui.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("ui.login"))

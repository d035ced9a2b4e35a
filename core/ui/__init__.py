"""The web UI: shell, login, workbench, generic list/detail/form pages, administration.

Plugin page templates extend ``base.html``; plugins add menu entries, workbench
widgets, record panels and related tabs through hooks (see ``hooks.py``).
"""
from __future__ import annotations

from flask import Blueprint

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")


@ui.record_once
def _setup(state):
    from core.ui import errors, formatting, labels
    from core.ui.shell import shell_context

    formatting.register(state.app)
    labels.register(state.app)
    errors.register(state.app)
    state.app.context_processor(shell_context)


@ui.before_request
def _login_required():
    """Every UI page needs a logged-in user, except the login page and static files."""
    from flask import redirect, request, url_for
    from core.security.auth import current_user_or_none

    if request.endpoint in ("ui.login", "ui.static") or current_user_or_none() is not None:
        return None
    return redirect(url_for("ui.login", next=request.full_path if request.query_string else request.path))


from core.ui import admin, imports, lists, mail_settings, record_pages, recycle, search, views  # noqa: E402,F401  (routes)

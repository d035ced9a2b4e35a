"""The UI blueprint the page modules attach to: its set-up and the login every page needs."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from core.security.auth import current_user_or_none
from core.ui import errors, formatting, labels
from core.ui.shell import shell_context

ui = Blueprint("ui", "core.ui", template_folder="templates", static_folder="static",
               static_url_path="/static/core")


@ui.record_once
def _setup(state):
    formatting.register(state.app)
    labels.register(state.app)
    errors.register(state.app)
    state.app.context_processor(shell_context)


@ui.before_request
def _login_required():
    """Every UI page needs a logged-in user, except the login page and static files."""
    if request.endpoint in ("ui.login", "ui.static") or current_user_or_none() is not None:
        return None
    return redirect(url_for("ui.login", next=request.full_path if request.query_string else request.path))

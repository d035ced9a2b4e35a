"""The web UI: shell, login, generic pages."""
from __future__ import annotations

from flask import Blueprint

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")

from core.ui import views  # noqa: E402,F401

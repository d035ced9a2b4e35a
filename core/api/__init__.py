"""The JSON API under ``/api/v1``: generic entity endpoints, metadata, OpenAPI."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from core.errors import CRMError, Unauthorized
from core.security.auth import current_user_or_none

api = Blueprint("api", __name__, url_prefix="/api/v1")
API_PREFIX = "/api/v1"


def require_api_user():
    """Every ``/api/v1`` call needs a token or a logged-in session, except public plugin views."""
    view = request.endpoint and request.url_rule and _view_function()
    if view is not None and getattr(view, "plugcrm_public", False):
        return None
    if request.endpoint == "api.openapi":
        return None
    if current_user_or_none() is None:
        raise Unauthorized(_("Log in or send an API token (Authorization: Bearer ...)."))
    return None


api.before_request(require_api_user)


def _view_function():
    from flask import current_app

    return current_app.view_functions.get(request.endpoint)


def error_response(exc: CRMError):
    response = jsonify(exc.body())
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="plugcrm"'
    return response


from core.api import meta, records  # noqa: E402,F401  (routes)
from core.api import admin, logs, recycle_bin, tokens  # noqa: E402,F401  (security routes)
from core.api import attachments, jobs, mail, notes, record_extras  # noqa: E402,F401  (jobs, mail, notes, files)
from core.api import importexport  # noqa: E402,F401  (import/export routes)

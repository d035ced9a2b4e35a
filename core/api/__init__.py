"""The JSON API under ``/api/v1``: generic entity endpoints, metadata, OpenAPI."""
from __future__ import annotations

from flask import Blueprint, jsonify

from core.errors import CRMError

# Authentication for every /api/v1 route is core.security.auth.require_api_login (app-wide).
api = Blueprint("api", __name__, url_prefix="/api/v1")


def error_response(exc: CRMError):
    response = jsonify(exc.body())
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="plugcrm"'
    if exc.status == 503:
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


from core.api import meta, records  # noqa: E402,F401  (routes)
from core.api import admin, logs, recycle_bin, tokens  # noqa: E402,F401  (security routes)
from core.api import attachments, jobs, mail, notes, record_extras  # noqa: E402,F401  (jobs, mail, notes, files)
from core.api import importexport  # noqa: E402,F401  (import/export routes)

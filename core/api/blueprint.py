"""The API blueprint (``/api/v1``) the route modules attach to, and the JSON error answer."""
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

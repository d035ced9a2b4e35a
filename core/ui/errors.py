"""Error pages for the browser (the API answers JSON instead), in the user's language."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _

from core.errors import CRMError


def wants_json() -> bool:
    """Does this request want a JSON answer (an API call, or a client that asks for JSON)?"""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_page(exc):
    return render_template("error.html", error=exc), exc.status


def http_error_page(exc):
    """Werkzeug's 403/404/405 as our page (its own text is English only); JSON for API callers."""
    if wants_json():
        response = jsonify({"error": {"code": exc.name.lower().replace(" ", "_"), "message": exc.description}})
        response.status_code = exc.code
        return response
    messages = {403: _("You may not open this page."), 404: _("There is no page at this address."),
                405: _("This address does not accept that kind of request.")}
    error = CRMError(messages.get(exc.code, exc.name))
    error.status = exc.code
    return error_page(error)


def internal_error_page():
    """A 500 for the browser: apologise in the user's language (the details are in the server log)."""
    error = CRMError(_("Something went wrong on the server. The error was logged; try again later."))
    error.status = 500
    try:
        return error_page(error)
    except Exception:  # the page itself failed (e.g. the database is down): plain text, never a loop
        return error.message, 500, {"Content-Type": "text/plain; charset=utf-8"}


def register(app) -> None:
    for code in (403, 404, 405):
        app.register_error_handler(code, http_error_page)

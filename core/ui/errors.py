"""Error pages for the browser (the API answers JSON instead), in the user's language."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from core.errors import CRMError


def error_page(exc):
    return render_template("error.html", error=exc), exc.status


def http_error_page(exc):
    """Werkzeug's 403/404/405 as our page (its own text is English only); JSON for API callers."""
    from core.app import wants_json

    if wants_json():
        from flask import jsonify
        response = jsonify({"error": {"code": exc.name.lower().replace(" ", "_"), "message": exc.description}})
        response.status_code = exc.code
        return response
    messages = {403: _("You may not open this page."), 404: _("There is no page at this address."),
                405: _("This address does not accept that kind of request.")}
    error = CRMError(messages.get(exc.code, exc.name))
    error.status = exc.code
    return error_page(error)


def register(app) -> None:
    for code in (403, 404, 405):
        app.register_error_handler(code, http_error_page)

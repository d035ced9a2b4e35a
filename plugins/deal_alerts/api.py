"""``/api/v1/deal_alerts/config``: read and change the deal-alert settings (administrators)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from core.api import schemas
from core.api.contract import operation
from core.db import session
from core.errors import BadRequest, Forbidden
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from plugins.deal_alerts import services

_, _l = translator("deal_alerts")

bp = Blueprint("deal_alerts_api", __name__, url_prefix="/api/v1/deal_alerts")


def admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may change deal alerts."))
    return user


@bp.get("/config")
@operation("Deal-alert settings", response=schemas.JSON_OBJECT)
def show_config():
    admin()
    return jsonify(services.config_json(services.current()))


@bp.route("/config", methods=["PUT", "PATCH"])
@operation("Change the deal-alert settings", body=schemas.JSON_OBJECT, response=schemas.JSON_OBJECT)
def change_config():
    user = admin()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_("Send a JSON object with Content-Type: application/json."))
    config = services.configure(data, user)
    session().commit()
    return jsonify(services.config_json(config))

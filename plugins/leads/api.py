"""Extra lead API: convert, the source/conversion report, assignment rules and the conversion mapping."""
from __future__ import annotations

from flask import Blueprint, jsonify

from core.api.records import body
from core.db import session
from core.entities import records
from core.entities.records import load_body
from core.security.fields import hidden_fields, strip_hidden
from core.security.auth import current_user_or_none
from core.security.permissions import require_admin, require_right
from plugins.leads import conversion, reports, services
from plugins.leads.entities import leads
from plugins.leads.schemas import AssignmentBody, ConvertBody, MappingBody

api = Blueprint("leads_api", __name__, url_prefix="/api/v1/leads")


@api.post("/<int:lead_id>/convert")
def convert(lead_id):
    """Body :class:`~plugins.leads.schemas.ConvertBody`; 201 with the new records' ids."""
    user = current_user_or_none()
    result = conversion.convert(lead_id, load_body(ConvertBody(), body()), user)
    session().commit()
    lead = strip_hidden(records.to_json(leads, result["lead"]), hidden_fields(leads, user))
    return jsonify({"lead": lead, "account_id": result["account_id"],
                    "contact_id": result["contact_id"], "opportunity_id": result["opportunity_id"]}), 201


@api.get("/reports/sources")
def source_report():
    user = current_user_or_none()
    require_right(user, leads, "view")
    return jsonify(reports.by_source(user))


@api.get("/assignment")
def get_assignment():
    require_admin(current_user_or_none())
    return jsonify(services.assignment_rules())


@api.put("/assignment")
def put_assignment():
    user = current_user_or_none()
    require_admin(user)
    rules = services.save_assignment_rules(load_body(AssignmentBody(), body()), user)
    session().commit()
    return jsonify(rules)


@api.get("/mapping")
def get_mapping():
    require_admin(current_user_or_none())
    return jsonify(conversion.mapping())


@api.put("/mapping")
def put_mapping():
    user = current_user_or_none()
    require_admin(user)
    saved = conversion.save_mapping(load_body(MappingBody(), body()), user)
    session().commit()
    return jsonify(saved)

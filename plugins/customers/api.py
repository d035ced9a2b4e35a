"""Extra API routes under ``/api/v1/customers``: 360°, duplicate check, vCard, assignees."""
from __future__ import annotations

import io

from flask import Blueprint, Response, jsonify, request

from core.api import schemas
from core.api.contract import operation
from core.db import session
from core.entities import records
from core.entities.query import apply_params, order_by, parse_list_args, visible_select
from core.errors import BadRequest, Forbidden
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.fields import hidden_fields
from core.security.permissions import require_right
from plugins.customers import accounts as account_rules, activities as activity_rules, overview, vcf_io
from plugins.customers.schemas import ASSIGNEES, AssigneesInput, CODE_FORMAT, CodeFormatInput, DuplicateArgs

_, _l = translator("customers")

api = Blueprint("customers_api", __name__, url_prefix="/api/v1/customers")


@api.get("/accounts/<int:account_id>/360")
@operation("The customer 360 view: the account and every related record", response=schemas.JSON_OBJECT)
def account_360(account_id):
    from plugins.customers.entities import accounts

    user = current_user_or_none()
    require_right(user, accounts, "view")
    return jsonify(overview.account_360(account_id, user))


@api.get("/accounts/duplicates")
@operation(query=DuplicateArgs, response=schemas.listing(schemas.JSON_OBJECT))
def account_duplicates():
    """What creating an account with this name / business number would warn about (for who may create one)."""
    from plugins.customers.entities import accounts
    from plugins.customers.validators import normalise_business_number

    user = current_user_or_none()
    require_right(user, accounts, "create")
    name = (request.args.get("name") or "").strip()
    number = normalise_business_number(request.args.get("business_number") or "")
    if not name and not number:
        raise BadRequest(_("Give a name or a business registration number."))
    matches = account_rules.duplicate_matches(name, number, user)
    return jsonify({"data": matches,
                    "message": (_("Already registered: %(names)s",
                                  names=", ".join(account_rules.duplicate_label(m) for m in matches))
                                if matches else "")})


@api.get("/customer-code-format")
@operation("The customer code format", response=CODE_FORMAT)
def get_code_format():
    return jsonify({"format": account_rules.code_format(), "default": account_rules.DEFAULT_CODE_FORMAT})


@api.put("/customer-code-format")
@operation(body=CodeFormatInput, response=CODE_FORMAT)
def put_code_format():
    """Administrators choose how new customer codes look, e.g. ``C{YYYY}-{####}`` (dated by registration)."""
    user = current_user_or_none()
    if not user.is_admin:
        raise Forbidden(_("Only administrators change the customer code format."))
    body = request.get_json(silent=True)
    fmt = body.get("format") if isinstance(body, dict) else None
    account_rules.set_code_format(fmt)
    session().commit()
    return jsonify({"format": account_rules.code_format(), "default": account_rules.DEFAULT_CODE_FORMAT})


@api.get("/contacts.vcf")
@operation(query=schemas.ListArgs, binary=True)
def export_vcards():
    """The contacts the list call would return (same filters and search), as one .vcf file."""
    from plugins.customers.entities import contacts

    user = current_user_or_none()
    require_right(user, contacts, "export")
    args = request.args.copy()
    args.pop("page", None)
    args.pop("per_page", None)
    params = parse_list_args(contacts, args, user)
    stmt = order_by(contacts, apply_params(contacts, visible_select(contacts, user), params), params.sort)
    buffer = io.BytesIO()
    vcf_io.write_contacts(stmt, user, buffer, hidden_fields(contacts, user))
    return Response(buffer.getvalue(), mimetype="text/vcard; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=contacts.vcf"})


@api.post("/contacts/vcf")
@operation(upload="file", status=201)
def import_vcards():
    """Create the contacts of an uploaded .vcf (multipart ``file`` or a text/vcard body); all or nothing."""
    from plugins.customers.entities import contacts

    user = current_user_or_none()
    require_right(user, contacts, "import")
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    if not data.strip():
        raise BadRequest(_("Send a .vcf file."))
    created, unlinked = vcf_io.import_contacts(io.BytesIO(data), user)
    session().commit()
    return jsonify({"created": len(created), "ids": [c["id"] for c in created],
                    "accounts_not_found": unlinked}), 201


@api.post("/activities/<int:activity_id>/complete")
@operation(response=schemas.JSON_OBJECT)
def complete_activity(activity_id):
    """Assignees (who may read but not edit someone else's activity) mark it done here."""
    from plugins.customers.entities import activities

    record = activity_rules.complete(activity_id, current_user_or_none())
    session().commit()
    return jsonify(records.to_json(activities, record))


@api.get("/activities/<int:activity_id>/assignees")
@operation("Assignees of an activity", response=ASSIGNEES)
def get_assignees(activity_id):
    from plugins.customers.entities import activities

    user = current_user_or_none()
    require_right(user, activities, "view")
    records.get(activities, activity_id, user)
    return jsonify({"user_ids": activity_rules.assignee_ids(activity_id)})


@api.put("/activities/<int:activity_id>/assignees")
@operation("Replace the assignees", body=AssigneesInput, response=ASSIGNEES)
def put_assignees(activity_id):
    from plugins.customers.entities import activities

    user = current_user_or_none()
    activity = records.get(activities, activity_id, user)
    require_right(user, activities, "edit", activity)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(_("Send a JSON object with Content-Type: application/json."))
    user_ids = activity_rules.set_assignees(activity_id, body.get("user_ids"))
    session().commit()
    return jsonify({"user_ids": user_ids})

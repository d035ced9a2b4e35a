"""The recycle bin: list what the user may see there; administrators purge."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from core import recycle_bin
from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.paging import page_args, page_json, raise_if
from core.api.records import body
from core.db import session
from core.errors import ValidationError
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import require_admin


@api.get("/recycle-bin")
@operation(query=schemas.PageArgs, response=schemas.paged(schemas.JSON_OBJECT))
def list_recycle_bin():
    """Deleted records the user may see, newest first; ``entity=`` (repeatable) narrows."""
    errors: dict = {}
    page, per_page = page_args(request.args, errors)
    raise_if(errors)
    names = request.args.getlist("entity") or None
    for name in names or ():
        runtime().registry.get(name)  # 404 for an unknown entity
    data, total = recycle_bin.list_deleted(current_user_or_none(), names, page, per_page)
    return jsonify(page_json(data, page, per_page, total))


@api.delete("/recycle-bin/<entity_name>/<int:record_id>")
@operation("Purge one record for good (administrators)")
def purge_record(entity_name, record_id):
    entity = runtime().registry.get(entity_name)
    recycle_bin.purge(entity, record_id, current_user_or_none())
    session().commit()
    return "", 204


@api.post("/recycle-bin/purge")
@operation(body=schemas.PurgeInput, response=schemas.Purged)
def purge_old_records():
    """Body ``{"older_than_days": N}``: purge everything deleted more than N days ago."""
    user = current_user_or_none()
    require_admin(user)
    data = body()
    if not isinstance(data, dict) or "older_than_days" not in data:
        raise ValidationError(_("Some fields are not valid."), {"older_than_days": _("Required.")})
    purged = recycle_bin.purge_older(data["older_than_days"], user)
    session().commit()
    return jsonify({"data": purged, "total": sum(purged.values())})

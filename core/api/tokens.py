"""The caller's own API tokens: list, issue, revoke.  The token itself is shown once, at issue."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify
from flask_babel import gettext as _

from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.records import body
from core.db import session, utcnow
from core.errors import NotFound, ValidationError
from core.security.auth import current_user_or_none
from core.security.models import ApiToken


def token_json(token: ApiToken) -> dict:
    def iso(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {"id": token.id, "name": token.name, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at), "revoked_at": iso(token.revoked_at)}


@api.get("/me/tokens")
@operation("Your API tokens", response=schemas.listing(schemas.Token))
def list_tokens():
    user = current_user_or_none()
    rows = session().scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return jsonify({"data": [token_json(t) for t in rows]})


@api.post("/me/tokens")
@operation(body=schemas.TokenInput, response=schemas.Token, status=201)
def issue_token():
    """Body ``{"name": "ERP sync"}``; the answer's ``token`` cannot be read again later."""
    user = current_user_or_none()
    data = body()
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationError(_("Some fields are not valid."), {"name": _("Required (at most 100 characters).")})
    secret = ApiToken.issue(session(), user, name.strip())
    session().flush()
    row = session().scalar(sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    session().commit()
    return jsonify({**token_json(row), "token": secret}), 201


@api.delete("/me/tokens/<int:token_id>")
@operation("Revoke one of your tokens")
def revoke_token(token_id):
    user = current_user_or_none()
    token = session().get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session().commit()
    return "", 204

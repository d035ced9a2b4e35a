"""Web forms API (administrators): forms with their fields, embed code and statistics."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request, url_for

from core.api.records import body
from core.db import session
from core.security.auth import current_user_or_none
from core.security.permissions import require_admin
from core.entities.records import load_body
from plugins.webforms import embed, services
from plugins.webforms.models import WebForm
from plugins.webforms.schemas import FormBody

api = Blueprint("webforms_api", __name__, url_prefix="/api/v1/webforms")


@api.before_request
def _admins_only():
    require_admin(current_user_or_none())


def form_json(form: WebForm) -> dict:
    return {"id": form.id, "name": form.name, "target_entity": form.target_entity, "handler_id": form.handler_id,
            "source": form.source, "thank_you": form.thank_you, "redirect_url": form.redirect_url,
            "allowed_origins": form.allowed_origins, "active": form.active,
            "min_fill_seconds": form.min_fill_seconds, "rate_per_ip": form.rate_per_ip,
            "rate_per_form": form.rate_per_form, "public_key": form.public_key,
            "hosted_url": url_for("webforms_public.hosted_page", key=form.public_key, _external=True),
            "fields": [{"field_name": f.field_name, "kind": f.kind, "labels": f.labels, "required": f.required,
                        "position": f.position, "options": f.options} for f in services.fields_of(form)]}


@api.get("")
def list_forms():
    forms = session().scalars(sa.select(WebForm).order_by(WebForm.name, WebForm.id)).all()
    return jsonify({"data": [form_json(f) for f in forms]})


@api.post("")
def create_form():
    form = services.save_form(None, load_body(FormBody(), body()), current_user_or_none())
    session().commit()
    return jsonify(form_json(form)), 201


@api.get("/<int:form_id>")
def get_form(form_id):
    return jsonify(form_json(services.get_form(form_id)))


@api.put("/<int:form_id>")
def put_form(form_id):
    form = services.save_form(services.get_form(form_id), load_body(FormBody(), body()), current_user_or_none())
    session().commit()
    return jsonify(form_json(form))


@api.delete("/<int:form_id>")
def delete_form(form_id):
    services.delete_form(services.get_form(form_id))
    session().commit()
    return "", 204


@api.get("/<int:form_id>/stats")
def stats(form_id):
    return jsonify(services.statistics(services.get_form(form_id)))


@api.get("/<int:form_id>/embed")
def embed_code(form_id):
    form = services.get_form(form_id)
    lang = request.args.get("lang", "ko")
    return jsonify({"html": embed.plain_html(form, lang), "script": embed.script_html(form, lang),
                    "hosted_url": url_for("webforms_public.hosted_page", key=form.public_key, _external=True)})

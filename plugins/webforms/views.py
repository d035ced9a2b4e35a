"""The designer pages (administrators): forms, their fields, embed code and statistics."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for

from core.db import session
from core.entities import records
from core.errors import ValidationError
from core.i18n import current_language
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import User
from core.security.permissions import require_admin
from plugins.webforms import embed, services
from plugins.webforms.models import KINDS, WebForm

_, _l = translator("webforms")

pages = Blueprint("webforms", __name__, url_prefix="/webforms", template_folder="templates")
BLANK_ROWS = 3


@pages.before_request
def _admins_only():
    if request.endpoint and request.endpoint.startswith("webforms."):
        require_admin(current_user_or_none())


@pages.get("/")
def index():
    forms = session().scalars(sa.select(WebForm).order_by(WebForm.name, WebForm.id)).all()
    return render_template("webforms/index.html", forms=forms,
                           stats={f.id: services.statistics(f) for f in forms})


@pages.route("/new", methods=["GET", "POST"])
def new():
    return design(None)


@pages.route("/<int:form_id>", methods=["GET", "POST"])
def edit(form_id):
    return design(services.get_form(form_id))


def design(form: WebForm | None):
    if request.method == "POST":
        data = form_data(request.form)
        try:
            saved = services.save_form(form, data, current_user_or_none())
        except ValidationError as exc:
            session().rollback()
            flash(exc.message, "error")
            return render_design(form, data, exc.fields, status=422)
        session().commit()
        flash(_("Saved."), "success")
        return redirect(url_for("webforms.edit", form_id=saved.id))
    data = ({"name": "", "target_entity": request.args.get("target_entity", "leads"),
             "handler_id": current_user_or_none().id, "source": "web_form", "active": True, "fields": [],
             "min_fill_seconds": 3, "rate_per_ip": 5, "rate_per_form": 60, "allowed_origins": []}
            if form is None else form_as_data(form))
    return render_design(form, data)


def form_as_data(form: WebForm) -> dict:
    data = {c: getattr(form, c) for c in ("name", "target_entity", "handler_id", "source", "thank_you",
                                          "redirect_url", "allowed_origins", "active", "min_fill_seconds",
                                          "rate_per_ip", "rate_per_form")}
    data["fields"] = [{"field_name": f.field_name, "kind": f.kind, "labels": f.labels, "required": f.required,
                       "position": f.position, "options": f.options} for f in services.fields_of(form)]
    return data


def form_data(form) -> dict:
    """The designer's HTML form as the API body (rows without a field are left out)."""
    def number(name):
        raw = form.get(name, "").strip()
        return int(raw) if raw.lstrip("-").isdigit() else raw

    fields = []
    for i in range(int(form.get("rows", "0") or 0)):
        name = form.get(f"field_{i}", "")
        if not name:
            continue
        options = [o.strip() for o in form.get(f"options_{i}", "").splitlines() if o.strip()]
        fields.append({"field_name": name, "kind": form.get(f"kind_{i}", "text"),
                       "labels": {lang: form.get(f"label_{lang}_{i}", "") for lang in services.LANGUAGES},
                       "required": form.get(f"required_{i}") == "1", "position": number(f"position_{i}"),
                       "options": options})
    return {"name": form.get("name", ""), "target_entity": form.get("target_entity", "leads"),
            "handler_id": number("handler_id"), "source": form.get("source", ""),
            "thank_you": form.get("thank_you", ""), "redirect_url": form.get("redirect_url", ""),
            "allowed_origins": form.get("allowed_origins", "").split(), "active": form.get("active") == "1",
            "min_fill_seconds": number("min_fill_seconds"), "rate_per_ip": number("rate_per_ip"),
            "rate_per_form": number("rate_per_form"), "fields": fields}


def render_design(form: WebForm | None, data: dict, errors=None, status=200):
    entity = runtime().registry.entities.get(data.get("target_entity") or "leads")
    target_fields = [f for f in records.entity_fields(entity) if not f.readonly] if entity else []
    rows = list(data.get("fields") or []) + [{} for _ in range(BLANK_ROWS)]
    users = session().scalars(sa.select(User).where(User.active).order_by(User.name)).all()
    return render_template("webforms/design.html", form=form, data=data, errors=errors or {}, rows=rows,
                           kinds=KINDS, target_fields=target_fields, entities=services.target_entities(),
                           users=users, label_languages=services.LANGUAGES), status


@pages.get("/<int:form_id>/embed")
def embed_code(form_id):
    form = services.get_form(form_id)
    return render_template("webforms/embed.html", form=form, plain=embed.plain_html(form, current_language()),
                           scripted=embed.script_html(form, current_language()),
                           hosted=url_for("webforms_public.hosted_page", key=form.public_key, _external=True))


@pages.get("/<int:form_id>/stats")
def stats(form_id):
    form = services.get_form(form_id)
    return render_template("webforms/stats.html", form=form, stats=services.statistics(form))


@pages.post("/<int:form_id>/rotate")
def rotate(form_id):
    services.rotate_secret(services.get_form(form_id))
    session().commit()
    flash(_("New token issued: paste the embed code again where the form is used."), "success")
    return redirect(url_for("webforms.embed_code", form_id=form_id))


@pages.post("/<int:form_id>/delete")
def delete(form_id):
    services.delete_form(services.get_form(form_id))
    session().commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("webforms.index"))

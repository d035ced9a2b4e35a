"""The public side of a web form: the hosted page, a fresh token, and the submission endpoint.

No login and no CSRF cookie (visitors come from other sites); instead every
submission passes, in this order: the form exists and is switched on, the body
is small, the page it came from is an allowed origin, the address and the
form are within their rate limits, the signed token is this form's, the
honeypot is empty, the form was not filled faster than a person can.  Each
refusal is counted on the form and writes nothing else.  What passes is
validated by the target entity's schema and created through the records
service (workflows fire as for any create), with a "web inquiry" activity and
an email job for the handler.  Answers never depend on existing records, so
the endpoint tells a visitor nothing about what the CRM holds.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale

from core import rate_limits
from core.db import session
from core.entities import picklists, records
from core.errors import ValidationError
from core.i18n import current_language, normalise_language, pick_label
from core.mail import enqueue_email, valid_address
from core.plugin_api import translator
from core.runtime import runtime
from core.security import public_endpoint
from core.security.login import client_ip
from core.security.models import User
from plugins.leads.services import assignee_for
from plugins.webforms import services
from plugins.webforms.models import WebForm, WebFormField, WebFormSubmission

_, _l = translator("webforms")

public = Blueprint("webforms_public", __name__, url_prefix="/webforms", template_folder="templates")
MAX_BODY = 16 * 1024
HONEYPOT = "website_url"  # a field people do not see and bots fill in
TOKEN = "_token"


class Refused(Exception):
    def __init__(self, counter: str, status: int, message: str):
        super().__init__(message)
        self.counter, self.status, self.message = counter, status, message


@public.get("/f/<key>")
@public_endpoint
def hosted_page(key):
    form = services.by_key(key)
    if form is None:
        return message_page(_("This form does not exist."), 404)
    if not form.active:
        return message_page(closed_message(), 200)
    return render_form(form)


@public.get("/f/<key>/token")
@public_endpoint
def fresh_token(key):
    """A token for the script version of the embed code (fetched when the visitor's page loads)."""
    form = services.by_key(key)
    if form is None or not form.active:
        return with_cors(form, jsonify({"error": {"code": "not_found", "message": _("This form does not exist.")}}),
                         404)
    return with_cors(form, jsonify({"token": services.issue_token(form)}), 200)


@public.route("/f/<key>", methods=["POST"])
@public_endpoint
def submit(key):
    form = services.by_key(key)
    if form is None:
        return answer(None, 404, _("This form does not exist."))
    try:
        if not form.active:
            raise Refused("closed", 200, closed_message())
        check_request(form)
        record = create_record(form)
    except Refused as refusal:
        session().rollback()
        services.count(form.id, refusal.counter)
        session().commit()
        return answer(form, refusal.status, refusal.message)
    except ValidationError as exc:
        session().rollback()
        services.count(form.id, "invalid")
        session().commit()
        return invalid(form, exc)
    session().commit()
    return accepted(form, record)


# --- the checks, in order -----------------------------------------------------------------

def check_request(form: WebForm) -> None:
    if request.content_length is None or request.content_length > MAX_BODY:
        raise Refused("too_large", 413, _("The form is too large to send."))
    origin = request.headers.get("Origin")
    if origin and not origin_allowed(form, origin):
        raise Refused("bad_origin", 403, _("This form cannot be sent from this site."))
    if not rate_limits.allow(("ip", client_ip(), form.rate_per_ip), ("form", form.public_key, form.rate_per_form)):
        raise Refused("rate_limited", 429, _("Too many submissions. Please try again in a minute."))
    age = services.token_age(form, request.form.get(TOKEN, ""))
    if age is None:
        raise Refused("bad_token", 403, _("This form has expired. Reload the page and send it again."))
    if request.form.get(HONEYPOT):
        raise Refused("honeypot", 400, _("Your message could not be accepted."))
    if age < form.min_fill_seconds:
        raise Refused("too_fast", 400, _("That was very quick. Check your entries and send the form again."))


def origin_allowed(form: WebForm, origin: str) -> bool:
    own = request.host_url.rstrip("/")
    return origin.rstrip("/") in {own, *form.allowed_origins}


# --- creating the record ----------------------------------------------------------------------

def create_record(form: WebForm) -> dict:
    entity = runtime().registry.get(form.target_entity)
    handler = session().get(User, form.handler_id)
    fields = services.fields_of(form)
    data = submitted_values(fields, entity)
    field_names = {f.name for f in records.entity_fields(entity)}
    if form.source and "source" in field_names:
        data["source"] = form.source
    owner_id = (assignee_for(form.source) if entity.name == "leads" else None) or handler.id
    record = records.create(entity, {**data, "owner_id": owner_id, "confirm_duplicate": True}, handler,
                            check_rights=False)
    session().add(WebFormSubmission(form_id=form.id, entity=entity.name, record_id=record["id"]))
    owner = session().get(User, owner_id)
    add_inquiry_activity(form, entity, record, owner)
    notify(form, fields, entity, record, handler, owner)
    services.count(form.id, "submitted")
    return record


def submitted_values(fields: list[WebFormField], entity) -> dict:
    """The designed fields only, read by their kind; required ones must be there (422 naming them)."""
    data, errors = {}, {}
    for field in fields:
        if field.kind == "checkbox":
            target = runtime().registry.field_map(entity).get(field.field_name)
            if target is not None and target.type == "multipicklist":
                value = [v for v in request.form.getlist(field.field_name) if v][:50]
            else:
                value = request.form.get(field.field_name) in ("1", "on", "true", "yes")
        else:
            value = (request.form.get(field.field_name) or "").strip()
        if field.options and value and value not in {o["value"] for o in field.options}:
            errors[field.field_name] = _("%(value)s is not an allowed value.", value=value)
        if field.required and value in ("", [], False):
            errors[field.field_name] = _("This field is required.")
        if value not in ("", []):
            data[field.field_name] = value
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    return data


def add_inquiry_activity(form: WebForm, entity, record: dict, owner: User) -> None:
    activities = runtime().registry.entities.get("activities")
    if activities is None:
        return
    with force_locale(deployment_language()):
        subject = _("Web inquiry: %(form)s", form=form.name)[:200]
    records.create(activities, {"subject": subject, "type": "task", "status": "done",
                                "related_entity": entity.name, "related_id": record["id"],
                                "description": record.get("description"), "owner_id": owner.id},
                   owner, check_rights=False)


def notify(form: WebForm, fields: list[WebFormField], entity, record: dict, handler: User, owner: User) -> None:
    """An email job for the handler (and the assigned owner), in their language; the worker sends it."""
    recipients = [u for u in {handler.id: handler, owner.id: owner}.values() if valid_address(u.email or "")]
    for user in recipients:
        with force_locale(normalise_language(user.language) or deployment_language()):
            title = record.get(entity.title_field) or record.get("number") or ""
            subject = _("New web inquiry: %(title)s", title=title).replace("\n", " ")[:200]
            lines = [_("Form: %(form)s", form=form.name)]
            for field in fields:
                value = record.get(field.field_name)
                if value not in (None, "", []):
                    lines.append(f"{pick_label(field.labels, field.field_name)}: {value}")
            lines.append(url_for("ui.detail", entity_name=entity.name, record_id=record["id"], _external=True))
            enqueue_email([user.email], subject, "\n".join(lines))


def deployment_language() -> str:
    return normalise_language(current_app.config["PLUGCRM_LANGUAGE"]) or "ko"


# --- answers ---------------------------------------------------------------------------------

def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def answer(form: WebForm | None, status: int, message: str):
    if wants_json():
        code = "ok" if status < 300 else "refused"
        return with_cors(form, jsonify({"error": {"code": code, "message": message}} if status >= 300
                                       else {"ok": False, "message": message}), status)
    return with_cors(form, message_page(message, status), status)


def invalid(form: WebForm, exc: ValidationError):
    if wants_json():
        return with_cors(form, jsonify(exc.body()), 422)
    return with_cors(form, render_form(form, errors=exc.fields, values=request.form, status=422), 422)


def accepted(form: WebForm, record: dict):
    message = form.thank_you or _("Thank you. We will get back to you soon.")
    if wants_json():
        return with_cors(form, jsonify({"ok": True, "message": message, "redirect_url": form.redirect_url}), 201)
    if form.redirect_url:
        return redirect(form.redirect_url, 303)
    return message_page(message, 201)


def with_cors(form: WebForm | None, response, status: int):
    """CORS headers only for the form's allowed origins (the hosted page needs none)."""
    response = make_response(response)
    response.status_code = status
    origin = request.headers.get("Origin", "").rstrip("/")
    if form is not None and origin in form.allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Vary"] = "Origin"
    return response


def render_form(form: WebForm, *, errors=None, values=None, status=200):
    entity = runtime().registry.get(form.target_entity)
    return render_template("webforms/public_form.html", form=form, fields=display_fields(form, entity),
                           token=services.issue_token(form), errors=errors or {}, values=values or {},
                           honeypot=HONEYPOT, lang=current_language()), status


def display_fields(form: WebForm, entity) -> list[dict]:
    """Each field with its label and choices in the visitor's language."""
    targets = runtime().registry.field_map(entity)
    out = []
    for field in services.fields_of(form):
        target = targets.get(field.field_name)
        if target is None:
            continue  # a custom field removed since the form was designed
        label = pick_label(field.labels, str(target.display_label()))
        if field.options:
            choices = [(o["value"], pick_label(o.get("labels"), o["value"])) for o in field.options]
        elif target.picklist:
            choices = [(v.value, pick_label(v.labels, v.value))
                       for v in picklists.values(target.picklist, include_inactive=False)]
        else:
            choices = []
        out.append({"name": field.field_name, "kind": field.kind, "label": label, "required": field.required,
                    "choices": choices, "multiple": target.type == "multipicklist",
                    "max_length": target.max_length})
    return out


def message_page(message: str, status: int):
    return render_template("webforms/public_message.html", message=message), status


def closed_message() -> str:
    return _("This form is not taking submissions at the moment. Thank you for your interest.")

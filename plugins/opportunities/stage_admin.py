"""The stage editor (administrators): the stages of each opportunity type and the action catalogue.

Per opportunity type an administrator sets each stage's order, labels in ko / zh-Hans / en,
probability, kind (open / won / lost), colour and required actions (chosen from the editable
action catalogue ``opportunity_action``), and whether the type uses it.  Stages live in the
``opportunity_stage`` picklist (see :mod:`plugins.opportunities.stages`), which every stage move
reads, so a change applies to the next move; deals already moved keep their history and
probability.  Every change is written to the audit log (``settings.opportunity_stages`` /
``settings.opportunity_actions``).
"""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for

from core import audit
from core.db import session
from core.entities import picklists
from core.errors import CRMError, Forbidden, ValidationError
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from plugins.opportunities.stages import ACTIONS, PICKLIST

_, _l = translator("opportunities")

stage_pages = Blueprint("opportunities_stages", __name__, url_prefix="/opportunities",
                        template_folder="templates")
TYPES = "opportunity_type"
KINDS = ("open", "won", "lost")
LANGUAGES = ("ko", "zh_Hans", "en")
VALUE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def require_admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may change the stages."))
    return user


def chosen_type() -> str:
    types = [v.value for v in picklists.values(TYPES)]
    wanted = request.args.get("type")
    return wanted if wanted in types else types[0]


@stage_pages.get("/stages/")
def editor():
    require_admin()
    return page(chosen_type())


def page(opportunity_type: str, errors: dict | None = None, status: int = 200):
    stages = list(picklists.values(PICKLIST))
    return render_template("opportunities/stage_admin.html", stages=stages, opportunity_type=opportunity_type,
                           types=choices(TYPES), actions=list(picklists.values(ACTIONS)),
                           action_labels=picklists.labels(ACTIONS), errors=errors or {},
                           label_languages=LANGUAGES, kinds=KINDS), status


def choices(name: str) -> list[tuple[str, str]]:
    labels = picklists.labels(name)
    return [(v.value, labels.get(v.value, v.value)) for v in picklists.values(name) if v.active]


def snapshot(name: str) -> dict:
    """What the audit log compares: every value's labels, order, active flag, colour and extra."""
    return {v.value: {"labels": dict(v.labels or {}), "active": v.active, "colour": v.colour,
                      "extra": dict(v.extra or {})} for v in picklists.values(name)} | \
        {"order": [v.value for v in picklists.values(name)]}


@stage_pages.post("/stages/")
def save():
    return saved(PICKLIST, "opportunity_stages", apply_stage_form, _("Some stages are not valid."),
                 _("The stages were saved; they apply to the next stage moves."))


def saved(picklist: str, audit_key: str, apply, invalid: str, done: str):
    """Apply the form to ``picklist`` (``apply(form, type)`` returns errors); audited, or re-shown with 422."""
    user = require_admin()
    opportunity_type = chosen_type()
    before = snapshot(picklist)
    try:
        errors = apply(request.form, opportunity_type)
        if errors:
            raise ValidationError(invalid, errors)
    except CRMError as exc:
        session().rollback()
        flash(exc.message, "error")
        return page(opportunity_type, getattr(exc, "fields", None) or {}, status=422)
    audit.log_settings_change(audit_key, before, snapshot(picklist), user)
    session().commit()
    flash(done, "success")
    return redirect(url_for("opportunities_stages.editor", type=opportunity_type))


def apply_stage_form(form, opportunity_type: str) -> dict:
    """Write every submitted stage row (in the submitted order) and the new stage, if any; ``{key: error}``."""
    errors: dict[str, str] = {}
    all_types = [v.value for v in picklists.values(TYPES)]
    catalogue = {v.value for v in picklists.values(ACTIONS)}
    current = {v.value: v for v in picklists.values(PICKLIST)}
    for position, value in enumerate(form.getlist("stage")):
        if value not in current:
            errors[f"stage.{value}"] = _("Unknown stage %(value)s.", value=value)
            continue
        extra = dict(current[value].extra or {})
        probability = form.get(f"probability_{value}", "").strip()
        if not probability.isdigit() or not 0 <= int(probability) <= 100:
            errors[f"probability_{value}"] = _("Give a probability from 0 to 100.")
        else:
            extra["probability"] = int(probability)
        kind = form.get(f"kind_{value}")
        if kind not in KINDS:
            errors[f"kind_{value}"] = _("Choose open, won or lost.")
        else:
            extra["kind"] = kind
        required = form.getlist(f"required_{value}")
        if set(required) - catalogue:
            errors[f"required_{value}"] = _("Choose actions from the catalogue.")
        else:
            extra["required_actions"] = required
        extra["types"] = stage_types(extra.get("types") or [], all_types, opportunity_type,
                                     form.get(f"used_{value}") == "1")
        labels = {lang: form.get(f"label_{lang}_{value}", "").strip() for lang in LANGUAGES}
        if not labels["ko"]:
            errors[f"label_ko_{value}"] = _("A Korean label is required.")
        try:
            picklists.update_value(PICKLIST, value, {
                "labels": {k: v for k, v in labels.items() if v}, "order": position, "extra": extra,
                "active": form.get(f"active_{value}") == "1", "colour": form.get(f"colour_{value}") or None})
        except ValidationError as exc:
            errors.update({f"{k}_{value}": v for k, v in exc.fields.items()})
    new_value = form.get("new_stage", "").strip()
    if new_value:
        add_stage(new_value, form.get("new_label", "").strip(), len(current), errors)
    return errors


def stage_types(types: list[str], all_types: list[str], opportunity_type: str, used: bool) -> list[str]:
    """A stage's types after (un)ticking "used by this type"; ``[]`` means every type."""
    chosen = set(types or all_types)
    chosen = chosen | {opportunity_type} if used else chosen - {opportunity_type}
    return [] if chosen >= set(all_types) else [t for t in all_types if t in chosen]


def add_stage(value: str, label: str, position: int, errors: dict) -> None:
    if not VALUE_RE.match(value):
        errors["new_stage"] = _("A code of lower-case letters, digits and _ (e.g. contract_review).")
        return
    try:
        picklists.add_value(PICKLIST, {"value": value, "order": position,
                                       "labels": {lang: label or value for lang in LANGUAGES},
                                       "extra": {"probability": 0, "kind": "open", "required_actions": [],
                                                 "types": []}})
    except ValidationError as exc:
        errors.update({f"new_{k}" if k != "value" else "new_stage": v for k, v in exc.fields.items()})


@stage_pages.post("/stages/actions")
def save_actions():
    return saved(ACTIONS, "opportunity_actions", apply_action_form, _("Some actions are not valid."),
                 _("The action catalogue was saved."))


def apply_action_form(form, _opportunity_type: str) -> dict:
    """The action catalogue: labels, order and active flag of every action, and a new action."""
    errors: dict[str, str] = {}
    for position, value in enumerate(form.getlist("action")):
        labels = {lang: form.get(f"action_{lang}_{value}", "").strip() for lang in LANGUAGES}
        if not labels["ko"]:
            errors[f"action_ko_{value}"] = _("A Korean label is required.")
            continue
        picklists.update_value(ACTIONS, value, {"labels": {k: v for k, v in labels.items() if v}, "order": position,
                                                "active": form.get(f"action_active_{value}") == "1"})
    new_value = form.get("new_action", "").strip()
    if new_value:
        if not VALUE_RE.match(new_value):
            errors["new_action"] = _("A code of lower-case letters, digits and _ (e.g. contract_review).")
        else:
            label = form.get("new_action_label", "").strip() or new_value
            picklists.add_value(ACTIONS, {"value": new_value, "labels": {lang: label for lang in LANGUAGES}})
    return errors

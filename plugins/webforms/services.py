"""Designing web forms: settings and fields checked against the target entity, counters, statistics, tokens."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, TimestampSigner

from core import clock
from core.bounds import is_id
from core.db import session
from core.entities import picklists, records
from core.errors import NotFound, ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import User
from plugins.webforms.models import COUNTERS, KINDS, SPAM, WebForm, WebFormCounter, WebFormField, WebFormSubmission

_, _l = translator("webforms")

LANGUAGES = ("ko", "zh_Hans", "en")
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one in a URL is simply not found
# which target field types each kind of form field can fill
KIND_TYPES = {
    "text": {"text", "email", "phone", "url", "integer", "decimal", "money", "percent", "date"},
    "textarea": {"text", "longtext"},
    "select": {"picklist", "text"},
    "radio": {"picklist", "text"},
    "checkbox": {"boolean", "multipicklist"},
}


def get_form(form_id: int) -> WebForm:
    form = session().get(WebForm, form_id) if 0 < form_id <= MAX_ID else None
    if form is None:
        raise NotFound(_("Record not found."))
    return form


def by_key(public_key: str) -> WebForm | None:
    return session().scalar(sa.select(WebForm).where(WebForm.public_key == public_key[:40]))


def fields_of(form: WebForm) -> list[WebFormField]:
    return list(session().scalars(sa.select(WebFormField).where(WebFormField.form_id == form.id)
                                  .order_by(WebFormField.position, WebFormField.id)))


def target_entities() -> list:
    """Entities a form can create records of (owned ones with a ``create`` path: leads, contacts ...)."""
    return [e for e in runtime().registry.entities.values() if e.owned]


# --- saving -------------------------------------------------------------------------

def save_form(form: WebForm | None, data, user) -> WebForm:
    """Create or change a form from ``data`` (settings and ``fields``); 422 naming each bad value."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    settings = clean_settings(data, form, errors)
    entity = runtime().registry.entities.get(settings.get("target_entity") or "")
    fields = clean_fields(entity, data.get("fields", []), errors) if entity is not None else []
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    if form is None:
        form = WebForm(public_key=secrets.token_urlsafe(12), secret=secrets.token_hex(16))
        session().add(form)
    for key, value in settings.items():
        setattr(form, key, value)
    session().flush()
    if form.id and "fields" in data:
        session().execute(sa.delete(WebFormField).where(WebFormField.form_id == form.id))
        session().add_all(WebFormField(form_id=form.id, **f) for f in fields)
    ensure_counters(form.id)
    session().flush()
    return form


def clean_settings(data: dict, form: WebForm | None, errors: dict) -> dict:
    out: dict = {}
    current = (lambda key, default=None: getattr(form, key) if form is not None else default)
    name = str(data.get("name", current("name", "")) or "").strip()
    if not name or len(name) > 200:
        errors["name"] = _("This field is required.")
    out["name"] = name
    target = data.get("target_entity", current("target_entity", "leads"))
    if target not in {e.name for e in target_entities()}:
        errors["target_entity"] = _("Unknown record type %(name)s.", name=target)
    out["target_entity"] = target
    handler = data.get("handler_id", current("handler_id"))
    if not is_id(handler) or session().scalar(sa.select(User.id).where(User.id == handler, User.active)) is None:
        errors["handler_id"] = _("Not a valid user.")
    out["handler_id"] = handler
    out["source"] = (str(data.get("source", current("source")) or "").strip() or None)
    problem = source_problem(target, out["source"])
    if problem:
        errors["source"] = problem
    out["thank_you"] = (str(data.get("thank_you", current("thank_you")) or "").strip() or None)
    redirect_url = (str(data.get("redirect_url", current("redirect_url")) or "").strip() or None)
    if redirect_url and not is_web_url(redirect_url):
        errors["redirect_url"] = _("Enter an address starting with http:// or https://.")
    out["redirect_url"] = redirect_url
    origins = data.get("allowed_origins", current("allowed_origins", []))
    if isinstance(origins, str):
        origins = origins.split()
    cleaned = [o.rstrip("/") for o in origins if isinstance(o, str) and o.strip()] if isinstance(origins, list) else None
    if cleaned is None or not all(is_origin(o) for o in cleaned):
        errors["allowed_origins"] = _("Give origins like https://www.example.com, one per line.")
    out["allowed_origins"] = cleaned or []
    out["active"] = bool(data.get("active", current("active", True)))
    for key, default, low, high in (("min_fill_seconds", 3, 0, 3600), ("rate_per_ip", 5, 1, 100000),
                                    ("rate_per_form", 60, 1, 1000000)):
        value = data.get(key, current(key, default))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[key] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        out[key] = value
    return out


def source_problem(target_name, source: str | None) -> str | None:
    """A source the target's ``source`` picklist does not know would make every submission fail."""
    entity = runtime().registry.entities.get(target_name or "")
    field = runtime().registry.field_map(entity).get("source") if entity is not None and source else None
    if field is None or field.type != "picklist" or source in picklists.active_values(field.picklist):
        return None
    return _("%(value)s is not an allowed value.", value=source)


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(url) <= 500


def is_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    return is_web_url(origin) and parts.path in ("", "/") and not parts.query


def clean_fields(entity, raw, errors: dict) -> list[dict]:
    """Each field names a writable field of the target (custom fields too) and a kind that fits its type."""
    if not isinstance(raw, list) or len(raw) > 50:
        errors["fields"] = _("Not a valid value.")
        return []
    target_fields = {f.name: f for f in records.entity_fields(entity) if not f.readonly}
    out, seen = [], set()
    for i, item in enumerate(raw):
        key = f"fields.{i}"
        if not isinstance(item, dict):
            errors[key] = _("Not a valid value.")
            continue
        name, kind = item.get("field_name"), item.get("kind", "text")
        target = target_fields.get(name)
        if target is None:
            errors[key] = _("Unknown field.")
        elif name in seen:
            errors[key] = _("This field is on the form twice.")
        elif kind not in KINDS or target.type not in KIND_TYPES[kind]:
            errors[key] = _("A %(kind)s cannot fill a field of type %(type)s.", kind=kind, type=target.type)
        labels = item.get("labels") or {}
        labels = {lang: str(labels.get(lang) or "").strip()[:200] for lang in LANGUAGES} if isinstance(labels, dict) else {}
        options = clean_options(item.get("options") or [])
        if options is None:
            errors[key] = _("Not a valid value.")
        elif target is not None and kind in ("select", "radio") and target.type == "text" and not options:
            errors[key] = _("Give the choices of this field.")
        seen.add(name)
        out.append({"field_name": name, "kind": kind, "labels": labels, "required": bool(item.get("required")),
                    "position": item.get("position") if isinstance(item.get("position"), int) else i,
                    "options": options or []})
    return out


def clean_options(raw) -> list[dict] | None:
    if not isinstance(raw, list):
        return None
    options = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            options.append({"value": item.strip()[:200], "labels": {}})
        elif isinstance(item, dict) and str(item.get("value") or "").strip():
            options.append({"value": str(item["value"]).strip()[:200],
                            "labels": {k: str(v)[:200] for k, v in (item.get("labels") or {}).items()
                                       if k in LANGUAGES}})
        else:
            return None
    return options


def delete_form(form: WebForm) -> None:
    session().delete(form)


# --- counters and statistics --------------------------------------------------------

def ensure_counters(form_id: int) -> None:
    have = set(session().scalars(sa.select(WebFormCounter.kind).where(WebFormCounter.form_id == form_id)))
    session().add_all(WebFormCounter(form_id=form_id, kind=k, count=0) for k in COUNTERS if k not in have)


def count(form_id: int, kind: str) -> None:
    """Add one to a counter in the caller's transaction (one UPDATE; rows exist from the form's creation)."""
    t = WebFormCounter.__table__
    session().execute(sa.update(t).where(t.c.form_id == form_id, t.c.kind == kind).values(count=t.c.count + 1))


def statistics(form: WebForm) -> dict:
    counters = dict(session().execute(sa.select(WebFormCounter.kind, WebFormCounter.count)
                                      .where(WebFormCounter.form_id == form.id)).all())
    return {"submissions": counters.get("submitted", 0), "spam_refused": sum(counters.get(k, 0) for k in SPAM),
            "conversions": conversions(form), "counters": {k: counters.get(k, 0) for k in COUNTERS}}


def conversions(form: WebForm) -> int:
    """Records this form created that were converted since (leads with a conversion date)."""
    entity = runtime().registry.entities.get(form.target_entity)
    if entity is None or "converted_at" not in entity.table.c:
        return 0
    t, s = entity.table, WebFormSubmission.__table__
    return session().scalar(sa.select(sa.func.count()).select_from(s.join(t, t.c.id == s.c.record_id))
                            .where(s.c.form_id == form.id, s.c.entity == form.target_entity,
                                   t.c.converted_at.is_not(None))) or 0


# --- tokens ---------------------------------------------------------------------------

class ClockSigner(TimestampSigner):
    """Timestamps from :mod:`core.clock`, so tests move time instead of sleeping."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def signer(form: WebForm) -> ClockSigner:
    return ClockSigner(current_app.secret_key, salt=f"plugcrm.webforms.{form.secret}")


def issue_token(form: WebForm) -> str:
    """A token for one filling of the form; it carries the moment it was issued."""
    return signer(form).sign(form.public_key).decode()


def token_age(form: WebForm, token: str) -> float | None:
    """Seconds since ``token`` was issued for this form (None: not a token of this form)."""
    try:
        value, issued = signer(form).unsign(token or "", return_timestamp=True)
    except (BadSignature, UnicodeError, ValueError):
        return None
    if value.decode() != form.public_key:
        return None
    return (clock.now() - issued).total_seconds()


def rotate_secret(form: WebForm) -> None:
    """Invalidate every token issued so far (embedded copies of the form must be pasted again)."""
    form.secret = secrets.token_hex(16)

"""Converting a lead into an account, a contact and (optionally) an opportunity, all or nothing.

Which lead field fills which field of the new records is an administrator's
mapping (``leads.mapping`` in the settings store).  The new records are
written through the records service with the converting user's rights, so
validation, numbering, duplicate warnings, workflows and the audit log apply
as for any create.  Notes, attachments and activities of the lead move to the
new account; the lead keeps links to what it became and is read-only after.
"""
from __future__ import annotations

import sqlalchemy as sa

from core import clock, settings_store
from core.attachments import Attachment
from core.db import session, utcnow
from core.entities import records
from core.errors import ValidationError
from core.notes import Note
from core.plugin_api import translator
from core.runtime import runtime
from core.security.permissions import require_right
from plugins.leads.entities import leads

_, _l = translator("leads")

MAPPING_KEY = "leads.mapping"
TARGETS = ("accounts", "contacts", "opportunities")
DEFAULT_MAPPING = {
    "accounts": {"name": "company", "phone": "phone", "email": "email", "business_number": "business_number",
                 "source": "source", "description": "description"},
    "contacts": {"name": "name", "job_title": "job_title", "mobile": "mobile", "direct_line": "phone",
                 "email": "email"},
    "opportunities": {"title": "company", "campaign": "campaign", "description": "description"},
}


def target_entities() -> dict:
    found = runtime().registry.entities
    return {name: found[name] for name in TARGETS if name in found}


def mapping() -> dict:
    stored = settings_store.get(MAPPING_KEY)
    return {name: dict((stored or DEFAULT_MAPPING).get(name, {})) for name in target_entities()}


def save_mapping(data, user) -> dict:
    """Check and store ``{target entity: {target field: lead field}}``; 422 naming each bad pair."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    targets = target_entities()
    lead_fields = {f.name for f in records.entity_fields(leads)}
    errors: dict[str, str] = {}
    cleaned: dict[str, dict] = {}
    for name, pairs in data.items():
        if name not in targets:
            errors[name] = _("Unknown record type %(name)s.", name=name)
            continue
        if not isinstance(pairs, dict):
            errors[name] = _("Not a valid value.")
            continue
        writable = {f.name for f in records.entity_fields(targets[name]) if not f.readonly}
        cleaned[name] = {}
        for target_field, lead_field in pairs.items():
            if target_field not in writable:
                errors[f"{name}.{target_field}"] = _("Unknown field.")
            elif lead_field not in lead_fields:
                errors[f"{name}.{target_field}"] = _("Unknown lead field %(name)s.", name=lead_field)
            else:
                cleaned[name][target_field] = lead_field
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    settings_store.put(MAPPING_KEY, {**mapping(), **cleaned}, user)
    return mapping()


def mapped_values(lead_json: dict, pairs: dict, overrides) -> dict:
    values = {target: lead_json.get(source) for target, source in pairs.items()
              if lead_json.get(source) not in (None, "", [])}
    if isinstance(overrides, dict):
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
    return values


def convert(lead_id: int, body, user) -> dict:
    """Convert one lead; returns ``{"lead", "account_id", "contact_id", "opportunity_id"}``.

    Runs in a savepoint: any refusal (rights, validation, a duplicate warning
    not confirmed, the lead changed meanwhile) leaves nothing written.
    """
    body = body if isinstance(body, dict) else {}
    lead = records.get(leads, lead_id, user)
    require_right(user, leads, "edit", lead)
    if lead.get("converted_at"):
        raise ValidationError(_("This lead was converted already."))
    with session().begin_nested():
        return write_conversion(lead, body, user)


def write_conversion(lead: dict, body: dict, user) -> dict:
    targets, pairs = target_entities(), mapping()
    lead_json = records.to_json(leads, lead)
    confirm = body.get("confirm_duplicate") is True
    account = create_part(targets["accounts"], account_values(lead_json, pairs, body), user, confirm, "account")
    contact_values = {**mapped_values(lead_json, pairs["contacts"], body.get("contact")), "account_id": account["id"]}
    contact = create_part(targets["contacts"], contact_values, user, confirm, "contact")
    opportunity = None
    if body.get("create_opportunity") and "opportunities" in targets:
        values = mapped_values(lead_json, pairs["opportunities"], body.get("opportunity"))
        values.setdefault("title", lead["company"] or lead["name"])
        values.update(account_id=account["id"], contact_id=contact["id"])
        opportunity = create_part(targets["opportunities"], values, user, confirm, "opportunity")
    move_related(lead["id"], account["id"], contact["id"])
    links = {"converted_account_id": account["id"], "converted_contact_id": contact["id"],
             "converted_opportunity_id": opportunity["id"] if opportunity else None}
    converted = mark_converted(lead, links, user)
    return {"lead": converted, "account_id": account["id"], "contact_id": contact["id"],
            "opportunity_id": opportunity["id"] if opportunity else None}


def account_values(lead_json: dict, pairs: dict, body: dict) -> dict:
    values = mapped_values(lead_json, pairs["accounts"], body.get("account"))
    if not values.get("name"):  # no company: the person is the customer
        values["name"] = lead_json["name"]
        values.setdefault("kind", "individual")
    return values


def create_part(entity, values: dict, user, confirm: bool, part: str) -> dict:
    """Create one of the new records; a refusal names the part it came from."""
    try:
        return records.create(entity, {**values, "confirm_duplicate": confirm}, user)
    except ValidationError as exc:
        fields = {f"{part}.{k}": v for k, v in exc.fields.items()}
        raise ValidationError(_("The %(part)s could not be created: %(message)s", part=part_label(part),
                                message=exc.message), fields) from None


def part_label(part: str) -> str:
    return {"account": _("account"), "contact": _("contact"), "opportunity": _("opportunity")}[part]


def move_related(lead_id: int, account_id: int, contact_id: int) -> None:
    """Notes and attachments follow to the account; activities to the account and the contact."""
    sess = session()
    sess.execute(sa.update(Note).where(Note.entity == "leads", Note.record_id == lead_id)
                 .values(entity="accounts", record_id=account_id))
    sess.execute(sa.update(Attachment).where(Attachment.entity == "leads", Attachment.record_id == lead_id)
                 .values(entity="accounts", record_id=account_id))
    activities = runtime().registry.entities.get("activities")
    if activities is not None:
        table = activities.table
        sess.execute(sa.update(table).where(table.c.related_entity == "leads", table.c.related_id == lead_id)
                     .values(related_entity="accounts", related_id=account_id, account_id=account_id,
                             contact_id=contact_id, version=table.c.version + 1, updated_at=utcnow()))


def mark_converted(lead: dict, links: dict, user) -> dict:
    """Write the link back and the status through the record service's save steps (fields are read-only)."""
    changes = {**links, "status": "converted", "converted_at": clock.now(), "disqualified_reason": None}
    values, changed = records.prepare_change(leads, lead, changes, user)
    records.write_change(leads, lead, values, changed, user)
    record = records.fetch(leads, lead["id"])
    records.after_write(leads, record, lead, changed, user)
    records.announce_update(leads, record, lead, changed, user)
    return record

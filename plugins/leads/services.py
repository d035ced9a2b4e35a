"""Lead rules: status and reason, consent date, a converted lead is read-only; duplicates; assignment."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from core import clock, settings_store
from core.db import session
from core.entities import picklists
from core.entities.query import visible_select
from core.entities.numbering import advance
from core.errors import ValidationError
from core.phones import normalise_phone
from core.plugin_api import translator
from core.runtime import runtime
from core.security.models import User

_, _l = translator("leads")

ASSIGNMENT_KEY = "leads.assignment"
ROUND_ROBIN_COUNTER = "leads.round_robin"


def before_save(values: dict, old: dict | None) -> None:
    if old is not None and old.get("converted_at"):
        raise ValidationError(_("This lead was converted and can no longer be changed."))
    errors: dict[str, str] = {}
    if values.get("status") == "disqualified":
        if not values.get("disqualified_reason"):
            errors["disqualified_reason"] = _("Say why the lead is disqualified.")
    else:
        values["disqualified_reason"] = None
    if values.get("status") == "converted" and not values.get("converted_at"):
        errors["status"] = _("Use the Convert action to convert a lead.")
    if values.get("marketing_consent"):
        if not (old and old.get("marketing_consent") and old.get("consent_at")):
            values["consent_at"] = clock.now()
    else:
        values["consent_at"] = None
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)


# --- duplicates -------------------------------------------------------------------

def entity(name: str):
    return runtime().registry.entities.get(name)


# entity -> {what matched: columns holding it}; phones are compared in their normalised form
DUPLICATE_COLUMNS = {
    "leads": {"phone": ("phone_norm", "mobile_norm"), "email": ("email",), "business_number": ("business_number",)},
    "contacts": {"phone": ("mobile_norm", "direct_line_norm"), "email": ("email",)},
    "accounts": {"phone": ("phone_norm",), "email": ("email",), "business_number": ("business_number",)},
}


def lookup_keys(values: dict) -> dict[str, set[str]]:
    """The phone numbers, email and business number of a new lead, in the form they are stored."""
    region = current_app.config["PLUGCRM_PHONE_REGION"]
    phones = {normalise_phone(values.get(n), region) for n in ("phone", "mobile")} - {None}
    email = (values.get("email") or "").strip()
    keys = {"phone": phones, "email": {email} if email else set(),
            "business_number": {values["business_number"]} if values.get("business_number") else set()}
    return {k: v for k, v in keys.items() if v}


def duplicate_matches(values: dict, user, exclude_lead_id: int | None = None) -> list[dict]:
    """Leads, contacts and accounts sharing a phone, email or business number with ``values``.

    Records the user may see are named (with a link); the others only say that
    the value is already in use, so the warning is no oracle for hidden records.
    """
    keys = lookup_keys(values)
    if not keys:
        return []
    matches = []
    for name, columns in DUPLICATE_COLUMNS.items():
        target = entity(name)
        if target is None:
            continue
        table = target.table
        for what, wanted in keys.items():
            conditions = [table.c[col].in_(sorted(wanted)) for col in columns.get(what, ())]
            if not conditions:
                continue
            stmt = sa.select(table.c.id).where(sa.or_(*conditions), table.c.deleted_at.is_(None))
            if name == "leads" and exclude_lead_id is not None:
                stmt = stmt.where(table.c.id != exclude_lead_id)
            found = session().execute(stmt.order_by(table.c.id).limit(10)).scalars().all()
            if not found:
                continue
            title = table.c[target.title_field]
            visible = {row.id: row for row in session().execute(
                visible_select(target, user, table.c.id, title.label("title"),
                               *([table.c.number] if target.numbering else []))
                .where(table.c.id.in_(found)))}
            for record_id in found:
                row = visible.get(record_id)
                if row is None:
                    matches.append({"entity": name, "matched_on": what, "name": _("already in use"),
                                    "hidden": True})
                else:
                    matches.append({"entity": name, "matched_on": what, "id": row.id, "name": row.title,
                                    "number": getattr(row, "number", None), "hidden": False})
    return dedupe(matches)


def dedupe(matches: list[dict]) -> list[dict]:
    seen, out = set(), []
    for m in matches:
        key = (m["entity"], m.get("id"), m["matched_on"]) if not m["hidden"] else (m["entity"], m["matched_on"])
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


# --- assignment rules -------------------------------------------------------------

def assignment_rules() -> dict:
    """``{"mode": "off" | "round_robin" | "by_source", "users": [ids], "by_source": {source: id}}``."""
    return settings_store.get(ASSIGNMENT_KEY) or {"mode": "off", "users": [], "by_source": {}}


def save_assignment_rules(data, user) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    mode = data.get("mode", "off")
    if mode not in ("off", "round_robin", "by_source"):
        errors["mode"] = _("%(value)s is not an allowed value.", value=mode)
    users = data.get("users") or []
    by_source = data.get("by_source") or {}
    if not isinstance(users, list) or not all(isinstance(u, int) for u in users) or not active_users(users):
        if users or mode == "round_robin":
            errors["users"] = _("Choose at least one active user.")
    elif len(active_users(users)) != len(set(users)):
        errors["users"] = _("Not a valid user.")
    if not isinstance(by_source, dict):
        errors["by_source"] = _("Not a valid value.")
    else:
        allowed = picklists.active_values("lead_source")
        bad = [s for s in by_source if s not in allowed]
        wrong_users = [u for u in by_source.values() if not isinstance(u, int)]
        if bad:
            errors["by_source"] = _("%(value)s is not an allowed value.", value=", ".join(map(str, bad)))
        elif wrong_users or len(active_users(list(by_source.values()))) != len(set(by_source.values())):
            errors["by_source"] = _("Not a valid user.")
        elif mode == "by_source" and not by_source:
            errors["by_source"] = _("Choose a user for at least one source.")
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    rules = {"mode": mode, "users": list(dict.fromkeys(users)), "by_source": dict(by_source)}
    settings_store.put(ASSIGNMENT_KEY, rules, user)
    return rules


def active_users(ids: list) -> list[int]:
    if not ids:
        return []
    return list(session().scalars(sa.select(User.id).where(User.id.in_(ids), User.active)))


def assignee_for(source: str | None) -> int | None:
    """The owner the assignment rules give a new lead from ``source`` (None: no rule applies).

    Round robin takes the next of the chosen users by a counter advanced under
    a row lock, so concurrent leads are spread evenly; by source falls back to
    round robin among the chosen users when the source has no user of its own.
    """
    rules = assignment_rules()
    if rules["mode"] == "off":
        return None
    if rules["mode"] == "by_source" and source in rules["by_source"]:
        candidate = rules["by_source"][source]
        if active_users([candidate]):
            return candidate
    users = [u for u in rules["users"] if u in set(active_users(rules["users"]))]
    if not users:
        return None
    turn = advance(session(), ROUND_ROBIN_COUNTER)
    return users[(turn - 1) % len(users)]

"""The deployment's quote settings and the supplier's company details (administrator pages and API).

Stored in ``core_settings`` under ``quotes`` and ``quotes.company``; every
value has a default so a new deployment works at once (KR: VAT 10 %, per-line
rounding, 30 days' validity, quotes above 10,000,000 need a director).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from core import audit, settings_store
from core.errors import ValidationError
from core.plugin_api import translator
from core.security.models import Role
from core.db import session
from plugins.quotes.totals import ROUNDING_MODES

_, _l = translator("quotes")

KEY, COMPANY_KEY = "quotes", "quotes.company"
DEFAULTS = {"vat_rate": "10", "rounding": "per_line", "validity_days": 30,
            "approval_required": True, "approval_threshold": "10000000", "approval_role": "director"}
COMPANY_FIELDS = ("name", "business_number", "representative", "address", "phone", "fax", "email",
                  "bank_account")
MAX_TEXT = 300


def quote_settings() -> dict:
    return {**DEFAULTS, **(settings_store.get(KEY) or {})}


def company() -> dict:
    stored = settings_store.get(COMPANY_KEY) or {}
    return {name: stored.get(name, "") for name in COMPANY_FIELDS} | {"seal": stored.get("seal")}


def vat_rate() -> Decimal:
    return Decimal(quote_settings()["vat_rate"])


def rounding() -> str:
    return quote_settings()["rounding"]


def invalid(fields: dict):
    return ValidationError(_("Some fields are not valid."), fields)


def decimal_in(raw, name: str, errors: dict, low=Decimal(0), high=None) -> str | None:
    try:
        number = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter a number.")
        return None
    if not number.is_finite() or number < low or (high is not None and number > high):
        errors[name] = _("Out of range.")
        return None
    return str(number)


def save_quote_settings(data: dict, user) -> dict:
    """Validate and store the quote settings; a bad value is a 422 naming it and stores nothing."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors: dict = {}
    new = quote_settings()
    unknown = set(data) - set(DEFAULTS)
    errors.update({k: _("Unknown field.") for k in unknown})
    if "vat_rate" in data:
        new["vat_rate"] = decimal_in(data["vat_rate"], "vat_rate", errors, high=Decimal(100))
    if "approval_threshold" in data:
        new["approval_threshold"] = decimal_in(data["approval_threshold"], "approval_threshold", errors)
    if "rounding" in data:
        if data["rounding"] not in ROUNDING_MODES:
            errors["rounding"] = _("Choose one of: %(values)s.", values=", ".join(ROUNDING_MODES))
        new["rounding"] = data["rounding"]
    if "validity_days" in data:
        days = data["validity_days"]
        if not (isinstance(days, int) or (isinstance(days, str) and days.strip().isdigit())) or not \
                0 < int(days) <= 3650:
            errors["validity_days"] = _("Enter a number of days between 1 and 3650.")
        else:
            new["validity_days"] = int(days)
    if "approval_required" in data:
        if not isinstance(data["approval_required"], bool):
            errors["approval_required"] = _("Must be true or false.")
        new["approval_required"] = data["approval_required"]
    if "approval_role" in data:
        if session().scalar(sa.select(Role.id).where(Role.name == data["approval_role"])) is None:
            errors["approval_role"] = _("No such role.")
        new["approval_role"] = data["approval_role"]
    if errors:
        raise invalid(errors)
    audit.log_settings_change(KEY, quote_settings(), new, user)
    settings_store.put(KEY, new, user)
    return new


def save_company(data: dict, user) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    errors = {k: _("Unknown field.") for k in data if k not in COMPANY_FIELDS}
    for k in COMPANY_FIELDS:
        if k in data and (not isinstance(data[k], str) or len(data[k]) > MAX_TEXT):
            errors[k] = _("At most %(n)s characters.", n=MAX_TEXT)
    if errors:
        raise invalid(errors)
    old = company()
    new = {**old, **{k: data[k].strip() for k in COMPANY_FIELDS if k in data}}
    audit.log_settings_change(COMPANY_KEY, {k: old[k] for k in COMPANY_FIELDS},
                              {k: new[k] for k in COMPANY_FIELDS}, user)
    settings_store.put(COMPANY_KEY, new, user)
    return new


def save_seal(data_url: str | None, user) -> None:
    """Store the seal/logo image (a small PNG/JPEG as a ``data:`` URL, shown on the 갑지), or remove it."""
    new = {**company(), "seal": data_url}
    settings_store.put(COMPANY_KEY, new, user)

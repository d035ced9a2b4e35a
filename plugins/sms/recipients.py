"""Who a send goes to: contacts, accounts' phones, a contact group and typed numbers, cleaned.

Every record is read through :func:`core.entities.query.visible_select`, so a
user can only text the contacts and accounts they can see.  Numbers are
normalised (E.164 by ``phonenumbers``), duplicates removed, and numbers on the
opt-out list removed; each removal is counted so the composer can say so.
For an advertisement, recipients without recorded consent are removed too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import urllib.parse

import phonenumbers
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from core.db import session
from core.entities.query import apply_params, filter_condition, parse_list_args, visible_select
from core.errors import CRMError, ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.ui.models import SavedFilter
from plugins.customers.entities import accounts, contacts
from plugins.sms.models import Consent, OptOut

_, _l = translator("sms")


@dataclass
class Recipient:
    phone: str
    name: str = ""
    company: str = ""
    contact_id: int | None = None
    account_id: int | None = None


@dataclass
class Cleaned:
    recipients: list[Recipient] = field(default_factory=list)
    duplicate: int = 0
    optout: int = 0
    no_consent: int = 0
    invalid: int = 0

    def counts(self) -> dict:
        return {"recipients": len(self.recipients), "removed_duplicate": self.duplicate,
                "removed_optout": self.optout, "removed_no_consent": self.no_consent,
                "removed_invalid": self.invalid}


def normalise(raw: str | None) -> str | None:
    """E.164 for a valid number (Korean by default: ``010-1234-5678`` -> ``+821012345678``), else ``None``."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, runtime().settings.phone_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(phone: str) -> str:
    """The digits a Korean gateway wants: ``+821012345678`` -> ``01012345678`` (trunk prefix 0); others keep ``+``."""
    return "0" + phone[3:] if phone.startswith("+82") else phone


def display(phone: str) -> str:
    """A stored E.164 number as people write it (``02-555-0100`` in Korea, international elsewhere)."""
    number = phonenumbers.parse(phone)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if phonenumbers.region_code_for_number(number) == \
        runtime().settings.phone_region else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def from_contacts(condition, user, params=None) -> list[Recipient]:
    table, account = contacts.table, accounts.table.alias("account")
    stmt = (visible_select(contacts, user, table.c.id, table.c.name, table.c.mobile, table.c.account_id,
                           account.c.name.label("company"))
            .outerjoin(account, account.c.id == table.c.account_id).where(condition).order_by(table.c.id))
    if params is not None:
        stmt = apply_params(contacts, stmt, params)
    return [Recipient(row.mobile or "", row.name or "", row.company or "", row.id, row.account_id)
            for row in session().execute(stmt)]


def from_accounts(ids: list[int], user) -> list[Recipient]:
    table = accounts.table
    stmt = visible_select(accounts, user, table.c.id, table.c.name, table.c.phone).where(table.c.id.in_(ids))
    return [Recipient(row.phone or "", row.name or "", row.name or "", None, row.id)
            for row in session().execute(stmt.order_by(table.c.id))]


def saved_filter(filter_id: int, user):
    """The list parameters of a saved contact filter the user may use (their own or a shared one)."""
    row = session().get(SavedFilter, filter_id)
    if row is None or row.entity != "contacts" or not (row.shared or row.user_id == user.id):
        raise ValidationError(_("No such saved contact filter."))
    return parse_list_args(contacts, MultiDict(urllib.parse.parse_qsl(row.query)), user)


def gather(data: dict, user) -> tuple[list[Recipient], int]:
    """The recipients as asked for, before cleaning, and how many record numbers were unusable.

    Ids the user cannot see and typed numbers that are not valid are a 422
    naming them; a contact or account without a valid number is counted.
    """
    errors = {}
    found: list[Recipient] = []
    if data["contact_ids"]:
        rows = from_contacts(contacts.table.c.id.in_(data["contact_ids"]), user)
        missing = sorted(set(data["contact_ids"]) - {r.contact_id for r in rows})
        if missing:
            errors["contact_ids"] = _("No such contact: %(ids)s.", ids=", ".join(map(str, missing)))
        found += rows
    if data["account_ids"]:
        rows = from_accounts(data["account_ids"], user)
        missing = sorted(set(data["account_ids"]) - {r.account_id for r in rows})
        if missing:
            errors["account_ids"] = _("No such account: %(ids)s.", ids=", ".join(map(str, missing)))
        found += rows
    if data.get("group"):
        groups = runtime().registry.field_map(contacts)["groups"]
        found += from_contacts(filter_condition(contacts, groups, "contains", data["group"]), user)
    if data.get("filter_id") is not None:
        try:
            found += from_contacts(sa.true(), user, saved_filter(data["filter_id"], user))
        except CRMError as exc:
            errors["filter_id"] = exc.message
    typed = [(raw, normalise(raw)) for raw in data["numbers"]]
    bad = [raw for raw, phone in typed if phone is None]
    if bad:
        errors["numbers"] = _("Not a valid phone number: %(numbers)s.", numbers=", ".join(bad))
    if errors:
        raise ValidationError(_("Some recipients are not valid."), errors)
    usable, invalid = [], 0
    for recipient in found:
        recipient.phone = normalise(recipient.phone)
        if recipient.phone is None:
            invalid += 1
        else:
            usable.append(recipient)
    usable += [Recipient(phone) for _raw, phone in typed]
    return usable, invalid


def opted_out(phones: set[str]) -> set[str]:
    if not phones:
        return set()
    found: set[str] = set()
    ordered = sorted(phones)
    for start in range(0, len(ordered), 1000):
        found.update(session().scalars(sa.select(OptOut.phone).where(OptOut.phone.in_(ordered[start:start + 1000]))))
    return found


def consenting(contact_ids: set[int], *, night: bool = False) -> set[int]:
    """The contacts with recorded consent to advertising (and, with ``night``, to advertising at night)."""
    if not contact_ids:
        return set()
    condition = Consent.ads.is_(True) & (Consent.night.is_(True) if night else sa.true())
    ordered, found = sorted(contact_ids), set()
    for start in range(0, len(ordered), 1000):
        found.update(session().scalars(sa.select(Consent.contact_id).where(
            Consent.contact_id.in_(ordered[start:start + 1000]), condition)))
    return found


def clean(found: list[Recipient], invalid: int, *, advertising: bool) -> Cleaned:
    """Duplicates, opted-out numbers and (for ads) recipients without consent removed and counted."""
    result = Cleaned(invalid=invalid)
    seen: set[str] = set()
    unique = []
    for recipient in found:
        if recipient.phone in seen:
            result.duplicate += 1
        else:
            seen.add(recipient.phone)
            unique.append(recipient)
    refused = opted_out(seen)
    allowed = consenting({r.contact_id for r in unique if r.contact_id}) if advertising else set()
    for recipient in unique:
        if recipient.phone in refused:
            result.optout += 1
        elif advertising and recipient.contact_id not in allowed:
            result.no_consent += 1
        else:
            result.recipients.append(recipient)
    return result

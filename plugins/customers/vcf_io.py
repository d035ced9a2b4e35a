"""vCard import and export of contacts: the database side of :mod:`plugins.customers.vcard`."""
from __future__ import annotations

from typing import IO

import sqlalchemy as sa

from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.query import visible_select
from core.errors import CRMError, ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from plugins.customers import vcard

_, _l = translator("customers")


def write_contacts(stmt: sa.Select, user, fileobj: IO[bytes], hidden: set[str] = frozenset()) -> int:
    """Write the contacts ``stmt`` selects (built on ``visible_select``) with their account names.

    Fields in ``hidden`` (field-level security) are left out of the cards.
    """
    from plugins.customers.entities import contacts

    fields = runtime().registry.fields(contacts)
    rows = [{k: v for k, v in records.row_to_record(contacts, r, fields).items() if k not in hidden}
            for r in session().execute(stmt)]
    return export_writer(contacts, rows, fileobj, user=user)


def export_writer(entity, rows, fileobj: IO[bytes], *, user=None) -> int:
    """The ``crm_export_formats`` writer: contact records (dicts, with ``_display`` from the exporter) to vCards."""
    rows = list(rows)
    if rows and all("_display" in r for r in rows):
        shown = [r["_display"] for r in rows]
    else:
        shown = display_values(entity, rows, user or current_user_or_none())
    return vcard.write_cards(((row, names.get("account_id")) for row, names in zip(rows, shown)), fileobj)


def import_reader(fileobj: IO[bytes]):
    """The ``crm_import_formats`` reader: one row per card; the company name goes to ``account_id``.

    The importer resolves a reference by the target's name, so the account is
    found the same way as from a spreadsheet column.
    """
    for row in vcard.read_cards(fileobj):
        if "account" in row:
            row["account_id"] = row.pop("account")
        if "groups" in row:
            row["groups"] = ";".join(row["groups"])
        yield row


def import_contacts(fileobj: IO[bytes], user) -> tuple[list[dict], list[str]]:
    """Create a contact per card, linked to the visible account of the same name; all or nothing.

    Returns the created records and the company names that matched no account
    (those contacts are created without one, to be linked later).
    """
    from plugins.customers.entities import contacts

    created, unlinked, errors = [], [], {}
    try:
        cards = list(vcard.read_cards(fileobj))
    except ValueError:
        raise ValidationError(_("The file holds no vCard.")) from None
    for index, row in enumerate(cards, start=1):
        company = row.pop("account", None)
        if company:
            row["account_id"] = account_id_by_name(company, user)
            if row["account_id"] is None:
                del row["account_id"]
                unlinked.append(company)
        try:
            created.append(records.create(contacts, row, user))
        except CRMError as exc:
            errors[f"card {index}"] = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
    if errors:
        session().rollback()
        raise ValidationError(_("Some cards could not be imported; nothing was imported."), errors)
    if not created:
        raise ValidationError(_("The file holds no vCard."))
    return created, sorted(set(unlinked))


def account_id_by_name(name: str, user) -> int | None:
    from plugins.customers.accounts import name_key
    from plugins.customers.entities import accounts

    table = accounts.table
    candidates = session().execute(visible_select(accounts, user, table.c.id, table.c.name)
                                   .where(sa.func.lower(table.c.name).contains(name_key(name), autoescape=True))
                                   .order_by(table.c.id).limit(20)).all()
    exact = [row.id for row in candidates if row.name == name]
    same_key = [row.id for row in candidates if name_key(row.name) == name_key(name)]
    return (exact or same_key or [None])[0]

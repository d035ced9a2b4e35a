"""The customer 360° view (고객 뷰 / 360 파노라마): one account and everything related to it, with counts.

Every section is read through :func:`core.entities.query.visible_select`, so
a rep sees the account's contacts and activities they may see, and the
counts are of those.  Sections come from the related lists every plugin
declares (``crm_related_lists``) plus ``crm_account_summaries`` for anything
that is not a plain child list; notes and attachments are the core's.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.api.records import items_json
from core.entities.query import all_fields, order_by, parse_sort, visible_select
from core.plugin_api import translator
from core.runtime import runtime
from core.security.fields import hidden_fields, strip_hidden

_, _l = translator("customers")

SECTION_LIMIT = 20


def account_360(account_id: int, user, limit: int = SECTION_LIMIT) -> dict:
    from plugins.customers.entities import accounts

    account = records.get(accounts, account_id, user)
    out = records.to_json(accounts, account)
    out["_display"] = display_values(accounts, [account], user)[0]
    strip_hidden(out, hidden_fields(accounts, user))
    out["days_since_contact"] = days_since(account.get("last_contact_at"))
    sections = {}
    for related in runtime().registry.related.get("accounts", []):
        key = "sub_accounts" if related.entity == "accounts" else related.entity
        sections[key] = child_section(runtime().registry.get(related.entity), related.field, account_id, user,
                                      limit, label=related.label)
    sections.update(core_sections(account, user, limit))
    for group in runtime().hook.crm_account_summaries(account=account, user=user):
        for section in group or []:
            sections[section["key"]] = {k: v for k, v in section.items() if k != "key"}
    if "activities" in sections:
        add_assignees(sections["activities"]["data"])
    return {"account": out, "sections": sections}


def child_section(entity, field: str, parent_id: int, user, limit: int, label=None) -> dict:
    """The first ``limit`` children in the entity's default order, their count, hidden fields left out."""
    table = entity.table
    stmt = visible_select(entity, user).where(table.c[field] == parent_id)
    count = session().execute(stmt.with_only_columns(sa.func.count()).order_by(None)).scalar_one()
    sort = parse_sort(all_fields(entity), entity.default_sort, {})
    result = session().execute(order_by(entity, stmt, sort).limit(limit))
    data = items_json(entity, list(result.keys()), result.all(), user, hidden_fields(entity, user))
    return {"label": str(label or entity.label), "entity": entity.name, "count": count, "data": data}


def core_sections(account: dict, user, limit: int) -> dict:
    """Notes and attachments on the account (the core's, on any record)."""
    from core import attachments, notes
    from core.security.users import names_of
    from plugins.customers.entities import accounts

    note_rows = notes.list_notes(accounts, account["id"], user)
    files = attachments.list_attachments(accounts, account["id"], user)
    author_ids = {n.author_id for n in note_rows} | {f.uploaded_by_id for f in files}
    names = names_of(author_ids)
    return {
        "notes": {"label": _("Notes"), "entity": None, "count": len(note_rows),
                  "data": [notes.note_json(n, user, names) for n in note_rows[:limit]]},
        "attachments": {"label": _("Attachments"), "entity": None, "count": len(files),
                        "data": [attachments.attachment_json(f, names) for f in files[:limit]]},
    }


def add_assignees(items: list[dict]) -> None:
    from plugins.customers.activities import assignees_by_activity

    by_id = assignees_by_activity([i["id"] for i in items])
    for item in items:
        item["assignee_ids"] = by_id.get(item["id"], [])


def days_since(moment: dt.datetime | None) -> int | None:
    return None if moment is None else (clock.now() - moment).days

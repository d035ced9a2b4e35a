"""The customer 360° view (고객 뷰 / 360 파노라마): one account and everything related to it, with counts.

Every section is read through :func:`core.entities.query.visible_select`, so
a rep sees the account's contacts and activities they may see, and the
counts are of those.  Sections come from the related lists every plugin
declares (``crm_related_lists``) plus ``crm_account_summaries`` for anything
that is not a plain child list; notes and attachments come from the core
when it provides them.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities import records
from core.entities.display import display_values
from core.entities.query import visible_select
from core.runtime import runtime

SECTION_LIMIT = 20


def account_360(account_id: int, user, limit: int = SECTION_LIMIT) -> dict:
    from plugins.customers.entities import accounts

    account = records.get(accounts, account_id, user)
    out = records.to_json(accounts, account)
    out["_display"] = display_values(accounts, [account], user)[0]
    out["days_since_contact"] = days_since(account.get("last_contact_at"))
    sections = {}
    for related in runtime().registry.related.get("accounts", []):
        key = "sub_accounts" if related.entity == "accounts" else related.entity
        sections[key] = child_section(runtime().registry.get(related.entity), related.field, account_id, user,
                                      limit, label=related.label)
    for key, section in core_sections(account_id, user).items():
        sections.setdefault(key, section)
    for group in runtime().hook.crm_account_summaries(account=account, user=user):
        for section in group or []:
            sections[section["key"]] = {k: v for k, v in section.items() if k != "key"}
    if "activities" in sections:
        add_assignees(sections["activities"]["data"])
    return {"account": out, "sections": sections}


def child_section(entity, field: str, parent_id: int, user, limit: int, label=None) -> dict:
    table = entity.table
    stmt = visible_select(entity, user).where(table.c[field] == parent_id)
    count = session().execute(stmt.with_only_columns(sa.func.count()).order_by(None)).scalar_one()
    fields = runtime().registry.fields(entity)
    order = [table.c[entity.default_sort.lstrip("-")].desc() if entity.default_sort.startswith("-")
             else table.c[entity.default_sort].asc(), table.c.id.desc()]
    rows = [records.row_to_record(entity, r, fields)
            for r in session().execute(stmt.order_by(*order).limit(limit))]
    data = [records.to_json(entity, r, fields) for r in rows]
    for item, shown in zip(data, display_values(entity, rows, user)):
        item["_display"] = shown
    return {"label": str(label or entity.label), "entity": entity.name, "count": count, "data": data}


def core_sections(account_id: int, user) -> dict:
    """Notes and attachments, when the core offers a reader for them (``core.notes`` / ``core.attachments``)."""
    sections = {}
    for key, module_name in (("notes", "core.notes"), ("attachments", "core.attachments")):
        try:
            module = __import__(module_name, fromlist=["for_record"])
        except ImportError:
            continue
        reader = getattr(module, "for_record", None)
        if reader is not None:
            items = reader("accounts", account_id, user)
            sections[key] = {"label": key, "count": len(items), "data": items}
    return sections


def add_assignees(items: list[dict]) -> None:
    from plugins.customers.activities import assignees_by_activity

    by_id = assignees_by_activity([i["id"] for i in items])
    for item in items:
        item["assignee_ids"] = by_id.get(item["id"], [])


def days_since(moment: dt.datetime | None) -> int | None:
    return None if moment is None else (clock.now() - moment).days

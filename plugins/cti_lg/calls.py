"""Incoming calls: recording a ring, finding the caller among the customers, and what the popup shows.

Recording does the least (one call row and one event row for the agent of
the extension); finding the customer happens when the agent's browser reads
the event, through ``visible_select`` as that agent, so a popup shows only
records the agent may see.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities.query import visible_select
from core.phones import normalise_phone
from core.runtime import runtime
from core.security.permissions import can
from plugins.cti_lg import push
from plugins.cti_lg.entities import DONE, service_receipts
from plugins.cti_lg.models import INBOUND, SOURCE_CALLBACK, Call, Event, Extension, Line, Number

MATCH_LIMIT = 10
EVENT_KEEP = dt.timedelta(days=2)


def agent_for(line_id: int, inner_num: str) -> int | None:
    return session().execute(sa.select(Extension.user_id).where(
        Extension.line_id == line_id, Extension.inner_num == inner_num)).scalar_one_or_none()


def record_ring(line: Line, sender: str, receiver: str, inner_num: str) -> Call:
    """One ring: the call row and, when the extension is mapped to a user, that user's popup event."""
    sess = session()
    call = Call(line_id=line.id, direction=INBOUND, source=SOURCE_CALLBACK, caller=sender,
                caller_norm=normalise_phone(sender), receiver=receiver, inner_num=inner_num,
                user_id=agent_for(line.id, inner_num), started_at=clock.now(), status="ring")
    sess.add(call)
    sess.flush()
    if call.user_id is not None:
        sess.add(Event(user_id=call.user_id, call_id=call.id, kind="ring", created_at=call.started_at))
        push.notify_in_transaction(sess)
    return call


def events_after(user_id: int, after: int, limit: int = 20) -> list[Event]:
    return list(session().scalars(sa.select(Event).where(Event.user_id == user_id, Event.id > after)
                                  .order_by(Event.id).limit(limit)))


def last_event_id(user_id: int) -> int:
    return session().execute(sa.select(sa.func.max(Event.id)).where(Event.user_id == user_id)).scalar() or 0


def forget_old_events() -> int:
    """Delete popup events older than :data:`EVENT_KEEP` (they only exist to reach a browser)."""
    return session().execute(sa.delete(Event).where(Event.created_at < clock.now() - EVENT_KEEP)).rowcount


# --- who is calling ---------------------------------------------------------------
def matches(phone_norm: str | None, user) -> list[dict]:
    """Accounts and contacts with this number that ``user`` may see (phone columns, then linked numbers)."""
    if not phone_norm:
        return []
    registry = runtime().registry.entities
    accounts, contacts = registry["accounts"], registry["contacts"]
    linked = session().execute(sa.select(Number.account_id, Number.contact_id)
                               .where(Number.phone_norm == phone_norm)).first()
    found: list[dict] = []
    if can(user, accounts, "view"):
        t = accounts.table
        cond = t.c.phone_norm == phone_norm
        if linked and linked.account_id:
            cond = sa.or_(cond, t.c.id == linked.account_id)
        for row in session().execute(visible_select(accounts, user, t.c.id, t.c.name, t.c.phone)
                                     .where(cond).order_by(t.c.id).limit(MATCH_LIMIT)):
            found.append({"entity": "accounts", "id": row.id, "name": row.name, "account_id": row.id,
                          "account_name": row.name, "phone": row.phone})
    if can(user, contacts, "view"):
        t = contacts.table
        cond = sa.or_(t.c.mobile_norm == phone_norm, t.c.direct_line_norm == phone_norm)
        if linked and linked.contact_id:
            cond = sa.or_(cond, t.c.id == linked.contact_id)
        rows = session().execute(visible_select(contacts, user, t.c.id, t.c.name, t.c.account_id, t.c.mobile)
                                 .where(cond).order_by(t.c.id).limit(MATCH_LIMIT)).all()
        names = account_names({r.account_id for r in rows if r.account_id}, user)
        for row in rows:
            found.append({"entity": "contacts", "id": row.id, "name": row.name, "account_id": row.account_id,
                          "account_name": names.get(row.account_id, ""), "phone": row.mobile})
    return found


def account_names(ids: set[int], user) -> dict[int, str]:
    if not ids:
        return {}
    accounts = runtime().registry.entities["accounts"]
    t = accounts.table
    return dict(session().execute(visible_select(accounts, user, t.c.id, t.c.name).where(t.c.id.in_(ids))).all())


def open_receipts(account_ids: set[int], phone_norm: str | None, user) -> list[dict]:
    if not can(user, service_receipts, "view"):
        return []
    t = service_receipts.table
    cond = t.c.phone_norm == phone_norm if phone_norm else sa.false()
    if account_ids:
        cond = sa.or_(cond, t.c.account_id.in_(account_ids))
    rows = session().execute(visible_select(service_receipts, user, t.c.id, t.c.number, t.c.received_at,
                                            t.c.category, t.c.content, t.c.status)
                             .where(cond, t.c.status != DONE).order_by(t.c.received_at.desc()).limit(10))
    return [{"id": r.id, "number": r.number, "received_at": r.received_at.isoformat() if r.received_at else None,
             "category": r.category, "content": (r.content or "")[:200], "status": r.status} for r in rows]


def recent_activities(account_ids: set[int], user) -> list[dict]:
    activities = runtime().registry.entities.get("activities")
    if not account_ids or activities is None or not can(user, activities, "view"):
        return []
    t = activities.table
    rows = session().execute(visible_select(activities, user, t.c.id, t.c.subject, t.c.type, t.c.start_at)
                             .where(t.c.account_id.in_(account_ids))
                             .order_by(t.c.start_at.desc().nulls_last(), t.c.id.desc()).limit(5))
    return [{"id": r.id, "subject": r.subject, "type": r.type,
             "start_at": r.start_at.isoformat() if r.start_at else None} for r in rows]


def popup(call: Call, user) -> dict:
    """What the agent's popup shows for ``call``: the caller, matching customers, open receipts, activities."""
    found = matches(call.caller_norm, user)
    account_ids = {m["account_id"] for m in found if m["account_id"]}
    return {"call_id": call.id, "caller": call.caller, "inner_num": call.inner_num,
            "started_at": call.started_at.isoformat(), "matches": found,
            "open_receipts": open_receipts(account_ids, call.caller_norm, user),
            "activities": recent_activities(account_ids, user)}


def event_payload(event: Event, user) -> dict | None:
    call = session().get(Call, event.call_id)
    if call is None or call.user_id != user.id:
        return None
    return {"event_id": event.id, "kind": event.kind, **popup(call, user)}

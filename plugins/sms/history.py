"""Reading the send log: every read starts from :func:`visible_log`, the one permission filter.

A user sees the rows they sent and, going down the role tree, those of the
people below them (a manager their team's, the owner everyone's);
administrators see all.  Per-record history on a contact or account page is
the same query narrowed to that record, shown only to someone who may see the
record.
"""
from __future__ import annotations

import sqlalchemy as sa

from core.security.permissions import owner_condition
from plugins.sms.models import LOG_STATUSES, LogEntry, Message


def log_condition(user, column=LogEntry.owner_id):
    if user is None or not getattr(user, "active", False):
        return sa.false()
    if user.is_admin:
        return sa.true()
    if user.role_id is None:
        return sa.false()
    return owner_condition(column, user)


def visible_log(user) -> sa.Select:
    return sa.select(LogEntry).where(log_condition(user))


def visible_messages(user) -> sa.Select:
    return sa.select(Message).where(log_condition(user, Message.owner_id))


def entry_json(row: LogEntry) -> dict:
    return {"id": row.id, "message_id": row.message_id, "owner_id": row.owner_id, "phone": row.phone,
            "contact_id": row.contact_id, "account_id": row.account_id, "name": row.name, "text": row.text,
            "kind": row.kind, "segments": row.segments, "status": row.status, "provider_id": row.provider_id,
            "error": row.error, "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None}


def status_counts(sess, message_id: int) -> dict:
    rows = sess.execute(sa.select(LogEntry.status, sa.func.count()).where(LogEntry.message_id == message_id)
                        .group_by(LogEntry.status))
    counts = dict.fromkeys(LOG_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts

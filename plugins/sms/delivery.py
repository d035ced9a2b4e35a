"""Delivery reports by polling: after a send, gateways that can look messages up are asked what became of them.

The ``sms.delivery`` job reads the message's ``sent`` rows (one short
transaction), asks the gateway about each with no transaction open, and
records ``delivered`` or ``failed`` (another).  Rows the gateway still reports
as on their way are asked again later, up to :data:`ROUNDS` times.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core import clock
from core.db import session
from core.jobs import enqueue
from plugins.sms import config
from plugins.sms.models import SENT, LogEntry, Message
from plugins.sms.outcomes import outgoing, record
from plugins.sms.providers import Provider, ProviderError
from plugins.sms.recipients import national

JOB_TYPE = "sms.delivery"
ROUNDS = 3
FIRST_CHECK = dt.timedelta(minutes=2)


def schedule(provider: Provider, message_id: int, round_: int = 1) -> None:
    """Queue the next check for a message sent through ``provider`` (when it can report delivery)."""
    caps = provider.capabilities
    if caps.lookup and caps.delivery_reports and round_ <= ROUNDS:
        enqueue(JOB_TYPE, {"message_id": message_id, "round": round_}, run_at=clock.now() + FIRST_CHECK * round_,
                dedupe_key=f"{JOB_TYPE}:{message_id}:{round_}")


def check_job(payload: dict, ctx) -> str:
    """Job handler for ``sms.delivery``."""
    message_id, round_ = int(payload["message_id"]), int(payload.get("round", 1))
    message = session().get(Message, message_id)
    provider = config.build_provider()
    sender, subject = national(message.sender), message.subject
    table = LogEntry.__table__
    rows = session().execute(sa.select(table.c.phone, table.c.text, table.c.kind, table.c.idempotency_key)
                             .where(table.c.message_id == message_id, table.c.status == SENT)).all()
    session().commit()
    results = []
    for row in rows:
        try:
            found = provider.lookup(outgoing(row, sender, subject))
        except ProviderError:
            found = None
        if found is not None and found.status != SENT:
            results.append(found)
    record(results)
    if len(results) < len(rows):
        schedule(provider, message_id, round_ + 1)
        session().commit()
    return f"{len(results)} of {len(rows)} settled"

"""The ``sms.send`` job: a message's queued log rows go out in chunks, no transaction open across the network.

Each chunk is three steps:

1. **claim** (one short transaction): up to ``chunk`` queued rows become
   ``sending``; rows whose number was opted out since queuing become ``failed``.
2. **send** (no transaction): the provider's requests, paced to its rate limit.
3. **record** (another short transaction): each row's outcome.

A row is ``sending`` only while its request may be in flight.  If the worker
dies in step 2, the job runs again (its lease expires) and first settles the
rows it finds ``sending``: it asks the provider by idempotency key when the
provider can be asked, else marks them ``unknown`` for a person.  They are
never sent a second time.  When the provider is down, the unsent rows go back
to ``queued`` and the job fails, to be retried with backoff: nothing is lost.
"""
from __future__ import annotations

import logging
import time

import sqlalchemy as sa

from core import clock, secret_values
from core.db import session
from core.jobs import PermanentJobError, enqueue
from plugins.sms import config, rules
from plugins.sms.models import FAILED, QUEUED, SENDING, UNKNOWN, LogEntry, Message
from plugins.sms.providers import Ambiguous, Provider, ProviderConfigError, ProviderDown, Result
from plugins.sms import delivery
from plugins.sms.outcomes import outgoing, record
from plugins.sms.recipients import national, opted_out
from plugins.sms.services import JOB_TYPE

log = logging.getLogger("plugcrm.sms")
MIN_CHUNK = 50


class Pacer:
    """Keeps requests at most ``rate_per_second`` (each request carries one batch)."""

    def __init__(self, rate_per_second: float):
        self.interval = 1.0 / rate_per_second
        self.next_at = 0.0

    def wait(self) -> None:
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def send_job(payload: dict, ctx) -> str:
    """Job handler for ``sms.send``; returns a summary for the job log."""
    message_id = int(payload["message_id"])
    message = session().get(Message, message_id)
    if message is None:
        raise PermanentJobError(f"sms message {message_id} does not exist")
    night_bound = message.advertising and not message.night_ok
    sender, subject = national(message.sender), message.subject
    settings = config.current()
    try:
        provider = config.build_provider(settings, timeout=settings["timeout"])
    except (ProviderConfigError, secret_values.SecretUnreadable, KeyError) as exc:
        raise PermanentJobError(f"sms provider settings: {exc}") from None
    total = session().scalar(sa.select(sa.func.count()).where(LogEntry.message_id == message_id))
    done = session().scalar(sa.select(sa.func.count()).where(LogEntry.message_id == message_id,
                                                             LogEntry.status != QUEUED))
    session().commit()
    settle_in_flight(provider, message_id, sender, subject)
    pacer = Pacer(settings["rate_per_second"] or provider.capabilities.rate_per_second)
    chunk = max(MIN_CHUNK, provider.capabilities.batch_size)
    sent = 0
    while True:
        if night_bound and rules.is_night(clock.now()):
            return defer_to_morning(message_id)
        picked, rows = claim(message_id, chunk)
        if not picked:
            delivery.schedule(provider, message_id)
            return f"{sent} sent"
        if rows:
            sent += send_rows(provider, rows, sender, subject, pacer)
        done += picked
        ctx.progress(done, total)


def defer_to_morning(message_id: int) -> str:
    morning = rules.next_morning(clock.now())
    enqueue(JOB_TYPE, {"message_id": message_id}, run_at=morning, max_attempts=10,
            dedupe_key=f"{JOB_TYPE}:{message_id}:{morning:%Y%m%d}")
    return f"advertising paused for the night, continues at {morning.isoformat()}"


def claim(message_id: int, limit: int) -> tuple[int, list]:
    """Step 1: the next queued rows become ``sending`` (opted-out numbers ``failed``), committed at once.

    Returns how many rows were taken and those to send.
    """
    sess = session()
    table = LogEntry.__table__
    stmt = (sa.select(table.c.id, table.c.phone, table.c.text, table.c.kind, table.c.idempotency_key)
            .where(table.c.message_id == message_id, table.c.status == QUEUED).order_by(table.c.id).limit(limit))
    if sess.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = sess.execute(stmt).all()
    refused = opted_out({r.phone for r in rows})
    now = clock.now()
    claimed = [r for r in rows if r.phone not in refused]
    if refused:
        sess.execute(table.update().where(table.c.id.in_([r.id for r in rows if r.phone in refused]))
                     .values(status=FAILED, error="opted out after it was queued", updated_at=now))
    if claimed:
        sess.execute(table.update().where(table.c.id.in_([r.id for r in claimed]))
                     .values(status=SENDING, updated_at=now))
    sess.commit()
    return len(rows), claimed


def send_rows(provider: Provider, rows: list, sender: str, subject: str, pacer: Pacer) -> int:
    """Steps 2 and 3 for claimed rows; a provider that is down puts the unsent rows back and fails the job."""
    messages = [outgoing(r, sender, subject) for r in rows]
    size = provider.capabilities.batch_size
    results: list[Result] = []
    for start in range(0, len(messages), size):
        batch = messages[start:start + size]
        pacer.wait()
        try:
            results += provider.send(batch)
        except Ambiguous as exc:
            log.warning("sms: %s messages in doubt (%s); reconciling, not resending", len(batch), exc)
            results += [provider.lookup(m) or Result(m.key, UNKNOWN, error=str(exc)[:500]) for m in batch]
            record(results, release=messages[start + size:])
            raise ProviderDown(f"the gateway did not answer: {exc}") from None
        except ProviderDown:
            record(results, release=messages[start:])
            raise
        except ProviderConfigError as exc:
            record(results, release=messages[start:])
            raise PermanentJobError(f"sms provider refused the settings: {exc}") from None
    record(results)
    return sum(r.status != FAILED for r in results)


def settle_in_flight(provider: Provider, message_id: int, sender: str, subject: str) -> None:
    """Rows left ``sending`` by a worker that died mid-request: looked up, else ``unknown``; never resent."""
    table = LogEntry.__table__
    rows = session().execute(sa.select(table.c.phone, table.c.text, table.c.kind, table.c.idempotency_key)
                             .where(table.c.message_id == message_id, table.c.status == SENDING)).all()
    session().commit()  # the lookups below are network calls: no transaction stays open across them
    if not rows:
        return
    log.warning("sms message %s: %s messages were in flight when a worker stopped", message_id, len(rows))
    results = []
    for row in rows:
        m = outgoing(row, sender, subject)
        found = provider.lookup(m) if provider.capabilities.lookup else None
        results.append(found or Result(m.key, UNKNOWN, error="in flight when the worker stopped; check with the "
                                                             "provider"))
    record(results)

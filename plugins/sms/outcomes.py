"""What the send and delivery jobs share: a log row as the gateway sees it, and writing outcomes back."""
from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.db import session
from plugins.sms.models import QUEUED, SENDING, LogEntry
from plugins.sms.providers import Outgoing, Result
from plugins.sms.recipients import national


def outgoing(row, sender: str, subject: str) -> Outgoing:
    return Outgoing(key=row.idempotency_key, sender=sender, to=national(row.phone), text=row.text, kind=row.kind,
                    subject=subject if row.kind != "SMS" else "")


def record(results: list[Result], release: list[Outgoing] = ()) -> None:
    """Outcomes written in one short transaction (the first ``sent_at`` stays); ``release`` goes back to ``queued``."""
    now = clock.now()
    sess = session()
    table = LogEntry.__table__
    if results:
        sess.execute(
            table.update().where(table.c.idempotency_key == sa.bindparam("k"))
            .values(status=sa.bindparam("s"), provider_id=sa.func.coalesce(sa.bindparam("p"), table.c.provider_id),
                    error=sa.bindparam("e"), sent_at=sa.func.coalesce(table.c.sent_at, sa.bindparam("t")),
                    updated_at=now),
            [{"k": r.key, "s": r.status, "p": r.provider_id, "e": (r.error or None) and r.error[:500],
              "t": now if r.status in ("sent", "delivered") else None} for r in results])
    if release:
        sess.execute(table.update().where(table.c.idempotency_key.in_([m.key for m in release]),
                                          table.c.status == SENDING).values(status=QUEUED, updated_at=now))
    sess.commit()

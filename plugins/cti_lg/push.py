"""Waking the popup streams of every app process when a ring is recorded.

The event itself is a row (``cti_lg_events``), written in the ring's
transaction; what crosses processes is only "look again".  On PostgreSQL the
ring's transaction also runs ``pg_notify`` (delivered when it commits), and
each process keeps one connection ``LISTEN``\\ ing in a daemon thread that
wakes its streams.  SQLite deployments are one process: the request that
recorded the ring wakes the streams itself after committing.  Either way a
stream that missed a wake-up finds the row on its next look (every
:data:`SAFETY_POLL` seconds at the latest).
"""
from __future__ import annotations

import logging
import threading
import time

import psycopg
import sqlalchemy as sa

CHANNEL = "cti_lg_events"
SAFETY_POLL = 5.0
log = logging.getLogger("plugcrm.cti_lg")


class Hub:
    """A counter and a condition: streams wait for the counter to move past what they last saw."""

    def __init__(self):
        self.condition = threading.Condition()
        self.seq = 0
        self.listening = False

    def wake(self) -> None:
        with self.condition:
            self.seq += 1
            self.condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until something was published after ``seen`` or ``timeout`` passed; the counter now."""
        with self.condition:
            self.condition.wait_for(lambda: self.seq != seen, timeout)
            return self.seq

    def listen(self, engine: sa.Engine) -> None:
        """On PostgreSQL, start (once) the thread that turns ``NOTIFY`` into :meth:`wake`."""
        if engine.dialect.name != "postgresql" or self.listening:
            return
        with self.condition:
            if self.listening:
                return
            self.listening = True
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        threading.Thread(target=self.listen_forever, args=(dsn,), daemon=True, name="cti-lg-listen").start()

    def listen_forever(self, dsn: str) -> None:
        while True:
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.wake()  # anything published while (re)connecting is found by the streams' next look
                    for _notify in conn.notifies():
                        self.wake()
            except psycopg.Error as exc:
                log.warning("cti_lg: lost the LISTEN connection (%s); reconnecting", exc)
                time.sleep(1)


hubs: dict[str, Hub] = {}
hubs_lock = threading.Lock()


def hub_for(engine: sa.Engine) -> Hub:
    """This process's hub for a database (tests run several apps, each on its own database)."""
    key = engine.url.render_as_string(hide_password=True)
    with hubs_lock:
        hub = hubs.get(key)
        if hub is None:
            hub = hubs[key] = Hub()
    hub.listen(engine)
    return hub


def notify_in_transaction(sess) -> None:
    """Tell the other processes once this transaction commits (PostgreSQL; a no-op on SQLite)."""
    if sess.get_bind().dialect.name == "postgresql":
        sess.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})

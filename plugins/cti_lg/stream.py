"""The popup stream: ``GET /cti_lg/stream``, Server-Sent Events for the signed-in agent.

A stream holds no database transaction and no session while it waits: each
look at the events table is a short app context of its own, and between
looks the stream sleeps on this process's :class:`plugins.cti_lg.push.Hub`
(woken by ``NOTIFY`` on PostgreSQL, by the recording request on SQLite).

It also ends after :data:`STREAM_SECONDS` with ``retry:`` set, and the
browser reconnects with ``Last-Event-ID``, so no worker thread is held for
ever and nothing is lost across the reconnect.  Run gunicorn with threaded
workers (``core.gunicorn_conf`` uses ``gthread``): a waiting stream then takes
one thread, not a whole process.  A user with no extension gets 204, which
tells ``EventSource`` not to reconnect.
"""
from __future__ import annotations

import json
import time

from flask import Response, current_app, request

from core.db import close_session, session
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.models import User
from plugins.cti_lg import calls, lines, push

STREAM_SECONDS = 25.0
RETRY_MS = 1000
KEEPALIVE = 15.0


def last_seen(user_id: int) -> int:
    raw = request.headers.get("Last-Event-ID") or request.args.get("after") or ""
    return int(raw) if raw.isdigit() and len(raw) < 12 else calls.last_event_id(user_id)


def stream_view():
    user = current_user_or_none()
    if user is None or lines.extension_of(user.id) is None:
        return Response(status=204)
    user_id, after = user.id, last_seen(user.id)
    app = current_app._get_current_object()
    hub = push.hub_for(runtime().engine)
    seconds = float(app.config.get("CTI_LG_STREAM_SECONDS", STREAM_SECONDS))
    session().commit()
    close_session()  # the request's own session: nothing stays open while the stream waits

    def look(after_id: int) -> list[dict]:
        with app.app_context():
            agent = session().get(User, user_id)
            if agent is None or not agent.is_active:
                return []
            found = [p for p in (calls.event_payload(e, agent) for e in calls.events_after(user_id, after_id)) if p]
            session().rollback()
            return found

    def generate():
        nonlocal after
        yield f"retry: {RETRY_MS}\n\n"
        deadline = time.monotonic() + seconds
        while True:
            seen = hub.seq
            for payload in look(after):
                after = payload["event_id"]
                yield f"id: {after}\nevent: ring\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if hub.wait(seen, min(remaining, KEEPALIVE, push.SAFETY_POLL)) == seen:
                yield ": keepalive\n\n"

    return Response(generate(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

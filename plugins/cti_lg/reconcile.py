"""The reconciliation poller: calls whose ring callback never arrived, and click-to-calls confirmed.

``cti_lg.reconcile`` is an :class:`core.jobs.IOJob`: it reads the active
lines (one transaction), asks Centrex for ``getinboundcall`` and
``callhistory`` with no transaction open, and records what it learnt
(another).  A Centrex call is stored once: a row already holding its ``NO``
is skipped; a ring that came by callback (no ``NO`` yet) is found by caller
and time and given it; the unique key (line, ``NO``) stops two pollers
racing.  The job schedules its next run every :data:`INTERVAL`.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from core import clock
from core.db import session
from core.jobs import IOJob, enqueue
from core.jobs.models import FAILED, QUEUED, RUNNING, Job
from core.phones import normalise_phone
from plugins.cti_lg import calls, centrex, lines
from plugins.cti_lg.models import (DIAL_CONFIRMED, DIAL_REQUESTED, INBOUND, OUTBOUND, SOURCE_RECONCILE, Call,
                                   Line)

JOB_TYPE = "cti_lg.reconcile"
INTERVAL = dt.timedelta(minutes=5)
MATCH_WINDOW = dt.timedelta(minutes=2)
PAGE_SIZE = 100
MAX_PAGES = 10
KST = dt.timezone(dt.timedelta(hours=9))
log = logging.getLogger("plugcrm.cti_lg")


def schedule(after: dt.timedelta = INTERVAL) -> None:
    """The next run (one per minute slot, so a retried run does not fork the chain)."""
    run_at = clock.now() + after
    enqueue(JOB_TYPE, {}, run_at=run_at, dedupe_key=f"{JOB_TYPE}:{run_at:%Y%m%d%H%M}")


def ensure_scheduled() -> None:
    """Start the chain of runs when none is waiting (a line was added or switched on)."""
    waiting = session().scalar(sa.select(Job.id).where(Job.type == JOB_TYPE, Job.status.in_((QUEUED, RUNNING,
                                                                                              FAILED))).limit(1))
    if waiting is None:
        schedule(dt.timedelta(0))


def kst_time(raw) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(raw), "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST).astimezone(dt.timezone.utc)
    except ValueError:
        return None


def prepare(_payload: dict, _ctx) -> list[dict]:
    active = session().scalars(sa.select(Line).where(Line.active.is_(True)).order_by(Line.id)).all()
    return [{"line_id": line.id, "creds": lines.credentials(line)} for line in active]


def fetch(creds: centrex.Credentials, operation: str, **fields) -> list[dict]:
    rows: list[dict] = []
    for page in range(1, MAX_PAGES + 1):
        chunk = centrex.call(creds, operation, page=page, num_per_page=PAGE_SIZE, **fields)
        if not isinstance(chunk, list) or not chunk:
            break
        rows += [r for r in chunk if isinstance(r, dict)]
        if len(chunk) < PAGE_SIZE:
            break
    return rows


def send(request: list[dict], _ctx) -> list[dict]:
    """Network only: each line's inbound calls and call history (or the error, in words)."""
    results = []
    for item in request:
        try:
            results.append({"line_id": item["line_id"], "inbound": fetch(item["creds"], "getinboundcall"),
                            "history": fetch(item["creds"], "callhistory", calltype="OUT"), "error": ""})
        except centrex.CentrexError as exc:
            results.append({"line_id": item["line_id"], "inbound": [], "history": [], "error": exc.stored})
    return results


def record(results: list[dict], _ctx) -> None:
    for result in results:
        line = session().get(Line, result["line_id"])
        if line is None:
            continue
        line.last_error, line.checked_at = result["error"][:500], clock.now()
        if not result["error"]:
            line.reconciled_at = clock.now()
        for row in result["inbound"]:
            store_inbound(line, row)
        for row in result["history"]:
            confirm_outbound(line, row)
    calls.forget_old_events()
    schedule()


def known(line_id: int, no: str) -> bool:
    return session().execute(sa.select(Call.id).where(Call.line_id == line_id, Call.centrex_no == no)).first() \
        is not None


def near(line_id: int, direction: str, column, value, at: dt.datetime, status: str | None = None):
    cond = [Call.line_id == line_id, Call.direction == direction, Call.centrex_no.is_(None), column == value,
            Call.started_at.between(at - MATCH_WINDOW, at + MATCH_WINDOW)]
    if status is not None:
        cond.append(Call.status == status)
    return session().scalars(sa.select(Call).where(*cond).order_by(Call.id).limit(1)).first()


def store_inbound(line: Line, row: dict) -> None:
    no, at, caller = str(row.get("NO") or ""), kst_time(row.get("TIME")), str(row.get("SRC") or "")[:20]
    if not no or at is None or not caller or known(line.id, no):
        return
    norm = normalise_phone(caller)
    call = near(line.id, INBOUND, Call.caller_norm, norm, at)
    if call is None:
        inner = str(row.get("INNER_NUM") or "")[:10]
        call = Call(line_id=line.id, direction=INBOUND, source=SOURCE_RECONCILE, caller=caller, caller_norm=norm,
                    receiver=str(row.get("DST") or "")[:20], inner_num=inner,
                    user_id=calls.agent_for(line.id, inner) if inner else None, started_at=at)
    call.centrex_no, call.status = no, str(row.get("STATUS") or "")[:20]
    call.duration = int(row["DURATION"]) if str(row.get("DURATION", "")).isdigit() else None
    save_once(call)


def confirm_outbound(line: Line, row: dict) -> None:
    no, at, dest = str(row.get("NO") or ""), kst_time(row.get("TIME")), str(row.get("DST") or "")[:20]
    if not no or at is None or not dest or known(line.id, no):
        return
    call = near(line.id, OUTBOUND, Call.receiver, dest, at, DIAL_REQUESTED)
    if call is not None:
        call.centrex_no, call.status = no, DIAL_CONFIRMED
        save_once(call)


def save_once(call: Call) -> None:
    """Write the call unless another poller stored the same Centrex call first."""
    sess = session()
    try:
        with sess.begin_nested():
            sess.add(call)
    except sa.exc.IntegrityError:
        log.info("cti_lg: call %s of line %s was stored by another poller", call.centrex_no, call.line_id)


handler = IOJob(prepare, send, record)

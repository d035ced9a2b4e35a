"""Activity reminders: a durable job at the chosen time that emails the owner and the assignees.

The job is enqueued in the transaction that saved the activity, with a
dedupe key per activity and reminder time, so saving the activity again
never queues a second reminder for the same moment.  The handler re-reads
the activity and sends only if it is still planned, still reminds at that
time, and the reminder is not stale (worker down for longer than
:data:`STALE_AFTER`).  Other channels (SMS) join through the
``crm_activity_reminder`` hook.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask_babel import force_locale, format_datetime

from core import clock
from core.entities import records
from core.plugin_api import translator
from core.runtime import runtime

_, _l = translator("customers")

JOB_TYPE = "customers.activity_reminder"
STALE_AFTER = dt.timedelta(hours=12)
log = logging.getLogger("plugcrm.customers")


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


def schedule(record: dict, old: dict | None) -> None:
    """Queue the reminder when a planned activity gets a (new) reminder time."""
    from core.jobs import enqueue

    when = record.get("reminder_at")
    if when is None or record.get("status") != "planned":
        return
    if old is not None and old.get("reminder_at") == when and old.get("status") == "planned":
        return
    enqueue(JOB_TYPE, {"activity_id": record["id"], "reminder_at": iso(when)}, run_at=when,
            dedupe_key=f"{JOB_TYPE}:{record['id']}:{iso(when)}")


def send_reminder(payload: dict, ctx) -> str:
    """Job handler: email the people of a still-planned activity; returns what it did (for the job log)."""
    from core.mail import enqueue_email
    from plugins.customers.entities import activities

    activity = records.fetch(activities, int(payload["activity_id"]))
    if activity is None or activity["deleted_at"] is not None or activity["status"] != "planned":
        return "skipped: activity gone, done or cancelled"
    if activity["reminder_at"] is None or iso(activity["reminder_at"]) != payload["reminder_at"]:
        return "skipped: reminder time changed"
    if clock.now() - activity["reminder_at"] > STALE_AFTER:
        log.warning("activity %s: reminder at %s is stale, not sent", activity["id"], payload["reminder_at"])
        return "skipped: stale"
    users = recipients(activity)
    addresses = [u.email for u in users if u.email]
    if addresses:
        with force_locale(runtime().settings.language):
            subject, text = message(activity)
        enqueue_email(addresses, subject, text)
    runtime().hook.crm_activity_reminder(activity=activity, users=users)
    return f"sent to {len(addresses)}"


def recipients(activity: dict) -> list:
    from core.db import session
    from core.security.models import User
    from plugins.customers.activities import assignee_ids

    ids = {activity.get("owner_id"), *assignee_ids(activity["id"])} - {None}
    return list(session().scalars(sa.select(User).where(User.id.in_(ids), User.active).order_by(User.id)))


def message(activity: dict) -> tuple[str, str]:
    start = format_datetime(activity["start_at"], "yyyy-MM-dd HH:mm")
    subject = _("Reminder: %(subject)s (%(start)s)", subject=activity["subject"], start=start)
    lines = [_("Activity: %(subject)s", subject=activity["subject"]), _("Start: %(start)s", start=start)]
    if activity.get("location"):
        lines.append(_("Location: %(location)s", location=activity["location"]))
    if activity.get("description"):
        lines += ["", activity["description"]]
    return subject, "\n".join(lines) + "\n"

"""SMS as a reminder channel: when an activity's reminder is due, its people get a text on their own mobile.

The customers plugin calls ``crm_activity_reminder`` from its reminder job
(it has sent the email already); the text is queued like any send, so it is
in the log of the activity's owner and obeys opt-outs and the daily cap.
"""
from __future__ import annotations

from flask_babel import force_locale, format_datetime

from core.db import session
from core.plugin_api import translator
from core.runtime import runtime
from plugins.sms.models import Profile
from plugins.sms.recipients import Recipient, normalise
from plugins.sms.services import queue_direct

_, _l = translator("sms")


def reminder_text(activity: dict) -> str:
    with force_locale(runtime().settings.language):
        start = format_datetime(activity["start_at"], "MM-dd HH:mm") if activity.get("start_at") else ""
        return _("[Reminder] %(subject)s %(start)s", subject=activity["subject"], start=start).strip()


def queue_reminder(activity: dict, users: list) -> None:
    targets = []
    for user in users:
        profile = session().get(Profile, user.id)
        phone = normalise(profile.mobile) if profile and profile.mobile else None
        if phone:
            targets.append(Recipient(phone, user.name))
    if targets:
        queue_direct(activity.get("owner_id") or users[0].id, targets, reminder_text(activity), origin="reminder")

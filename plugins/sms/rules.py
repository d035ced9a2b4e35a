"""Korea's advertising rules for text messages (정보통신망법 §50), as pure functions.

* An advertising message starts with "(광고)" followed by the sender's name and
  contact, and ends with a free way to refuse further messages
  ("무료수신거부 080-XXX-XXXX").
* Advertising needs the recipient's prior consent (checked by the services with
  the consent records), and none may be sent between 21:00 and 08:00 Korean time
  without a separate consent for that time.  A send planned in that window is
  refused or moved to 08:00, as the sender chooses.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
AD_PREFIX = "(광고)"
NIGHT_START = dt.time(21, 0)
NIGHT_END = dt.time(8, 0)
REFUSE, RESCHEDULE = "refuse", "reschedule"
NIGHT_POLICIES = (REFUSE, RESCHEDULE)


class NightBlocked(ValueError):
    """An advertisement planned for 21:00-08:00 KST with the policy "refuse"; ``allowed_at`` is the next 08:00."""

    def __init__(self, planned: dt.datetime, allowed_at: dt.datetime):
        super().__init__(f"advertising is not allowed at {planned.astimezone(KST):%H:%M} KST")
        self.planned, self.allowed_at = planned, allowed_at


def optout_line(optout_number: str) -> str:
    return f"무료수신거부 {optout_number}"


def optout_link_line(url: str) -> str:
    """The line with the public opt-out link an advertising LMS carries besides the 080 number."""
    return f"수신거부 링크 {url}"


def ad_text(body: str, sender_name: str, sender_contact: str, optout_number: str) -> str:
    """``body`` dressed as the law wants an advertisement; a body already dressed is left as it is."""
    text = body.strip()
    if not text.startswith(AD_PREFIX):
        text = f"{AD_PREFIX}{sender_name} {sender_contact}\n{text}"
    line = optout_line(optout_number)
    if not text.endswith(line):
        text = f"{text}\n{line}"
    return text


def is_night(moment: dt.datetime) -> bool:
    """True from 21:00 up to (not including) 08:00 Korean time."""
    local = moment.astimezone(KST).time()
    return local >= NIGHT_START or local < NIGHT_END


def next_morning(moment: dt.datetime) -> dt.datetime:
    """The first 08:00 KST at or after ``moment`` (as UTC)."""
    local = moment.astimezone(KST)
    morning = local.replace(hour=8, minute=0, second=0, microsecond=0)
    if morning < local:
        morning += dt.timedelta(days=1)
    return morning.astimezone(dt.timezone.utc)


def ad_send_time(planned: dt.datetime, policy: str) -> dt.datetime:
    """When an advertisement planned for ``planned`` may go: unchanged by day; at night refused or moved to 08:00."""
    if policy not in NIGHT_POLICIES:
        raise ValueError(f"night policy must be one of {NIGHT_POLICIES}")
    if not is_night(planned):
        return planned
    allowed = next_morning(planned)
    if policy == REFUSE:
        raise NightBlocked(planned, allowed)
    return allowed

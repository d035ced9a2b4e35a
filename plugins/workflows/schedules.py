"""Schedules of time-based workflows, in the deployment's time zone (Asia/Seoul by default).

``{"every": "hourly", "minute": 15}``, ``{"every": "daily", "time": "09:00"}``,
``{"every": "weekly", "days": ["mon", "thu"], "time": "09:00"}``,
``{"every": "monthly", "day": 31, "time": "08:30"}`` (short months use their
last day) and ``{"every": "date", "at": "2026-12-24T18:00"}`` (once).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from core.plugin_api import translator

_, _l = translator("workflows")

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("hourly", "daily", "weekly", "monthly", "date")


class ScheduleError(ValueError):
    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Schedule:
    every: str
    minute: int = 0
    time: dt.time = dt.time(0, 0)
    days: tuple[int, ...] = ()
    day: int = 1
    at: dt.datetime | None = None

    def next_after(self, moment: dt.datetime, tz) -> dt.datetime | None:
        """The first due time strictly after ``moment`` (UTC), or ``None`` when a one-off date has passed."""
        local = moment.astimezone(tz)
        if self.every == "date":
            at = self.at.replace(tzinfo=tz) if self.at.tzinfo is None else self.at
            return at.astimezone(dt.timezone.utc) if at > moment else None
        if self.every == "hourly":
            candidate = local.replace(minute=self.minute, second=0, microsecond=0)
            if candidate <= local:
                candidate += dt.timedelta(hours=1)
            return candidate.astimezone(dt.timezone.utc)
        day = local.date()
        for _step in range(400):
            if self.matches(day):
                candidate = dt.datetime.combine(day, self.time, tzinfo=tz)
                if candidate > local:
                    return candidate.astimezone(dt.timezone.utc)
            day += dt.timedelta(days=1)
        return None

    def matches(self, day: dt.date) -> bool:
        if self.every == "daily":
            return True
        if self.every == "weekly":
            return day.weekday() in self.days
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.day, last)


def parse_time(raw, key="time") -> dt.time:
    try:
        hours, minutes = str(raw).split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        raise ScheduleError(key, _("Give a time as HH:MM.")) from None


def parse_schedule(raw) -> Schedule:
    if not isinstance(raw, dict) or raw.get("every") not in KINDS:
        raise ScheduleError("every", _("Choose one of: %(choices)s.", choices=", ".join(KINDS)))
    every = raw["every"]
    if every == "hourly":
        minute = raw.get("minute", 0)
        if isinstance(minute, bool) or not isinstance(minute, int) or not 0 <= minute <= 59:
            raise ScheduleError("minute", _("Give a minute from 0 to 59."))
        return Schedule(every, minute=minute)
    if every == "date":
        try:
            at = dt.datetime.fromisoformat(str(raw.get("at")))
        except ValueError:
            raise ScheduleError("at", _("Give a date and time as YYYY-MM-DDTHH:MM.")) from None
        return Schedule(every, at=at)
    time = parse_time(raw.get("time", "00:00"))
    if every == "weekly":
        days = raw.get("days")
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            raise ScheduleError("days", _("Choose days from: %(choices)s.", choices=", ".join(DAYS)))
        return Schedule(every, time=time, days=tuple(sorted(DAYS.index(d) for d in days)))
    if every == "monthly":
        day = raw.get("day")
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
            raise ScheduleError("day", _("Give a day of the month from 1 to 31."))
        return Schedule(every, time=time, day=day)
    return Schedule(every, time=time)

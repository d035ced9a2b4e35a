"""Translated words of the workflow designer and run log: triggers, operators, events, task outcomes."""
from __future__ import annotations

from core.plugin_api import translator

_, _l = translator("workflows")

TRIGGER_LABELS = {
    "create": _l("When a record is created"),
    "save": _l("Every time a record is saved"),
    "modify": _l("When a record is changed"),
    "once": _l("Once per record, the first time the conditions hold"),
    "scheduled": _l("On a schedule"),
    "manual": _l("By hand, from the record page"),
}

OPERATOR_LABELS = {
    "is": _l("is"), "is_not": _l("is not"), "contains": _l("contains"), "not_contains": _l("does not contain"),
    "starts_with": _l("starts with"), "ends_with": _l("ends with"), "is_empty": _l("is empty"),
    "is_not_empty": _l("is not empty"), "eq": _l("equals"), "ne": _l("does not equal"), "lt": _l("less than"),
    "lte": _l("at most"), "gt": _l("greater than"), "gte": _l("at least"), "in": _l("is one of"),
    "before": _l("before"), "after": _l("after"), "between": _l("between"), "is_today": _l("is today"),
    "in_less_than_days": _l("in less than … days"), "in_more_than_days": _l("in more than … days"),
    "less_than_days_ago": _l("less than … days ago"), "more_than_days_ago": _l("more than … days ago"),
    "is_true": _l("is yes"), "is_false": _l("is no"), "is_set": _l("is set"), "has_changed": _l("has changed"),
    "changed_to": _l("changed to"), "changed_from": _l("changed from"),
}

EVENT_LABELS = {
    "create": _l("created"), "update": _l("saved"), "manual": _l("run by hand"), "scheduled": _l("schedule"),
    "recheck": _l("daily re-check"), "delayed": _l("delayed task"),
}

STATUS_LABELS = {
    "done": _l("done"), "queued": _l("queued"), "sent": _l("sent"), "running": _l("running"),
    "retrying": _l("retrying"), "dead": _l("failed for good"), "failed": _l("failed"), "skipped": _l("skipped"),
    "scheduled": _l("scheduled"),
}

SCHEDULE_LABELS = {"hourly": _l("Every hour"), "daily": _l("Every day"), "weekly": _l("Every week"),
                   "monthly": _l("Every month"), "date": _l("Once, at a date and time")}
DAY_LABELS = {"mon": _l("Mon"), "tue": _l("Tue"), "wed": _l("Wed"), "thu": _l("Thu"), "fri": _l("Fri"),
              "sat": _l("Sat"), "sun": _l("Sun")}


def label(table: dict, key) -> str:
    """The translated word for ``key``, or the key itself when the table has none."""
    return str(table[key]) if key in table else str(key)

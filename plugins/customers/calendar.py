"""The activities calendar page (month / week / day), drawn by the vendored FullCalendar.

The page only draws: events come from the activities API (``GET
/api/v1/activities`` with a ``start_at`` window, the same permission filter as
the list) and a drag or resize is a ``PATCH`` of ``start_at`` / ``end_at`` /
``all_day`` with the record's version, so it passes the same validation as the
form; a refused move is put back and the message shown.
"""
from __future__ import annotations

from flask import render_template, request

from core.i18n import deployment_tz
from core.security.auth import current_user_or_none
from core.security.headers import allow_on_this_page
from core.security.permissions import can, require_right
from core.ui.quick_filters import quick_filters
from plugins.customers.entities import activities
from plugins.customers.views import pages

FULLCALENDAR_LOCALES = {"ko": "ko", "zh_Hans": "zh-cn"}


@pages.get("/calendar")
def calendar():
    user = current_user_or_none()
    require_right(user, activities, "view")
    allow_on_this_page("fullcalendar")  # its bundle injects its styles and icon font (core.security.headers)
    return render_template("customers/calendar.html", can_edit=can(user, activities, "edit"),
                           time_zone=str(deployment_tz()), quick=quick_filters(activities, user, request.args),
                           fc_locales=FULLCALENDAR_LOCALES)

"""The activities calendar in real Chromium (Korean, Seoul time): drag an activity to another day; a drop the
server refuses (the activity changed meanwhile) goes back with the message and changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core.testing import make_user
from core.testing_browser import Browsing, LiveServer, log_in, screenshot

pytestmark = pytest.mark.browser
PLUGINS = ["customers"]
KST = dt.timezone(dt.timedelta(hours=9))


def in_app(app, fn):
    from core.db import session
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        admin = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        result = fn(runtime().registry.get("activities"), admin)
        session().commit()
        return result


def drag(page, source: str, target: str) -> None:
    """FullCalendar drags on mouse events: press, move in steps (past its drag threshold), release."""
    box, to = page.locator(source).bounding_box(), page.locator(target).bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 15, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(to["x"] + to["width"] / 2, to["y"] + to["height"] / 2, steps=15)
    page.mouse.up()


def test_dragging_an_activity_reschedules_it_and_a_refused_drop_changes_nothing(crm_app_factory, chromium):
    from core.entities import records

    app = crm_app_factory(plugins=PLUGINS, language="ko")
    make_user(app, "admin@example.com", admin=True, name="김관리")
    start = dt.datetime(2026, 12, 10, 10, 0, tzinfo=KST)
    meeting = in_app(app, lambda acts, admin: records.create(acts, {
        "subject": "해동통신 미팅", "type": "meeting", "start_at": start.isoformat(),
        "end_at": (start + dt.timedelta(hours=1)).isoformat()}, admin))["id"]
    stored = lambda: in_app(app, lambda acts, admin: records.fetch(acts, meeting))  # noqa: E731
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page(locale="ko-KR", timezone_id="Asia/Seoul")
            log_in(page, server.url, "admin@example.com")
            page.goto(server.url + "/customers/calendar")
            page.wait_for_function("() => window.PlugcrmCalendar")
            page.evaluate("() => PlugcrmCalendar.gotoDate('2026-12-01')")
            event = ".fc-event:has-text('해동통신 미팅')"
            page.wait_for_selector(event)
            assert page.locator("td[data-date='2026-12-10'] " + event).count() == 1
            screenshot(page, "customers-calendar-month")

            drag(page, event, "td[data-date='2026-12-12'] .fc-daygrid-day-frame")
            page.wait_for_function("() => document.getElementById('calendar-status').textContent !== ''")
            moved = stored()
            assert moved["start_at"] == start.astimezone(dt.timezone.utc) + dt.timedelta(days=2)
            assert moved["end_at"] == moved["start_at"] + dt.timedelta(hours=1)
            assert page.locator("#calendar-message").is_hidden()

            # someone else edits the activity: the calendar's copy is stale, the server refuses the drop
            in_app(app, lambda acts, admin: records.update(acts, meeting, {"location": "본사"}, admin))
            before = stored()
            drag(page, event, "td[data-date='2026-12-15'] .fc-daygrid-day-frame")
            page.wait_for_selector("#calendar-message:not([hidden])")
            assert page.locator("td[data-date='2026-12-12'] " + event).count() == 1  # put back
            after = stored()
            assert (after["start_at"], after["version"]) == (before["start_at"], before["version"])
            screenshot(page, "customers-calendar-refused")

            # the week and day views
            page.click(".fc-timeGridWeek-button")
            page.evaluate("() => PlugcrmCalendar.gotoDate('2026-12-12')")
            page.wait_for_selector(".fc-timegrid " + event)
            page.click(".fc-timeGridDay-button")
            page.wait_for_selector(".fc-timeGridDay-view " + event)
            screenshot(page, "customers-calendar-day")
            assert browsing.foreign_requests() == []
        finally:
            browsing.close()

"""The activities calendar in real Chromium (Korean, Seoul time): drag an activity to another day; a drop the
server refuses (the activity changed meanwhile) goes back with the message and changes nothing; a browser in
another time zone (New York) still sees and moves activities in the deployment's (Seoul)."""
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


def test_the_calendar_shows_and_moves_in_the_deployments_time_zone_not_the_browsers(crm_app_factory, chromium):
    """A browser in New York sees an activity at 10:00 Seoul time at 10:00 (the deployment's zone, Asia/Seoul),
    and a drop on 14:00 stores 14:00 Seoul time, 05:00 UTC."""
    from core.entities import records

    app = crm_app_factory(plugins=PLUGINS, language="ko")
    make_user(app, "admin@example.com", admin=True, name="김관리")
    start = dt.datetime(2026, 12, 10, 10, 0, tzinfo=KST)
    call = in_app(app, lambda acts, admin: records.create(acts, {
        "subject": "해동통신 통화", "type": "call", "start_at": start.isoformat(),
        "end_at": (start + dt.timedelta(hours=1)).isoformat()}, admin))["id"]
    with LiveServer(app) as server:
        browsing = Browsing(chromium, server)
        try:
            page = browsing.new_page(locale="ko-KR", timezone_id="America/New_York")
            log_in(page, server.url, "admin@example.com")
            page.goto(server.url + "/customers/calendar")
            page.wait_for_function("() => window.PlugcrmCalendar")
            assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
            page.evaluate("() => { PlugcrmCalendar.changeView('timeGridDay'); PlugcrmCalendar.gotoDate('2026-12-10'); }")
            event = ".fc-timeGridDay-view .fc-event:has-text('해동통신 통화')"
            page.wait_for_selector(event)
            page.evaluate("() => document.querySelector(\".fc-timegrid-slot-lane[data-time='09:00:00']\").scrollIntoView()")
            assert "오전 10:00" in page.locator(event + " .fc-event-time").inner_text()
            box = page.locator(event).bounding_box()
            ten = page.locator(".fc-timegrid-slot-lane[data-time='10:00:00']").bounding_box()
            assert abs(box["y"] - ten["y"]) < 3  # drawn in the 10:00 row, not New York's 20:00 the day before
            screenshot(page, "customers-calendar-time-zone")

            two = page.locator(".fc-timegrid-slot-lane[data-time='14:00:00']").bounding_box()
            page.mouse.move(box["x"] + 10, box["y"] + 4)
            page.mouse.down()
            page.mouse.move(box["x"] + 10, box["y"] + 14, steps=5)
            page.mouse.move(box["x"] + 10, two["y"] + 4, steps=15)
            page.mouse.up()
            page.wait_for_function("() => document.getElementById('calendar-status').textContent !== ''")
            moved = in_app(app, lambda acts, admin: records.fetch(acts, call))
            assert moved["start_at"] == dt.datetime(2026, 12, 10, 5, 0, tzinfo=dt.timezone.utc)
            assert moved["end_at"] == dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.timezone.utc)
            assert "오후 2:00" in page.locator(event + " .fc-event-time").inner_text()  # 14:00, in Korean
            assert page.locator("#calendar-message").is_hidden()
        finally:
            browsing.close()

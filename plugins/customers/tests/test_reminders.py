"""Activity reminders run as durable jobs and reach a real SMTP server (aiosmtpd on loopback) once."""
from __future__ import annotations

import datetime as dt

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from plugins.customers.tests.helpers import account, create

NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def mail_app(crm_app_factory, smtp_server, crm_clock):
    return crm_app_factory(plugins=["customers"], smtp=smtp_server.settings())


@pytest.fixture
def owner_api(mail_app):
    _uid, token = make_user(mail_app, "owner@example.com", admin=True, name="김영업")
    return ApiClient(mail_app.test_client(), token)


def run_queue(app) -> None:
    """Run due jobs until none is left (a reminder job queues its email job)."""
    while run_pending(app):
        pass


def planned(api, **values) -> dict:
    firm = account(api, "(주)해동통신")
    values.setdefault("start_at", iso(NOW + dt.timedelta(hours=1)))
    return create(api, "activities", subject="해동통신 방문 미팅", type="meeting", account_id=firm["id"],
                  location="강남구 테헤란로 152", **values)


def test_past_due_reminder_is_sent_once_and_not_again_after_a_restart(crm_app_factory, mail_app, owner_api,
                                                                     smtp_server, crm_clock):
    helper_id, _t = make_user(mail_app, "helper@example.com", role="sales")
    activity = planned(owner_api, reminder_at=iso(NOW - dt.timedelta(minutes=5)))
    owner_api.put(f"/api/v1/customers/activities/{activity['id']}/assignees", json={"user_ids": [helper_id]})

    run_queue(mail_app)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert sorted(a.strip() for a in message["To"].split(",")) == ["helper@example.com", "owner@example.com"]
    assert "해동통신 방문 미팅" in message["Subject"] and "2026-03-02 10:00" in message["Subject"]  # Seoul time
    assert "강남구 테헤란로 152" in message.get_content()

    owner_api.patch(f"/api/v1/activities/{activity['id']}", json={"description": "자료 준비",
                                                                  "reminder_at": activity["reminder_at"]})
    run_queue(mail_app)
    restarted = crm_app_factory(plugins=["customers"], smtp=smtp_server.settings())
    crm_clock.advance(hours=1)
    run_queue(restarted)
    assert len(smtp_server.messages) == 1


def test_future_reminder_waits_for_its_time(mail_app, owner_api, smtp_server, crm_clock):
    planned(owner_api, reminder_at=iso(NOW + dt.timedelta(minutes=30)))
    run_queue(mail_app)
    assert smtp_server.messages == []
    crm_clock.advance(minutes=30)
    run_queue(mail_app)
    assert len(smtp_server.messages) == 1


def test_moved_reminder_sends_at_the_new_time_only(mail_app, owner_api, smtp_server, crm_clock):
    activity = planned(owner_api, reminder_at=iso(NOW + dt.timedelta(minutes=10)))
    owner_api.patch(f"/api/v1/activities/{activity['id']}", json={"reminder_at": iso(NOW + dt.timedelta(minutes=40))})
    crm_clock.advance(minutes=10)
    run_queue(mail_app)
    assert smtp_server.messages == []
    crm_clock.advance(minutes=30)
    run_queue(mail_app)
    assert len(smtp_server.messages) == 1


def test_cancelled_done_and_stale_reminders_are_not_sent(mail_app, owner_api, smtp_server, crm_clock):
    cancelled = planned(owner_api, reminder_at=iso(NOW - dt.timedelta(minutes=1)))
    owner_api.patch(f"/api/v1/activities/{cancelled['id']}", json={"status": "cancelled"})
    create(owner_api, "activities", subject="지난 일정", start_at=iso(NOW - dt.timedelta(days=2)),
           reminder_at=iso(NOW - dt.timedelta(days=2, minutes=30)))
    done = create(owner_api, "activities", subject="완료", status="done", reminder_at=iso(NOW))
    run_queue(mail_app)
    assert smtp_server.messages == []
    assert done["status"] == "done"

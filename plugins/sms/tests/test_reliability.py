"""The gateway fails: down, busy, silent after the request, the worker dies mid-send.

Nothing is lost (every recipient ends sent, or unknown when the gateway cannot
say), nothing is sent twice (the fake gateways record every idempotency key
they see), and an ambiguous request is never sent again blindly.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import session
from core.jobs import Job
from core.jobs.worker import run_pending
from plugins.sms import sending
from plugins.sms.models import LogEntry
from plugins.sms.testing import FakeGateway
from plugins.sms.tests.conftest import use_gateway

NUMBERS = ["010-1111-0001", "010-1111-0002", "010-1111-0003"]


class WorkerDied(BaseException):
    """Not an Exception: nothing in the worker catches it, like a process that is killed."""


def statuses(app):
    with app.app_context():
        return [s for s, in session().execute(sa.select(LogEntry.status).order_by(LogEntry.id))]


def job(app):
    with app.app_context():
        row = session().scalar(sa.select(Job).where(Job.type == "sms.send").order_by(Job.id.desc()))
        return row.status, row.attempts


@pytest.fixture(params=["aligo", "solapi", "nhn"])
def any_gateway(request):
    fake = FakeGateway(request.param).start()
    yield fake
    fake.stop()


def send(team, sender, numbers=NUMBERS, body="안내드립니다"):
    response = team["rep"].post("/api/v1/sms/messages", json={"numbers": numbers, "body": body,
                                                              "sender_id": sender, "signature": False})
    assert response.status_code == 201, response.json
    return response.json["id"]


def register(team, fake):
    use_gateway(team["admin"], fake)
    return team["admin"].post("/api/v1/sms/senders", json={"number": "02-555-0100"}).json["id"]


def test_each_gateway_delivers_through_the_job(team, any_gateway):
    sender = register(team, any_gateway)
    send(team, sender)
    run_pending(team["app"])
    assert sorted(m["to"] for m in any_gateway.messages) == ["01011110001", "01011110002", "01011110003"]
    assert statuses(team["app"]) == ["sent"] * 3
    assert any_gateway.duplicates == [] and any_gateway.auth_failures == 0


def test_a_gateway_that_is_down_is_retried_with_backoff_and_nothing_is_lost(team, any_gateway, crm_clock):
    sender = register(team, any_gateway)
    send(team, sender)
    any_gateway.stop()
    run_pending(team["app"])
    assert job(team["app"]) == ("failed", 1) and statuses(team["app"]) == ["queued"] * 3
    crm_clock.advance(seconds=9)
    assert run_pending(team["app"]) == 0          # backoff: not before 10 s
    crm_clock.advance(seconds=1)
    run_pending(team["app"])
    assert job(team["app"]) == ("failed", 2)
    any_gateway.start()
    crm_clock.advance(seconds=20)
    run_pending(team["app"])
    assert job(team["app"])[0] == "done"
    assert statuses(team["app"]) == ["sent"] * 3
    assert len(any_gateway.messages) == 3 and any_gateway.duplicates == []


def test_a_busy_gateway_mid_send_keeps_the_rest_queued(team, crm_clock):
    fake = FakeGateway("aligo").start()
    try:
        sender = register(team, fake)
        send(team, sender)
        real = sending.Pacer.wait
        calls = []

        def busy_on_second(self):
            calls.append(1)
            fake.mode = "busy" if len(calls) == 2 else "ok"
            real(self)

        sending.Pacer.wait = busy_on_second
        try:
            run_pending(team["app"])
        finally:
            sending.Pacer.wait = real
        assert statuses(team["app"]) == ["sent", "queued", "queued"]
        fake.mode = "ok"
        crm_clock.advance(seconds=10)
        run_pending(team["app"])
        assert statuses(team["app"]) == ["sent"] * 3 and len(fake.messages) == 3 and fake.duplicates == []
    finally:
        fake.stop()


def test_a_lost_answer_is_not_resent_and_is_logged_unknown(team, crm_clock):
    fake = FakeGateway("aligo").start()
    try:
        sender = register(team, fake)
        send(team, sender)
        fake.mode = "hang"
        run_pending(team["app"])                      # the first request times out after it was sent
        assert statuses(team["app"]) == ["unknown", "queued", "queued"]
        fake.mode = "ok"
        crm_clock.advance(seconds=10)
        run_pending(team["app"])
        assert statuses(team["app"]) == ["unknown", "sent", "sent"]
        assert [m["to"] for m in fake.messages] == ["01011110001", "01011110002", "01011110003"]
        assert fake.duplicates == []
    finally:
        fake.stop()


def test_a_lost_answer_is_reconciled_through_the_status_api(team, gateway, sender, crm_clock):
    send(team, sender)
    gateway.mode = "hang"
    run_pending(team["app"])
    assert statuses(team["app"]) == ["delivered", "queued", "queued"]   # NHN's list API knew it
    gateway.mode = "ok"
    crm_clock.advance(seconds=10)
    run_pending(team["app"])
    assert statuses(team["app"]) == ["delivered", "sent", "sent"]
    assert len(gateway.messages) == 3 and gateway.duplicates == []


def test_a_worker_dying_mid_send_sends_nothing_twice(team, gateway, sender, crm_clock, monkeypatch):
    send(team, sender)
    real = sending.record

    def die(*args, **kwargs):
        raise WorkerDied()

    monkeypatch.setattr(sending, "record", die)
    with pytest.raises(WorkerDied):
        run_pending(team["app"])            # the gateway got all three; the worker died before writing it down
    monkeypatch.setattr(sending, "record", real)
    assert statuses(team["app"]) == ["sending"] * 3 and len(gateway.messages) == 3
    assert run_pending(team["app"]) == 0     # the job is still leased to the dead worker
    crm_clock.advance(seconds=team["app"].extensions["plugcrm"].settings.job_lease_seconds + 1)
    run_pending(team["app"])
    assert statuses(team["app"]) == ["delivered"] * 3
    assert len(gateway.messages) == 3 and gateway.duplicates == []


def test_ten_thousand_recipients_queue_at_once_and_survive_a_worker_restart(team, crm_clock, monkeypatch):
    fake = FakeGateway("solapi").start()
    try:
        use_gateway(team["admin"], fake, rate_per_second=1000, daily_cap=20000)
        sender = team["admin"].post("/api/v1/sms/senders", json={"number": "02-555-0100"}).json["id"]
        numbers = [f"010-2{i // 10000:03d}-{i % 10000:04d}" for i in range(10000)]
        message_id = send(team, sender, numbers)
        app = team["app"]
        with app.app_context():
            assert session().scalar(sa.select(sa.func.count()).select_from(LogEntry)
                                    .where(LogEntry.message_id == message_id)) == 10000
            assert session().scalar(sa.select(sa.func.count()).select_from(Job)) == 1
        real, calls = sending.record, []

        def dies_on_third(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise WorkerDied()
            return real(*args, **kwargs)

        monkeypatch.setattr(sending, "record", dies_on_third)
        with pytest.raises(WorkerDied):
            run_pending(app)
        monkeypatch.setattr(sending, "record", real)
        assert len(fake.messages) == 300
        crm_clock.advance(seconds=app.extensions["plugcrm"].settings.job_lease_seconds + 1)
        run_pending(app)
        assert len(fake.messages) == 10000 and fake.duplicates == []
        assert len({m["to"] for m in fake.messages}) == 10000
        counts = team["rep"].get(f"/api/v1/sms/messages/{message_id}").json["status_counts"]
        assert counts == {"queued": 0, "sending": 0, "sent": 9900, "delivered": 0, "failed": 0, "unknown": 100}
    finally:
        fake.stop()


def test_delivery_is_polled_from_gateways_that_report_it(team, gateway, sender, crm_clock):
    send(team, sender)
    run_pending(team["app"])
    assert statuses(team["app"]) == ["sent"] * 3
    crm_clock.advance(minutes=2)
    run_pending(team["app"])
    assert statuses(team["app"]) == ["delivered"] * 3
    with team["app"].app_context():
        assert all(r.sent_at is not None for r in session().scalars(sa.select(LogEntry)))
    assert len(gateway.messages) == 3 and gateway.duplicates == []

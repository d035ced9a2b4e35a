"""A missed ring callback is recovered by polling getinboundcall; nothing is recorded twice; click-to-call."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.db import session
from core.jobs.worker import run_pending
from plugins.cti_lg import reconcile
from plugins.cti_lg.models import Call
from plugins.cti_lg.tests.conftest import count

EN = {"Accept-Language": "en"}


def run_reconcile(app) -> None:
    with app.app_context():
        reconcile.schedule(after=dt.timedelta(0))
        session().commit()
    assert run_pending(app) >= 1


def calls(app) -> list:
    with app.app_context():
        rows = session().execute(sa.select(Call.caller, Call.centrex_no, Call.source, Call.user_id, Call.status)
                                 .order_by(Call.id)).all()
        session().rollback()
    return rows


def test_a_missed_callback_is_recovered_without_duplicates(team, fake, line):
    app = team["app"]
    assert fake.ring("0212345678", "101") == 200       # arrives
    assert fake.ring("0319998888", "101", fire=False) is None  # the callback was lost
    assert fake.ring("01055556666", "102", fire=False) is None
    assert count(app, Call) == 1

    run_reconcile(app)
    rows = calls(app)
    assert len(rows) == 3
    assert [r.caller for r in rows] == ["0212345678", "01055556666", "0319998888"] or \
        sorted(r.caller for r in rows) == ["01055556666", "0212345678", "0319998888"]
    assert all(r.centrex_no for r in rows)
    assert {r.source for r in rows} == {"callback", "reconcile"}
    assert len({r.centrex_no for r in rows}) == 3

    run_reconcile(app)  # again: nothing new
    assert count(app, Call) == 3


def test_adding_a_line_starts_the_poller_once(team, fake, line):
    from core.jobs.models import Job

    with team["app"].app_context():
        jobs = session().execute(sa.select(Job.status, Job.run_at).where(Job.type == reconcile.JOB_TYPE)).all()
        session().rollback()
    assert len(jobs) == 1 and jobs[0].status == "queued"
    assert run_pending(team["app"]) == 1  # it runs now, then schedules the next run in five minutes
    with team["app"].app_context():
        statuses = sorted(session().scalars(sa.select(Job.status).where(Job.type == reconcile.JOB_TYPE)))
        session().rollback()
    assert statuses == ["done", "queued"]


def test_two_pollers_at_once_store_each_call_once(team, fake, line):
    app = team["app"]
    for i in range(5):
        fake.ring(f"0212340{i:03d}", "101", fire=False)
    with app.app_context():
        ctx = None
        request = reconcile.prepare({}, ctx)
        session().commit()
        first, second = reconcile.send(request, ctx), reconcile.send(request, ctx)
        reconcile.record(first, ctx)
        session().commit()
        reconcile.record(second, ctx)
        session().commit()
    assert count(app, Call) == 5


def test_centrex_errors_during_reconciliation_are_noted_on_the_line(team, fake, line):
    fake.fail_with = "1005"
    run_reconcile(team["app"])
    assert "may not use the API" in team["admin"].get("/api/v1/cti_lg/lines", headers=EN).json[0]["last_error"]


def test_click_to_call_asks_once_and_is_confirmed_from_the_call_history(team, fake, line):
    rep = team["rep"]
    response = rep.post("/api/v1/cti_lg/dial", json={"phone": "02-808-8016"})
    assert response.status_code == 201, response.json
    assert fake.dials == ["028088016"]
    run_reconcile(team["app"])
    [row] = [r for r in calls(team["app"]) if r.source == "clickdial"]
    assert row.status == "confirmed" and row.centrex_no


def test_a_refused_click_to_call_is_not_retried_and_says_why(team, fake, line):
    fake.fail_with = "1008"
    response = team["rep"].post("/api/v1/cti_lg/dial", json={"phone": "010-1234-5678"}, headers=EN)
    assert response.status_code == 502 and "password" in response.json["message"]
    run_pending(team["app"])
    assert fake.requests.count("clickdial") == 1
    assert [r.status for r in calls(team["app"])] == ["failed"]


def test_click_to_call_refuses_bad_numbers_and_users_without_an_extension(team, fake, line):
    assert team["rep"].post("/api/v1/cti_lg/dial", json={"phone": "전화번호"}).status_code == 422
    response = team["manager"].post("/api/v1/cti_lg/dial", json={"phone": "02-808-8016"}, headers=EN)
    assert response.status_code == 422 and "extension" in response.json["error"]["message"]
    assert fake.dials == []

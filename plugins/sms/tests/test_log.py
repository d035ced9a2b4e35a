"""The send log: read by the sender and their superiors, shown on the record, deleted by no one."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.routing.converters import NumberConverter

from core.db import session
from core.jobs.worker import run_pending
from core.testing import is_postgres
from plugins.sms.models import LogEntry, Message
from plugins.sms.tests.conftest import contact


def send(api, sender, numbers, **extra):
    response = api.post("/api/v1/sms/messages", json={"numbers": numbers, "body": "안내", "sender_id": sender,
                                                      **extra})
    assert response.status_code == 201, response.json
    return response.json["id"]


def phones(api, **params):
    response = api.get("/api/v1/sms/log", query_string=params)
    assert response.status_code == 200, response.json
    return sorted(r["phone"] for r in response.json["data"])


def test_a_rep_sees_their_own_sends_and_a_manager_their_teams(team, sender, gateway):
    send(team["rep"], sender, ["010-1000-0001"])
    send(team["peer"], sender, ["010-1000-0002"])
    send(team["admin"], sender, ["010-1000-0003"])
    run_pending(team["app"])
    assert phones(team["rep"]) == ["+821010000001"]
    assert phones(team["peer"]) == ["+821010000002"]
    assert phones(team["manager"]) == ["+821010000001", "+821010000002"]
    assert phones(team["admin"]) == ["+821010000001", "+821010000002", "+821010000003"]
    assert phones(team["service"]) == [] and phones(team["nobody"]) == []
    rep_message = team["rep"].get("/api/v1/sms/messages").json["data"][0]["id"]
    assert team["peer"].get(f"/api/v1/sms/messages/{rep_message}").status_code == 404
    assert team["manager"].get(f"/api/v1/sms/messages/{rep_message}").json["status_counts"]["sent"] == 1
    page = team["app"].test_client()
    assert page.get("/sms/log").status_code == 302     # to the login page


def test_the_pages_render_for_senders_only(team, sender, gateway):
    send(team["rep"], sender, ["010-1000-0001"])
    rep = _login(team["app"], "rep@example.com")
    compose = rep.get("/sms/compose")
    assert compose.status_code == 200 and "02-555-0100" in compose.get_data(as_text=True)
    log_page = rep.get("/sms/log")
    assert log_page.status_code == 200 and "010-1000-0001" in log_page.get_data(as_text=True)
    team["nobody"]
    nobody = _login(team["app"], "nobody@example.com")
    assert nobody.get("/sms/compose").status_code == 403 and nobody.get("/sms/log").status_code == 403


def test_bad_list_parameters_are_a_400(team):
    response = team["rep"].get("/api/v1/sms/log", query_string={"status": "gone", "contact_id": "x"})
    assert response.status_code == 400 and set(response.json["error"]["fields"]) == {"status", "contact_id"}


def test_history_on_the_contact_and_account(team, sender, gateway):
    rep = team["rep"]
    account = rep.post("/api/v1/accounts", json={"name": "해동상사", "phone": "010-2000-0000"}).json["id"]
    who = contact(rep, "홍길동", "010-1000-0001", account_id=account)
    rep.post("/api/v1/sms/messages", json={"contact_ids": [who], "account_ids": [account], "body": "기록 확인",
                                           "sender_id": sender})
    run_pending(team["app"])
    assert phones(rep, contact_id=who) == ["+821010000001"]
    assert phones(rep, account_id=account) == ["+821010000001", "+821020000000"]
    html = _login(team["app"], "rep@example.com").get(f"/records/contacts/{who}").get_data(as_text=True)
    assert 'id="sms-history"' in html and "기록 확인" in html
    html = _login(team["app"], "rep@example.com").get(f"/records/accounts/{account}").get_data(as_text=True)
    assert html.count("기록 확인") == 2 and f"/sms/compose?account_id={account}" in html
    compose = _login(team["app"], "rep@example.com").get(f"/sms/compose?account_id={account}")
    assert 'id="sms-prefill-accounts"' in compose.get_data(as_text=True)


def _login(app, email):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/login", data={"email": email, "password": "password123", "csrf_token": token})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    return client


def test_no_route_deletes_or_changes_the_log(team, sender, gateway):
    """Every route of the app, every method, as an administrator, with the log's ids substituted."""
    app, admin = team["app"], team["admin"]
    message_id = send(team["rep"], sender, ["010-1000-0001", "010-1000-0002"])
    run_pending(app)
    with app.app_context():
        before = [(r.id, r.status, r.text, r.phone) for r in session().scalars(sa.select(LogEntry).order_by(LogEntry.id))]
    ids = {"message_id": message_id, "log_id": before[0][0], "sender_id": sender}
    calls = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        values = {}
        for name, converter in rule._converters.items():
            values[name] = ids.get(name, before[0][0]) if isinstance(converter, NumberConverter) else "x"
        if any(not isinstance(c, NumberConverter) and name != "entity_name" for name, c in rule._converters.items()):
            continue
        for entity in (["sms_log", "contacts"] if "entity_name" in rule.arguments else [None]):
            if entity:
                values["entity_name"] = entity
            url = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods & {"DELETE", "POST", "PUT", "PATCH"}):
                admin._call(method, url, json={"status": "queued", "text": "changed", "ids": [before[0][0]]})
                calls += 1
    assert calls > 50
    with app.app_context():
        after = [(r.id, r.status, r.text, r.phone) for r in session().scalars(sa.select(LogEntry).order_by(LogEntry.id))]
        assert session().get(Message, message_id) is not None
    assert after == before


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="the no-delete trigger is PostgreSQL's (set PLUGCRM_TEST_DATABASE_URL; "
                                              ".ci/run does)")
def test_the_database_refuses_to_delete_log_rows(team, sender, gateway):
    send(team["rep"], sender, ["010-1000-0001"])
    with team["app"].app_context():
        with pytest.raises(sa.exc.DBAPIError, match="cannot be deleted"):
            session().execute(sa.delete(LogEntry))
        session().rollback()
        assert session().scalar(sa.select(sa.func.count(LogEntry.id))) == 1


def test_every_sms_route_needs_a_login_and_a_role(team, sender, gateway):
    """Route-leak style over the plugin's own routes: anonymous 401, a user without a role sees and sends nothing."""
    app = team["app"]
    send(team["rep"], sender, ["010-1000-0001"])
    problems = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/sms"):
            continue
        url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            anonymous = app.test_client().open(url, method=method, json={"body": "x"})
            if anonymous.status_code != 401:
                problems.append(("anonymous", method, url, anonymous.status_code))
            nobody = team["nobody"]._call(method, url, json={"body": "x", "numbers": ["01012345678"],
                                                            "sender_id": sender})
            if nobody.status_code < 400 and (method != "GET" or "010" in nobody.get_data(as_text=True)):
                problems.append(("nobody", method, url, nobody.status_code))
    assert problems == []
    with app.app_context():
        assert session().scalar(sa.select(sa.func.count(LogEntry.id))) == 1

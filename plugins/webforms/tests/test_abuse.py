"""Abuse: every trick is refused with a clear status, writes no lead, is counted, and never answers 500."""
from __future__ import annotations

import html

import pytest

from core import clock
from plugins.webforms.tests.conftest import GOOD


def leads_total(admin) -> int:
    return admin.get("/api/v1/leads").json["meta"]["total"]


def counters(admin, visitor) -> dict:
    return admin.get(f"/api/v1/webforms/{visitor.form['id']}/stats").json["counters"]


def test_honeypot_filled(admin, visitor):
    sent = visitor.send({**GOOD, "website_url": "http://spam.example"})
    assert sent.status_code == 400
    assert leads_total(admin) == 0 and counters(admin, visitor)["honeypot"] == 1


def test_too_fast(admin, visitor):
    sent = visitor.send(GOOD, wait=1)
    assert sent.status_code == 400 and "빨리" in sent.get_data(as_text=True)
    assert leads_total(admin) == 0 and counters(admin, visitor)["too_fast"] == 1


def test_wrong_token_and_another_forms_token(admin, visitor, inquiry_form, handler):
    other = admin.post("/api/v1/webforms", json={"name": "다른 양식", "handler_id": handler[0],
                                                 "fields": [{"field_name": "name", "kind": "text"}]}).json
    other_page = visitor.client.get(f"/webforms/f/{other['public_key']}").get_data(as_text=True)
    other_token = other_page.split('name="_token" value="')[1].split('"')[0]
    for token in ("", "garbage", other_token, visitor.token() + "x"):
        assert visitor.send(GOOD, token=token).status_code == 403
    assert leads_total(admin) == 0 and counters(admin, visitor)["bad_token"] == 4


def test_rotating_the_secret_invalidates_old_embed_code(app, admin, visitor):
    old = visitor.token()
    page = admin.client.get(f"/api/v1/webforms/{visitor.form['id']}", headers={"Authorization": f"Bearer {admin.token}"})
    assert page.status_code == 200
    with app.app_context():
        from core.db import session
        from plugins.webforms import services

        services.rotate_secret(services.get_form(visitor.form["id"]))
        session().commit()
    assert visitor.send(GOOD, token=old).status_code == 403


def test_oversized_body(admin, visitor):
    sent = visitor.send({**GOOD, "description": "가" * 20000})
    assert sent.status_code == 413
    assert leads_total(admin) == 0 and counters(admin, visitor)["too_large"] == 1


def test_disallowed_origin(admin, visitor):
    sent = visitor.send(GOOD, headers={"Origin": "https://evil.example"}, accept_json=True)
    assert sent.status_code == 403 and sent.json["error"]["code"] == "refused"
    assert "Access-Control-Allow-Origin" not in sent.headers
    assert leads_total(admin) == 0 and counters(admin, visitor)["bad_origin"] == 1
    assert visitor.send(GOOD, headers={"Origin": "http://localhost"}).status_code == 201


def test_a_burst_of_1000_from_one_address(admin, visitor):
    token = visitor.token()
    clock.advance(seconds=10)
    statuses = [visitor.client.post(visitor.url, data={"_token": token, **GOOD, "email": f"b{i}@example.com",
                                                       "mobile": ""}).status_code for i in range(1000)]
    assert statuses.count(201) == 5 and statuses.count(429) == 995
    assert leads_total(admin) == 5
    assert counters(admin, visitor)["rate_limited"] == 995


def test_script_in_every_field_is_stored_as_text_and_shown_escaped(app, admin, visitor, handler):
    from core.testing import ApiClient
    from tests.test_route_leaks import session_client

    script = "<script>alert(1)</script>"
    values = {name: script for name in ("name", "company", "description")}
    sent = visitor.send({**GOOD, **values, "email": "x@example.com"})
    assert sent.status_code == 201
    lead = admin.get("/api/v1/leads").json["data"][0]
    assert lead["name"] == script and lead["description"] == script
    client = session_client(app, "handler@example.com")
    page = client.get(f"/records/leads/{lead['id']}").get_data(as_text=True)
    assert script not in page and html.escape(script, quote=False) in page
    assert ApiClient(app.test_client(), handler[1]).get(f"/api/v1/leads/{lead['id']}").status_code == 200


@pytest.mark.parametrize("values", [
    {"campaign": "<script>"}, {"job_title": "없는 직급"}, {"name": "x" * 500}, {"email": "a" * 300},
    {"mobile": "☎☎☎"}, {"marketing_consent": "\x00"}, {"_token": ["a", "b"]},
])
def test_odd_values_give_4xx_not_500(admin, visitor, values):
    sent = visitor.send({**GOOD, **values})
    assert 400 <= sent.status_code < 500 or sent.status_code == 201
    assert sent.status_code != 500


def test_the_endpoint_is_no_oracle_for_existing_records(app, admin, visitor, handler):
    """Sending a phone or email that a hidden account already has is answered exactly like a new one."""
    from core.testing import ApiClient, make_user

    _id, token = make_user(app, "secret@example.com", role="sales")
    secret = ApiClient(app.test_client(), token)
    assert secret.post("/api/v1/accounts", json={"name": "비밀상사", "email": "boss@secret.kr",
                                                 "phone": "02-777-8888"}).status_code == 201
    known = visitor.send({**GOOD, "email": "boss@secret.kr", "mobile": "02-777-8888"})
    unknown = visitor.send({**GOOD, "email": "new@example.com", "mobile": "02-111-2222"})
    assert known.status_code == unknown.status_code == 201
    assert known.get_data() == unknown.get_data()
    assert "비밀상사" not in known.get_data(as_text=True)


def test_unknown_form_is_a_polite_404(visitor):
    assert visitor.client.get("/webforms/f/nope").status_code == 404
    assert visitor.client.post("/webforms/f/nope", data={"name": "x"}).status_code == 404

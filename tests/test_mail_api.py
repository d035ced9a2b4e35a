"""Administrators' SMTP settings and test email: the password is write-only, bad input changes nothing."""
from __future__ import annotations

import pytest


@pytest.fixture
def admin(crm_team):
    return crm_team["admin"]


def test_settings_round_trip_without_ever_returning_the_password(admin, smtp_server):
    initial = admin.get("/api/v1/mail/settings").json
    assert initial["delivery"] == "outbox" and initial["password_set"] is False
    saved = admin.put("/api/v1/mail/settings", json=dict(smtp_server.settings(), username="crm",
                                                            password="s3cret-비번"))
    assert saved.status_code == 200, saved.json
    assert "s3cret" not in saved.get_data(as_text=True)
    assert saved.json["password_set"] is True and saved.json["delivery"] == "smtp"
    again = admin.get("/api/v1/mail/settings")
    assert "s3cret" not in again.get_data(as_text=True)
    assert (again.json["host"], again.json["port"], again.json["username"]) == ("127.0.0.1", smtp_server.port, "crm")
    kept = admin.patch("/api/v1/mail/settings", json={"from_address": "영업팀 <sales@example.com>"})
    assert kept.status_code == 422, "a display name is not an address"
    kept = admin.patch("/api/v1/mail/settings", json={"from_address": "sales@example.com"})
    assert kept.json["password_set"] is True, "leaving the password out keeps it"
    cleared = admin.patch("/api/v1/mail/settings", json={"password": None})
    assert cleared.json["password_set"] is False


@pytest.mark.parametrize("change,field", [
    ({"security": "tls13"}, "security"), ({"port": 0}, "port"), ({"port": "25"}, "port"),
    ({"port": 70000}, "port"), ({"host": "a\r\nb"}, "host"), ({"from_address": "nobody"}, "from_address"),
    ({"colour": "red"}, "colour"), ({"timeout": True}, "timeout"),
])
def test_bad_settings_are_422_and_change_nothing(admin, change, field):
    before = admin.get("/api/v1/mail/settings").json
    response = admin.patch("/api/v1/mail/settings", json={"host": "smtp.example.com", **change})
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    assert admin.get("/api/v1/mail/settings").json == before


def test_test_email_is_sent_at_once_through_the_saved_server(admin, smtp_server):
    admin.put("/api/v1/mail/settings", json=smtp_server.settings())
    response = admin.post("/api/v1/mail/test", json={"to": "boss@example.com"}, headers={"Accept-Language": "ko"})
    assert response.status_code == 200 and response.json["delivery"] == "smtp"
    [msg] = smtp_server.messages
    assert msg["To"] == "boss@example.com"
    assert msg["Subject"] == "plugcrm 테스트 메일"


def test_test_email_reports_an_unreachable_server_as_422(admin, smtp_server):
    admin.put("/api/v1/mail/settings", json=smtp_server.settings())
    smtp_server.stop()
    response = admin.post("/api/v1/mail/test", json={})
    assert response.status_code == 422 and response.json["error"]["code"] == "mail_failed"
    assert "Connection refused" in response.json["error"]["message"] or "Errno" in response.json["error"]["message"]


@pytest.mark.parametrize("payload", [["host"], "smtp.example.com", 5])
def test_settings_must_be_a_json_object(admin, payload):
    response = admin.put("/api/v1/mail/settings", json=payload)
    assert response.status_code == 422 and response.json["error"]["code"] == "validation_error"


def test_test_email_to_a_bad_address_is_422(admin):
    assert admin.post("/api/v1/mail/test", json={"to": ["not an address"]}).status_code == 422


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_non_admins_cannot_read_or_change_mail_settings(crm_team, who):
    user = crm_team[who]
    assert user.get("/api/v1/mail/settings").status_code == 403
    assert user.put("/api/v1/mail/settings", json={"host": "evil.example.com"}).status_code == 403
    assert user.post("/api/v1/mail/test", json={}).status_code == 403
    assert crm_team["admin"].get("/api/v1/mail/settings").json["host"] == ""

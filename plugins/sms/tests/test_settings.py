"""Administrators choose the gateway; its credentials are sealed at rest and never shown again."""
from __future__ import annotations

import json

from core import settings_store
from plugins.sms.testing import FakeGateway
from plugins.sms.tests.conftest import use_gateway


def test_credentials_are_sealed_and_write_only(team):
    fake = FakeGateway("solapi")
    admin = team["admin"]
    shown = use_gateway(admin, fake).json
    assert shown["settings"]["provider_settings"] == {"api_key": "NCSTESTKEY", "base_url": fake.url,
                                                      "api_secret_set": True}
    with team["app"].app_context():
        stored = settings_store.get("sms")
        assert "solapi-test-secret" not in json.dumps(stored)
        assert set(stored["provider_settings"]["api_secret"]) == {"$sealed"}
    # an empty secret keeps the stored one; other fields change
    admin.patch("/api/v1/sms/settings", json={"provider_settings": {"api_secret": "", "api_key": "NEW"}})
    with team["app"].app_context():
        stored = settings_store.get("sms")["provider_settings"]
        assert stored["api_key"] == "NEW" and "$sealed" in stored["api_secret"]
    audit = admin.get("/api/v1/audit")
    assert audit.status_code == 200 and "settings.sms" in audit.get_data(as_text=True)
    assert "solapi-test-secret" not in audit.get_data(as_text=True)


def test_settings_are_for_administrators_and_checked(team):
    admin, rep = team["admin"], team["rep"]
    assert rep.get("/api/v1/sms/settings").status_code == 403
    assert rep.put("/api/v1/sms/settings", json={"daily_cap": 1}).status_code == 403
    catalogue = {p["name"]: p for p in admin.get("/api/v1/sms/settings").json["providers"]}
    assert set(catalogue) == {"aligo", "solapi", "nhn", "file"}
    assert catalogue["nhn"]["capabilities"]["lookup"] is True and catalogue["aligo"]["capabilities"]["batch_size"] == 1
    for bad in ({"provider": "carrier-pigeon"}, {"daily_cap": -1}, {"rule": "mars"}, {"public_url": "crm"},
                {"provider": "nhn", "provider_settings": {"password": "x"}}, {"colour": "red"}):
        response = admin.patch("/api/v1/sms/settings", json=bad)
        assert response.status_code == 422, (bad, response.json)
    assert admin.get("/api/v1/sms/settings").json["settings"]["provider"] == "file"


def test_the_development_provider_writes_a_file(team, tmp_path):
    from core.jobs.worker import run_pending

    admin = team["admin"]
    sender = admin.post("/api/v1/sms/senders", json={"number": "1588-0000"})
    assert sender.status_code == 201, sender.json
    assert team["rep"].post("/api/v1/sms/messages", json={"numbers": ["01012345678"], "body": "개발용",
                                                          "sender_id": sender.json["id"]}).status_code == 201
    run_pending(team["app"])
    outbox = team["app"].extensions["plugcrm"].settings.instance_path / "sms_outbox.jsonl"
    [line] = outbox.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["to"] == "01012345678" and json.loads(line)["text"] == "개발용"


def test_the_counter_api(team):
    rep = team["rep"]
    rep.put("/api/v1/sms/profile", json={"signature": "김영업"})
    short = rep.post("/api/v1/sms/preview", json={"body": "가" * 40}).json
    assert (short["kind"], short["units"], short["limit"]) == ("SMS", 80 + 1 + 6, 90)
    long = rep.post("/api/v1/sms/preview", json={"body": "가" * 42}).json
    assert long["kind"] == "LMS" and len(long["parts"]) == 2
    intl = rep.post("/api/v1/sms/preview", json={"body": "a" * 161, "signature": False, "rule": "intl"}).json
    assert intl["segments"] == 2 and intl["encoding"] == "gsm7"
    bad = rep.post("/api/v1/sms/preview", json={"body": "😀"})
    assert bad.status_code == 422 and bad.json["error"]["characters"] == ["😀"]
    assert team["nobody"].post("/api/v1/sms/preview", json={"body": "x"}).status_code == 403

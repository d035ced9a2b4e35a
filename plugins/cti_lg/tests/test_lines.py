"""Centrex lines: the password sealed, Centrex's refusals shown to the administrator in words, admins only."""
from __future__ import annotations

import sqlalchemy as sa

from core.db import session
from plugins.cti_lg.fake_centrex import NUMBER, PASSWORD
from plugins.cti_lg.models import Line
from plugins.cti_lg.tests.conftest import add_line

EN, KO = {"Accept-Language": "en"}, {"Accept-Language": "ko"}


def test_the_password_is_stored_sealed_and_never_shown(team, fake):
    admin = team["admin"]
    line_id = add_line(admin, fake)
    listed = admin.get("/api/v1/cti_lg/lines").json
    assert PASSWORD not in str(listed) and listed[0]["password_set"] is True
    with team["app"].app_context():
        stored = session().scalar(sa.select(Line.password_hash).where(Line.id == line_id))
        session().rollback()
    assert "sealed" in str(stored) or isinstance(stored, dict)
    assert fake.password_hash not in str(stored)
    assert admin.post(f"/api/v1/cti_lg/lines/{line_id}/test").json["ok"] is True


def test_centrex_errors_reach_the_admin_in_words(team, fake):
    admin = team["admin"]
    line_id = add_line(admin, fake)
    fake.fail_with = "2002"
    response = admin.post(f"/api/v1/cti_lg/lines/{line_id}/test", headers=EN)
    assert response.status_code == 502 and response.json["code"] == "2002"
    assert "may not use the API" in response.json["message"]
    # the line keeps the error and shows it in each reader's language
    assert "may not use the API" in admin.get("/api/v1/cti_lg/lines", headers=EN).json[0]["last_error"]
    assert "API를 쓸 수 없습니다" in admin.get("/api/v1/cti_lg/lines", headers=KO).json[0]["last_error"]
    chinese = admin.get("/api/v1/cti_lg/lines", headers={"Accept-Language": "zh-Hans"}).json[0]["last_error"]
    assert "无权使用 API" in chinese and "2002" in chinese
    fake.fail_with = None
    assert admin.put(f"/api/v1/cti_lg/lines/{line_id}", json={"number": NUMBER, "password": "wrong",
                                                              "base_url": fake.url}).status_code == 200
    refused = admin.post(f"/api/v1/cti_lg/lines/{line_id}/test", headers=EN).json
    assert refused["code"] == "1003" and "password" in refused["message"]
    fake.stop()
    down = admin.post(f"/api/v1/cti_lg/lines/{line_id}/test", headers=EN).json
    assert down["ok"] is False and "could not be reached" in down["message"]


def test_registering_the_callback_with_a_bad_address_says_which_field(team, fake):
    admin = team["admin"]
    line_id = add_line(admin, fake)
    response = admin.post(f"/api/v1/cti_lg/lines/{line_id}/callback", json={"host": "example.com", "port": 80})
    assert response.status_code == 422 and "host" in response.json["error"]["fields"]
    assert fake.callback is None
    response = admin.post(f"/api/v1/cti_lg/lines/{line_id}/callback", json={"host": "203.0.113.10", "port": 8080})
    assert response.status_code == 200
    assert fake.callback["callbackhost"] == "203.0.113.10" and fake.callback["callbackport"] == "8080"
    assert fake.callback["callbackurl"].startswith("/cti_lg/ring/") and len(fake.callback["callbackurl"]) > 70
    assert admin.delete(f"/api/v1/cti_lg/lines/{line_id}/callback").status_code == 200
    assert fake.callback is None


def test_bad_line_input_is_refused_with_field_messages(team, fake):
    admin = team["admin"]
    response = admin.post("/api/v1/cti_lg/lines", json={"number": "12ab", "password": ""})
    assert response.status_code == 422 and {"number", "password"} <= set(response.json["error"]["fields"])
    response = admin.post("/api/v1/cti_lg/lines", json={"number": NUMBER, "password": PASSWORD, "extra": 1})
    assert response.status_code == 422
    line_id = add_line(admin, fake)
    assert admin.put(f"/api/v1/cti_lg/lines/{line_id}/extensions/abc", json={"user_id": 1}).status_code == 422
    assert admin.put(f"/api/v1/cti_lg/lines/{line_id}/extensions/101", json={"user_id": 99999}).status_code == 422
    assert admin.get("/api/v1/cti_lg/lines").json[0]["extensions"] == []


def test_only_administrators_manage_lines(team, fake):
    line_id = add_line(team["admin"], fake)
    for who in ("rep", "manager", "service"):
        assert team[who].get("/api/v1/cti_lg/lines").status_code == 403
        assert team[who].post(f"/api/v1/cti_lg/lines/{line_id}/test").status_code == 403
        assert team[who].put(f"/api/v1/cti_lg/lines/{line_id}/extensions/101", json={"user_id": 1}).status_code == 403

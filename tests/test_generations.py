"""Process-wide caches of picklists and custom fields: shared between requests, never stale, never uncommitted."""
from __future__ import annotations

import sqlalchemy as sa

from core.testing import ApiClient


def statements_during(app, call) -> list[str]:
    seen: list[str] = []
    engine = app.extensions["plugcrm"].engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_list_request_reads_picklists_and_custom_fields_once_per_process(crm_api, crm_app):
    crm_api.post("/api/v1/meta/entities/accounts/fields", json={"name": "grade", "label": "등급", "type": "text"})
    crm_api.post("/api/v1/accounts", json={"name": "가", "status": "vip", "cf_grade": "A"})
    crm_api.get("/api/v1/accounts")  # fills the cache
    seen = statements_during(crm_app, lambda: crm_api.get("/api/v1/accounts"))
    assert not [s for s in seen if "core_picklist" in s or "core_custom_fields" in s], seen
    assert len([s for s in seen if "core_generations" in s]) == 1
    listed = crm_api.get("/api/v1/accounts").json["data"][0]
    assert listed["cf_grade"] == "A" and listed["_display"]["status"] == "VIP"


def test_a_change_made_by_another_process_is_seen_on_the_next_request(crm_app_factory):
    from core.testing import make_user

    server = crm_app_factory(["customers"])
    worker = crm_app_factory(["customers"])  # a second process: its own app, its own cache, same database
    _uid, token = make_user(server, "admin@example.com", admin=True)
    on_server = ApiClient(server.test_client(), token)
    on_worker = ApiClient(worker.test_client(), token)
    assert on_server.post("/api/v1/accounts", json={"name": "a", "status": "installed"}).status_code == 422
    assert on_worker.get("/api/v1/meta/picklists/account_status/values").status_code == 200  # worker caches too
    added = on_worker.post("/api/v1/meta/picklists/account_status/values",
                           json={"value": "installed", "labels": {"ko": "설치 완료", "en": "Installed"}})
    assert added.status_code == 201, added.json
    created = on_server.post("/api/v1/accounts", json={"name": "a", "status": "installed"}, headers={"Accept-Language": "ko"})
    assert created.status_code == 201, created.json
    field = on_worker.post("/api/v1/meta/entities/accounts/fields", json={"name": "since", "label": "거래시작", "type": "date"})
    assert field.status_code == 201
    assert on_server.get("/api/v1/accounts?cf_since__isnull=true").status_code == 200


def test_an_uncommitted_change_never_reaches_the_shared_cache(crm_app_factory):
    from core.db import session
    from core.entities import picklists

    server = crm_app_factory(["customers"])
    admin_app = crm_app_factory(["customers"])
    with server.test_request_context("/"):
        picklists.add_value("account_status", {"value": "ghost", "label": "유령"})
        assert "ghost" in picklists.active_values("account_status")  # this transaction sees its own change
        session().rollback()
    with admin_app.test_request_context("/"):  # the next committed change gets the counter value "ghost" had
        picklists.add_value("account_status", {"value": "real", "label": "진짜"})
        session().commit()
    with server.test_request_context("/"):
        assert "real" in picklists.active_values("account_status")
        assert "ghost" not in picklists.active_values("account_status")


def test_a_disabled_custom_field_disappears_from_every_process(crm_app_factory):
    from core.testing import make_user

    server = crm_app_factory(["customers"])
    admin_app = crm_app_factory(["customers"])
    _uid, token = make_user(server, "admin@example.com", admin=True)
    on_server = ApiClient(server.test_client(), token)
    on_admin = ApiClient(admin_app.test_client(), token)
    on_admin.post("/api/v1/meta/entities/accounts/fields", json={"name": "grade", "label": "등급", "type": "text"})
    assert on_server.post("/api/v1/accounts", json={"name": "a", "cf_grade": "A"}).status_code == 201
    assert on_admin.patch("/api/v1/meta/entities/accounts/fields/cf_grade", json={"active": False}).status_code == 200
    refused = on_server.get("/api/v1/accounts?cf_grade=A")
    assert refused.status_code == 400 and "cf_grade" in refused.json["error"]["fields"]


def test_api_token_use_is_recorded_by_a_read_only_request(crm_app, crm_api):
    from core.db import session
    from core.security.models import ApiToken

    assert crm_api.get("/api/v1/accounts").status_code == 200
    with crm_app.app_context():
        assert session().scalar(sa.select(ApiToken.last_used_at)) is not None
    seen = statements_during(crm_app, lambda: crm_api.get("/api/v1/accounts"))
    assert not [s for s in seen if s.startswith("UPDATE core_api_tokens")], "touched again within the minute"


def test_owner_names_follow_a_rename_made_by_another_process(crm_app_factory):
    from core.testing import make_user

    server = crm_app_factory(["customers"])
    admin_app = crm_app_factory(["customers"])
    admin_id, token = make_user(server, "admin@example.com", admin=True, name="김사장")
    on_server = ApiClient(server.test_client(), token)
    on_admin = ApiClient(admin_app.test_client(), token)
    assert on_server.post("/api/v1/accounts", json={"name": "가"}).status_code == 201
    assert on_server.get("/api/v1/accounts").json["data"][0]["_display"]["owner_id"] == "김사장"
    assert on_admin.patch(f"/api/v1/users/{admin_id}", json={"name": "김대표"}).status_code == 200
    assert on_server.get("/api/v1/accounts").json["data"][0]["_display"]["owner_id"] == "김대표"
    rep_id, _token = make_user(admin_app, "rep@example.com", name="이영업")  # a new user: a new name to show
    assert on_server.patch(f"/api/v1/accounts/{on_server.get('/api/v1/accounts').json['data'][0]['id']}",
                           json={"owner_id": rep_id}).status_code == 200
    assert on_server.get("/api/v1/accounts").json["data"][0]["_display"]["owner_id"] == "이영업"

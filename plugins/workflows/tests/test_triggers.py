"""Triggers: on create, every save, modify only, once, manual; field updates inside the save."""
from __future__ import annotations

from plugins.workflows.tests.conftest import account, runs_of, workflow

SET_DESCRIPTION = [{"type": "update_fields", "fields": [
    {"field": "description", "expr": "concat('v', version, ' ', upper(name))"}]}]


def test_update_on_create_is_written_with_the_record_itself(api):
    workflow(api, trigger={"type": "create"}, tasks=[{"type": "update_fields", "fields": [
        {"field": "representative", "expr": "concat(name, ' 대표')"}]}])
    created = account(api, name="해동통신")
    assert created["representative"] == "해동통신 대표"   # the API answer already has it
    assert created["version"] == 1                         # one write, no second save
    changed = api.patch(f"/api/v1/accounts/{created['id']}", json={"name": "해동전자"}).get_json()
    assert changed["representative"] == "해동통신 대표"   # create-only: not on update


def test_every_save_and_modify_only(api):
    workflow(api, name="every", trigger={"type": "save"}, tasks=[{"type": "update_fields", "fields": [
        {"field": "address", "expr": "upper(name)"}]}])
    workflow(api, name="modify", trigger={"type": "modify"}, tasks=[{"type": "update_fields", "fields": [
        {"field": "representative", "value": "수정됨"}]}])
    created = account(api, name="abc")
    assert created["address"] == "ABC" and created["representative"] is None
    changed = api.patch(f"/api/v1/accounts/{created['id']}", json={"name": "xyz"}).get_json()
    assert changed["address"] == "XYZ" and changed["representative"] == "수정됨"
    events = sorted((r["workflow"], r["event"]) for r in runs_of(api, created["id"]))
    assert events == [("every", "create"), ("every", "update"), ("modify", "update")]


def test_once_fires_the_first_time_the_condition_holds_and_never_again(api):
    workflow(api, trigger={"type": "once"}, conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "description", "value": "VIP 환영"}]}])
    created = account(api, status="prospect")
    assert created["description"] is None
    url = f"/api/v1/accounts/{created['id']}"
    assert api.patch(url, json={"status": "vip"}).get_json()["description"] == "VIP 환영"
    api.patch(url, json={"description": "수동 변경", "status": "normal"})
    again = api.patch(url, json={"status": "vip"}).get_json()
    assert again["description"] == "수동 변경"
    assert [r["event"] for r in runs_of(api, created["id"])] == ["update"]


def test_manual_trigger_runs_on_request_and_checks_conditions(api):
    wf = workflow(api, trigger={"type": "manual"}, conditions={"all": [
        {"field": "status", "op": "is", "value": "vip"}]}, tasks=SET_DESCRIPTION)
    created = account(api, name="abc", status="vip")
    assert created["description"] is None  # saving does not run a manual workflow
    run = api.post(f"/api/v1/workflows/{wf['id']}/run", json={"record_id": created["id"]}).get_json()
    assert run["matched"] is True and run["tasks"][0]["status"] == "done"
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["description"] == "v1 ABC"
    other = account(api, name="def", status="normal")
    run = api.post(f"/api/v1/workflows/{wf['id']}/run", json={"record_id": other["id"]}).get_json()
    assert run["matched"] is False and run["conditions"]["all"][0] == {
        "field": "status", "op": "is", "value": "vip", "actual": "normal", "held": False}


def test_manual_run_on_a_record_the_user_cannot_see_is_404(app, api):
    from core.testing import ApiClient, make_user

    wf = workflow(api, trigger={"type": "manual"}, tasks=SET_DESCRIPTION)
    created = account(api)
    _uid, token = make_user(app, "sales@example.com", role="sales")
    sales = ApiClient(app.test_client(), token)
    response = sales.post(f"/api/v1/workflows/{wf['id']}/run", json={"record_id": created["id"]})
    assert response.status_code == 404
    assert api.get(f"/api/v1/accounts/{created['id']}").get_json()["description"] is None


def test_later_workflows_see_the_updates_of_earlier_ones_in_the_same_save(api):
    workflow(api, name="first", tasks=[{"type": "update_fields", "fields": [
        {"field": "representative", "expr": "if status = 'vip' then '대표 VIP' else '' end"}]}])
    workflow(api, name="second", conditions={"all": [{"field": "representative", "op": "is", "value": "대표 VIP"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "description", "value": "VIP 관리 대상"}]}])
    assert account(api, status="vip")["description"] == "VIP 관리 대상"
    assert account(api, name="보통", status="normal")["description"] is None


def test_bulk_import_path_matches_each_new_record_to_its_own_evaluation(app, api):
    """The importer runs every row's before_save first and every after_save afterwards."""
    from core.db import session
    from core.entities import records
    from core.importexport.bulk import create_many
    from core.runtime import runtime
    from core.security.models import User

    workflow(api, trigger={"type": "create"}, conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "representative", "expr": "concat(name, ' 대표')"}]},
                    {"type": "send_email", "recipients": {"addresses": ["team@example.com"]},
                     "subject": "{{ record.name }} {{ record.number }}", "body": "-"}])
    rows = [{"name": "가나상사", "status": "vip"}, {"name": "다라상사", "status": "normal"},
            {"name": "마바상사", "status": "vip"}]
    with app.app_context():
        accounts = runtime().registry.get("accounts")
        admin = session().get(User, 1)
        fields = runtime().registry.fields(accounts)
        prepared = [records.prepare_new(accounts, row, admin, fields) for row in rows]
        created = create_many(accounts, prepared, admin)
        session().commit()
    assert [c["representative"] for c in created] == ["가나상사 대표", None, "마바상사 대표"]
    for record in created:
        subjects = [r["tasks"][1]["detail"]["subject"] for r in runs_of(api, record["id"])]
        assert subjects == ([f"{record['name']} {record['number']}"] if record["status"] == "vip" else [])

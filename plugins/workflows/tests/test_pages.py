"""The workflow pages: the list and run log for administrators, the run-log panel on a record page."""
from __future__ import annotations

from core.testing import ApiClient, make_user
from plugins.workflows.tests.conftest import account, workflow


def test_workflow_list_run_log_and_record_panel(app, api):
    wf = workflow(api, name="VIP 표시", conditions={"all": [{"field": "status", "op": "is", "value": "vip"}]},
                  tasks=[{"type": "update_fields", "title": "대표자 표시",
                          "fields": [{"field": "representative", "value": "VIP"}]}])
    created = account(api, name="해동통신", status="vip")
    listing = api.get("/workflows/?lang=ko")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "VIP 표시" in page and "워크플로" in page
    log = api.get(f"/workflows/{wf['id']}?lang=ko").get_data(as_text=True)
    text = " ".join(log.split())
    assert "✓ 상태 같음 VIP" in text and "(값: VIP)" in text and "대표자 표시: <strong>완료</strong>" in text
    detail = api.get(f"/records/accounts/{created['id']}?lang=ko").get_data(as_text=True)
    assert "워크플로 실행 기록" in detail and "VIP 표시" in detail and "대표자 표시: <strong>완료</strong>" in detail


def test_workflow_pages_are_for_administrators(app, api):
    _uid, token = make_user(app, "rep@example.com", role="sales")
    rep = ApiClient(app.test_client(), token)
    assert rep.get("/workflows/").status_code == 403


def test_demo_workflow_is_valid_and_fires(app, api):
    import sqlalchemy as sa

    from core.db import session
    from core.demo import DemoContext
    from core.security.models import User
    from plugins.workflows.demo import fill

    with app.app_context():
        fill(DemoContext(admin=session().scalar(sa.select(User))))
        session().commit()
    [wf] = api.get("/api/v1/workflows/").get_json()["data"]
    created = account(api, status="normal")
    api.patch(f"/api/v1/accounts/{created['id']}", json={"status": "vip"})
    runs = api.get(f"/api/v1/workflows/{wf['id']}/runs").get_json()["data"]
    assert [r["tasks"][0]["status"] for r in runs] == ["queued"]


def test_no_panel_on_entities_without_workflows(app, api):
    contact = api.post("/api/v1/contacts", json={"name": "김담당"}).get_json()
    assert "워크플로 실행 기록" not in api.get(f"/records/contacts/{contact['id']}?lang=ko").get_data(as_text=True)

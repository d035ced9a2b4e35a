"""Workflows trigger on quote status changes and approval steps (a quote is an ordinary entity)."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from plugins.quotes.tests.conftest import PLUGINS, Sales, ok


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS + ["workflows"])


def test_approval_and_status_changes_fire_workflows(app):
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    rep = Sales(ApiClient(app.test_client(), make_user(app, "rep@example.com", role="sales")[1]))
    manager = Sales(ApiClient(app.test_client(), make_user(app, "manager@example.com", role="manager")[1]))
    for name, field, value, remark in (("approved", "approval_status", "approved", "결재 완료"),
                                       ("accepted", "status", "accepted", "신청 완료")):
        ok(admin.post("/api/v1/workflows/", json={
            "name": name, "entity": "quotes", "trigger": {"type": "modify"},
            "conditions": {"all": [{"field": field, "op": "changed_to", "value": value}]},
            "tasks": [{"type": "update_fields", "fields": [{"field": "remarks", "value": remark}]}]}), 201)
    quote = rep.quote(rep.account(), status="in_progress")
    rep.line(quote["id"], name="설치비", quantity="1", unit_price="1000000")
    rep.step(quote["id"], "submit")
    assert manager.step(quote["id"], "approve")["remarks"] == "결재 완료"
    accepted = ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"status": "accepted"}))
    assert accepted["remarks"] == "신청 완료"
    runs = ok(admin.get(f"/api/v1/workflows/runs?entity=quotes&record_id={quote['id']}"))["data"]
    assert sorted(r["workflow"] for r in runs) == ["accepted", "approved"]

"""With the workflows plugin enabled, "forecast amount" is installed as an editable workflow."""
from __future__ import annotations

from core.testing import ApiClient, make_user
from plugins.opportunities.tests.conftest import PLUGINS, Pipeline, ok


def test_forecast_amount_ships_as_a_default_workflow_that_implementers_can_change(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS + ["workflows"])
    api = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    pipeline = Pipeline(api)
    deal = pipeline.deal(stage="proposal", amount="10000000")
    assert deal["forecast_amount"] == "5000000.00"

    workflows = ok(api.get("/api/v1/workflows/"))["data"]
    shipped = next(w for w in workflows if w["name"] == "forecast amount")
    assert (shipped["plugin"], shipped["entity"], shipped["trigger"]["type"]) == ("opportunities", "opportunities",
                                                                                 "save")
    # an implementer discounts every forecast by 10 % without code: the workflow runs after the plugin's rule
    changed = dict(shipped, tasks=[{"type": "update_fields", "title": "discounted forecast",
                                    "fields": [{"field": "forecast_amount", "expr": "amount * probability / 100 * 0.9"}]}])
    for key in ("id", "key", "plugin", "next_run_at", "created_at", "updated_at"):
        changed.pop(key, None)
    response = api.client.put(f"/api/v1/workflows/{shipped['id']}", json=changed,
                              headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 200, response.get_json()
    assert ok(api.patch(f"/api/v1/opportunities/{deal['id']}", json={"amount": "20000000"}))["forecast_amount"] == \
        "9000000.00"


def test_a_first_save_that_fails_validation_does_not_lose_the_default_workflow(crm_app_factory):
    """The install rode on the first save's transaction; when that save is refused it must happen again."""
    app = crm_app_factory(plugins=PLUGINS + ["workflows"])
    api = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    refused = api.post("/api/v1/opportunities", json={"title": "없는 담당자의 거래", "revenue_month": "2026-12-01",
                                                      "contact_id": 999999})
    assert refused.status_code == 422 and "contact_id" in refused.get_json()["error"]["fields"], refused.get_json()
    assert ok(api.get("/api/v1/workflows/"))["data"] == []  # rolled back with the refused save
    Pipeline(api).deal(stage="proposal", amount="10000000")
    [shipped] = ok(api.get("/api/v1/workflows/"))["data"]
    assert (shipped["key"], shipped["status"]) == ("opportunities:forecast amount", "active")

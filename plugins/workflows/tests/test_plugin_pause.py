"""A workflow on a disabled plugin's entity (or using its function) is listed as paused, not active."""
from __future__ import annotations

from core.testing import ApiClient, make_user
from tests.browser.support import PLUGINS_DIR


def test_a_workflow_on_a_disabled_plugins_entity_is_listed_as_paused_and_resumes(crm_app_factory):
    with_gadgets = crm_app_factory(plugins=["customers", "uitest", "workflows"], plugins_dir=str(PLUGINS_DIR))
    token = make_user(with_gadgets, "admin@example.com", admin=True)[1]
    api = ApiClient(with_gadgets.test_client(), token)
    for body in ({"name": "gadgets", "entity": "gadgets", "trigger": {"type": "save"}, "tasks": []},
                 {"name": "accounts using a gadget function", "entity": "accounts", "trigger": {"type": "save"},
                  "conditions": {"all": [{"expr": "days_until(registered_on) < 3"}]}, "tasks": []},
                 {"name": "plain accounts", "entity": "accounts", "trigger": {"type": "save"}, "tasks": []}):
        response = api.post("/api/v1/workflows/", json=body)
        assert response.status_code == 201, response.get_json()
    listed = {w["name"]: w for w in api.get("/api/v1/workflows/").get_json()["data"]}
    assert listed["gadgets"]["requires"] == ["uitest"] and listed["plain accounts"]["requires"] == ["customers"]

    without = crm_app_factory(plugins=["customers", "workflows"])
    api = ApiClient(without.test_client(), token)
    listed = {w["name"]: w for w in api.get("/api/v1/workflows/").get_json()["data"]}
    assert {n: w["status"] for n, w in listed.items()} == {
        "gadgets": "paused", "accounts using a gadget function": "paused", "plain accounts": "active"}
    assert "uitest" in listed["gadgets"]["paused_reason"]
    assert api.post("/api/v1/accounts", json={"name": "해동통신"}).status_code == 201  # the paused one is skipped

    again = crm_app_factory(plugins=["customers", "uitest", "workflows"], plugins_dir=str(PLUGINS_DIR))
    api = ApiClient(again.test_client(), token)
    assert {w["status"] for w in api.get("/api/v1/workflows/").get_json()["data"]} == {"active"}

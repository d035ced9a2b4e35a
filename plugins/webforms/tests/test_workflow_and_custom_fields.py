"""A web lead is a create like any other: workflows fire; a form can fill custom fields too."""
from __future__ import annotations

import pytest

from plugins.webforms.tests.conftest import GOOD, PLUGINS, Visitor


@pytest.fixture
def app(crm_app_factory, smtp_server):
    return crm_app_factory(plugins=PLUGINS + ["workflows"], smtp=smtp_server.settings())


def test_create_workflows_fire_and_custom_fields_are_filled(app, admin, handler, frozen):
    made = admin.post("/api/v1/meta/entities/leads/fields", json={"name": "budget", "label": "예산", "type": "text"})
    assert made.status_code == 201, made.json
    flow = admin.post("/api/v1/workflows/", json={
        "name": "hot web leads", "entity": "leads", "trigger": {"type": "create"}, "conditions": {},
        "tasks": [{"type": "update_fields", "fields": [{"field": "status", "value": "contacted"}]}]})
    assert flow.status_code == 201, flow.json
    form = admin.post("/api/v1/webforms", json={"name": "예산 문의", "handler_id": handler[0], "source": "web_form",
                                                "fields": [{"field_name": "name", "kind": "text", "required": True},
                                                           {"field_name": "cf_budget", "kind": "text"}]})
    assert form.status_code == 201, form.json
    sent = Visitor(app, form.json).send({"name": GOOD["name"], "cf_budget": "3천만원"})
    assert sent.status_code == 201
    lead = admin.get("/api/v1/leads").json["data"][0]
    assert (lead["cf_budget"], lead["status"]) == ("3천만원", "contacted")
    runs = admin.get(f"/api/v1/workflows/runs?entity=leads&record_id={lead['id']}").json["data"]
    assert len(runs) == 1

"""Fixtures for the workflows tests: an app with customers + workflows, an admin API client, helpers."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user

PLUGINS = ["customers", "workflows"]
# The test receivers listen on loopback, which webhooks may call only when allowed (core.egress).
LOOPBACK = {"outbound_allow": ["127.0.0.0/8"]}


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS, **LOOPBACK)


@pytest.fixture
def admin(app):
    return make_user(app, "admin@example.com", admin=True, name="관리자")


@pytest.fixture
def api(app, admin) -> ApiClient:
    return ApiClient(app.test_client(), admin[1])


@pytest.fixture
def money_field(api):
    """A custom money field on accounts (deal size), as an administrator adds it."""
    response = api.post("/api/v1/meta/entities/accounts/fields",
                        json={"name": "deal_size", "label": "거래 규모", "type": "money"})
    assert response.status_code == 201, response.get_json()
    return "cf_deal_size"


def workflow(api, **definition) -> dict:
    body = {"name": "wf", "entity": "accounts", "trigger": {"type": "save"}, "conditions": {}, "tasks": []}
    body.update(definition)
    response = api.post("/api/v1/workflows/", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def account(api, **values) -> dict:
    values.setdefault("name", "해동통신")
    response = api.post("/api/v1/accounts", json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def runs_of(api, record_id, entity="accounts") -> list[dict]:
    response = api.get(f"/api/v1/workflows/runs?entity={entity}&record_id={record_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]

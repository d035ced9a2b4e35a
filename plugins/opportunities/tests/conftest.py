"""Fixtures: an app with customers, products and opportunities; API clients per role."""
from __future__ import annotations

import datetime as dt

import pytest

from core import clock
from core.testing import ApiClient, make_user

PLUGINS = ["customers", "products", "opportunities"]
ALL_ACTIONS = ["first_meeting", "needs_confirmed", "proposal_sent"]


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS)


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])


@pytest.fixture
def frozen():
    """The clock stopped at 2026-11-02 10:00 KST; tests move it with ``clock.advance``."""
    clock.set_now(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc))
    yield clock
    clock.reset()


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


class Pipeline:
    """Small helpers that read like the user's steps."""

    def __init__(self, api):
        self.api = api

    def account(self, name="해동통신"):
        return ok(self.api.post("/api/v1/accounts", json={"name": name}), 201)["id"]

    def product(self, name="랙서버", price="1000000", cost="600000", **extra):
        return ok(self.api.post("/api/v1/products", json={"name": name, "list_price": price, "cost": cost, **extra}),
                  201)["id"]

    def deal(self, **values):
        values.setdefault("title", "그룹웨어 도입")
        values.setdefault("revenue_month", "2026-12-01")
        if values.get("stage", "prospecting") != "prospecting":
            values.setdefault("completed_actions", ALL_ACTIONS)
        return ok(self.api.post("/api/v1/opportunities", json=values), 201)

    def get(self, deal_id):
        return ok(self.api.get(f"/api/v1/opportunities/{deal_id}"))

    def item(self, deal_id, product_id, status=201, **values):
        response = self.api.post("/api/v1/opportunity_items",
                                 json={"opportunity_id": deal_id, "product_id": product_id, **values})
        return ok(response, status)

    def schedule(self, deal_id):
        return [(r["month"], r["amount"]) for r in ok(self.api.get(
            f"/api/v1/opportunities/{deal_id}/revenue-schedule"))["data"]]

    def put_schedule(self, deal_id, body):
        return self.api.client.put(f"/api/v1/opportunities/{deal_id}/revenue-schedule", json=body,
                                   headers={"Authorization": f"Bearer {self.api.token}"})

    def move(self, deal_id, stage, **extra):
        return self.api.post(f"/api/v1/opportunities/{deal_id}/stage", json={"stage": stage, **extra})


@pytest.fixture
def pipeline(admin):
    return Pipeline(admin)

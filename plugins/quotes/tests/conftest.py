"""Fixtures: an app with customers, products, opportunities and quotes; a team of users by role."""
from __future__ import annotations

import datetime as dt

import pytest

from core import clock
from core.testing import ApiClient, make_user

PLUGINS = ["customers", "products", "opportunities", "quotes"]


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS)


@pytest.fixture
def frozen():
    """The clock at 2026-11-02 10:00 KST."""
    clock.set_now(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc))
    yield clock
    clock.reset()


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


class Team:
    """Users by role, each with an API client: admin, director, manager, rep, peer (another rep)."""

    PEOPLE = {"admin": dict(admin=True, name="관리자"), "director": dict(role="director", name="정이사"),
              "manager": dict(role="manager", name="박팀장"), "rep": dict(role="sales", name="김영업"),
              "peer": dict(role="sales", name="이영업")}

    def __init__(self, app):
        self.app = app
        self.ids, self.clients = {}, {}

    def __getitem__(self, who) -> ApiClient:
        if who not in self.clients:
            user_id, token = make_user(self.app, f"{who}@example.com", **self.PEOPLE[who])
            self.ids[who], self.clients[who] = user_id, ApiClient(self.app.test_client(), token)
        return self.clients[who]


class Sales:
    """Helpers that read like the user's steps."""

    def __init__(self, api):
        self.api = api

    def account(self, name="해동통신", **values):
        return ok(self.api.post("/api/v1/accounts", json={"name": name, **values}), 201)["id"]

    def product(self, name="ERP영업관리", price="5000000", code=None, model="3유저"):
        return ok(self.api.post("/api/v1/products", json={"name": name, "list_price": price, "code": code,
                                                          "model": model}), 201)["id"]

    def quote(self, account_id, **values):
        values.setdefault("title", "ERP 도입 견적")
        return ok(self.api.post("/api/v1/quotes", json={"account_id": account_id, **values}), 201)

    def line(self, quote_id, status=201, **values):
        return ok(self.api.post("/api/v1/quote_lines", json={"quote_id": quote_id, **values}), status)

    def get(self, quote_id):
        return ok(self.api.get(f"/api/v1/quotes/{quote_id}"))

    def step(self, quote_id, step, status=200, **body):
        return ok(self.api.post(f"/api/v1/quotes/{quote_id}/{step}", json=body), status)


@pytest.fixture
def team(app):
    return Team(app)


@pytest.fixture
def admin(team):
    return team["admin"]


@pytest.fixture
def sales(admin):
    return Sales(admin)


def accepted_quote(sales: Sales, account: int, amount="1000000", opportunity_id=None) -> dict:
    quote = sales.quote(account, status="in_progress", opportunity_id=opportunity_id)
    sales.line(quote["id"], name="서버", quantity="1", unit_price=amount)
    sales.step(quote["id"], "submit")
    return quote


@pytest.fixture
def approved(team):
    """Quotes owned by the rep, approved by the manager, accepted."""
    rep, manager = Sales(team["rep"]), Sales(team["manager"])

    def make(account, amount="1000000", opportunity_id=None):
        quote = accepted_quote(rep, account, amount, opportunity_id)
        manager.step(quote["id"], "approve")
        return ok(rep.api.patch(f"/api/v1/quotes/{quote['id']}", json={"status": "accepted"}))

    return rep, make

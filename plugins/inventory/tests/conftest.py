"""Fixtures: an app with quotes and inventory, a team by role, warehouses with keepers, products."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user

PLUGINS = ["customers", "products", "opportunities", "quotes", "inventory"]


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS)


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


class Team:
    """Users by role with API clients: admin, boss (owner), keeper_a, keeper_b, buyer, rep."""

    PEOPLE = {"admin": dict(admin=True, name="관리자"), "boss": dict(role="owner", name="최대표"),
              "keeper_a": dict(role="warehouse", name="김창고"), "keeper_b": dict(role="warehouse", name="이창고"),
              "buyer": dict(role="purchasing", name="박구매"), "rep": dict(role="sales", name="정영업")}

    def __init__(self, app):
        self.app = app
        self.ids, self.clients = {}, {}

    def __getitem__(self, who) -> ApiClient:
        if who not in self.clients:
            user_id, token = make_user(self.app, f"{who}@example.com", **self.PEOPLE[who])
            self.ids[who], self.clients[who] = user_id, ApiClient(self.app.test_client(), token)
        return self.clients[who]

    def id(self, who) -> int:
        self[who]
        return self.ids[who]


@pytest.fixture
def team(app):
    return Team(app)


class Shop:
    """Warehouses A (서울창고, keeper_a) and B (부산창고, keeper_b), products, a supplier and a customer."""

    def __init__(self, team):
        self.team = team
        admin = team["admin"]
        self.a = ok(admin.post("/api/v1/warehouses", json={"name": "서울창고", "code": "SEL"}), 201)["id"]
        self.b = ok(admin.post("/api/v1/warehouses", json={"name": "부산창고", "code": "PUS"}), 201)["id"]
        ok(admin.put(f"/api/v1/inventory/warehouses/{self.a}/keepers", json={"user_ids": [team.id("keeper_a")]}))
        ok(admin.put(f"/api/v1/inventory/warehouses/{self.b}/keepers", json={"user_ids": [team.id("keeper_b")]}))
        self.router = self.product("공유기", "AX-3000", "1000")
        self.switch = self.product("스위치", "SW-24", "5000")
        self.supplier = ok(admin.post("/api/v1/accounts", json={"name": "대한부품", "is_supplier": True}), 201)["id"]
        self.customer = ok(admin.post("/api/v1/accounts", json={"name": "해동통신"}), 201)["id"]

    def product(self, name, model, cost):
        return ok(self.team["admin"].post("/api/v1/products", json={"name": name, "model": model, "cost": cost,
                                                                     "list_price": str(int(cost) * 2)}), 201)["id"]

    def move(self, who, kind, warehouse, lines, status=201, **extra):
        body = {"kind": kind, "warehouse_id": warehouse, "lines": lines, "post": True, **extra}
        return ok(self.team[who].post("/api/v1/inventory/documents", json=body), status)

    def stock(self, who="admin", **args):
        return ok(self.team[who].get("/api/v1/inventory/stock", query_string=args))["data"]

    def on_hand(self, product, warehouse) -> str | None:
        rows = [r for r in self.stock(warehouse_id=warehouse) if r["product_id"] == product]
        return rows[0]["quantity"] if rows else None


@pytest.fixture
def shop(team):
    return Shop(team)

"""The core's route-leak tests (``tests/test_route_leaks.py``) with inventory enabled (it is off by default).

Besides what the sales rep seeds, an administrator makes a warehouse, a supplier, a purchase order with a
line, and stock documents (posted and draft), so every inventory route with an id finds a real record.
"""
from __future__ import annotations

import pytest

from core.plugins import discover
from tests import test_route_leaks as leaks
from tests.test_route_leaks import (test_anonymous_callers_get_401_everywhere,  # noqa: F401  (collected here)
                                    test_hidden_fields_reach_no_response_of_their_records_owner,
                                    test_pages_need_a_login_and_show_colleagues_nothing_private,
                                    test_users_without_rights_or_ownership_get_no_data)


def default_plugins_and_inventory() -> list[str]:
    return sorted({n for n, info in discover(None).items() if info.manifest.default_enabled} | {"inventory"})


@pytest.fixture
def seeded(crm_app_factory):
    data = leaks.Seeded(crm_app_factory(plugins=default_plugins_and_inventory()))
    data.seed()
    admin = data.admin
    house = admin.post("/api/v1/warehouses", json={"name": "서울창고", "code": "SEL"}).json["id"]
    supplier = admin.post("/api/v1/accounts", json={"name": "공급사", "is_supplier": True}).json["id"]
    product = data.ids["products"]
    po = admin.post("/api/v1/purchase_orders", json={"supplier_id": supplier, "warehouse_id": house}).json["id"]
    admin.post("/api/v1/purchase_order_lines", json={"order_id": po, "product_id": product, "quantity": "2",
                                                     "unit_price": "100"})
    for post in (True, False):
        response = admin.post("/api/v1/inventory/documents", json={
            "kind": "receipt", "warehouse_id": house, "post": post,
            "lines": [{"product_id": product, "quantity": "5"}]})
        assert response.status_code == 201, response.json
    data.versions = {name: admin.get(f"/api/v1/{name}/{rid}").json["version"] for name, rid in data.ids.items()}
    assert {"accounts", "contacts", "products"} <= set(data.ids), data.ids
    return data

"""Who may move stock: keepers in their own warehouse, inventory administrators everywhere; a sales rep
sees stock but cannot move it; only the cancel right (the owner) cancels a posted document."""
from __future__ import annotations

from plugins.inventory.tests.conftest import ok

RECEIPT = "receipt"


def line(product, quantity="10"):
    return [{"product_id": product, "quantity": quantity}]


def test_a_keeper_posts_in_their_own_warehouse_but_not_in_another(team, shop):
    shop.move("keeper_a", RECEIPT, shop.a, line(shop.router))
    refused = shop.move("keeper_a", RECEIPT, shop.b, line(shop.router), status=403)
    assert "부산창고" in refused["error"]["message"] or "Busan" in refused["error"]["message"] \
        or "부산창고" in str(refused)
    assert shop.on_hand(shop.router, shop.b) is None
    assert shop.on_hand(shop.router, shop.a) == "10.0000"


def test_a_transfer_needs_both_warehouses(team, shop):
    shop.move("keeper_a", RECEIPT, shop.a, line(shop.router))
    shop.move("keeper_a", "transfer", shop.a, line(shop.router, "3"), status=403, to_warehouse_id=shop.b)
    shop.move("boss", "transfer", shop.a, line(shop.router, "3"), to_warehouse_id=shop.b)  # inventory admin
    assert shop.on_hand(shop.router, shop.a) == "7.0000" and shop.on_hand(shop.router, shop.b) == "3.0000"


def test_a_keeper_cannot_post_a_draft_of_another_warehouse(team, shop):
    draft = ok(team["keeper_b"].post("/api/v1/inventory/documents", json={
        "kind": RECEIPT, "warehouse_id": shop.b, "lines": line(shop.router)}), 201)
    ok(team["keeper_a"].post(f"/api/v1/inventory/documents/{draft['id']}/post"), 403)
    ok(team["keeper_b"].post(f"/api/v1/inventory/documents/{draft['id']}/post"))


def test_a_sales_rep_sees_stock_but_cannot_move_it(team, shop):
    shop.move("keeper_a", RECEIPT, shop.a, line(shop.router))
    assert [r["product_id"] for r in shop.stock("rep")] == [shop.router]
    ok(team["rep"].get(f"/api/v1/inventory/products/{shop.router}/movements"))
    ok(team["rep"].get("/api/v1/inventory/daily"))
    for kind in ("receipt", "issue", "opening", "stocktake"):
        shop.move("rep", kind, shop.a, line(shop.router, "1"), status=403)
    ok(team["rep"].put(f"/api/v1/inventory/warehouses/{shop.a}/keepers", json={"user_ids": [team.id("rep")]}), 403)
    ok(team["rep"].post("/api/v1/warehouses", json={"name": "영업창고", "code": "REP"}), 403)
    assert shop.on_hand(shop.router, shop.a) == "10.0000"


def test_a_user_without_a_role_sees_no_stock(app, team, shop):
    from core.testing import ApiClient, make_user

    shop.move("keeper_a", RECEIPT, shop.a, line(shop.router))
    nobody = ApiClient(app.test_client(), make_user(app, "nobody@example.com")[1])
    for url in ("/api/v1/inventory/stock", "/api/v1/inventory/daily", "/api/v1/inventory/value",
                f"/api/v1/inventory/products/{shop.router}/movements", "/api/v1/inventory/documents"):
        assert nobody.get(url).status_code == 403, url


def test_only_the_cancel_right_cancels_a_posted_document_with_a_reversal(team, shop):
    doc = shop.move("keeper_a", RECEIPT, shop.a, line(shop.router))
    ok(team["keeper_a"].post(f"/api/v1/inventory/documents/{doc['id']}/cancel"), 403)
    ok(team["buyer"].post(f"/api/v1/inventory/documents/{doc['id']}/cancel"), 403)
    cancelled = ok(team["boss"].post(f"/api/v1/inventory/documents/{doc['id']}/cancel"))
    assert cancelled["status"] == "cancelled"
    assert shop.on_hand(shop.router, shop.a) is None  # zero rows hidden
    moves = ok(team["rep"].get(f"/api/v1/inventory/products/{shop.router}/movements"))["data"]
    assert [(m["kind"], m["quantity"], m["reversal"]) for m in moves] == [
        ("receipt", "-10.0000", True), ("receipt", "10.0000", False)]


def test_issues_below_zero_are_refused_in_the_users_language(team, shop):
    shop.move("keeper_a", RECEIPT, shop.a, line(shop.router, "2"))
    refused = team["keeper_a"].post("/api/v1/inventory/documents", json={
        "kind": "issue", "warehouse_id": shop.a, "lines": line(shop.router, "3"), "post": True},
        headers={"Accept-Language": "ko"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "insufficient_stock"
    assert "재고" in refused.json["error"]["message"] and "공유기" in refused.json["error"]["message"]
    assert shop.on_hand(shop.router, shop.a) == "2.0000"
    drafts = ok(team["admin"].get("/api/v1/inventory/documents", query_string={"kind": "issue"}))["data"]
    assert drafts == []  # the refused request left no draft behind


def test_a_warehouse_may_allow_negative_stock(team, shop):
    ok(team["admin"].patch(f"/api/v1/warehouses/{shop.a}", json={"allow_negative": True}))
    shop.move("keeper_a", "issue", shop.a, line(shop.router, "4"))
    assert shop.stock(warehouse_id=shop.a)[0]["quantity"] == "-4.0000"


def test_bad_input_is_a_clear_error_and_changes_nothing(team, shop):
    keeper = team["keeper_a"]
    cases = [({"kind": "teleport", "warehouse_id": shop.a, "lines": line(shop.router)}, "kind"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": []}, "lines"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": line(shop.router, "-1")}, "lines.0.quantity"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": line(shop.router, "abc")}, "lines.0.quantity"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": line(shop.router, "1e400")}, "lines.0.quantity"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": line(99999)}, "lines.0.product_id"),
             ({"kind": RECEIPT, "warehouse_id": 2**40, "lines": line(shop.router)}, "warehouse_id"),
             ({"kind": "transfer", "warehouse_id": shop.a, "to_warehouse_id": shop.a, "lines": line(shop.router)},
              "to_warehouse_id"),
             ({"kind": RECEIPT, "warehouse_id": shop.a, "lines": line(shop.router), "document_date": "2999-01-01"},
              "document_date")]
    for body, field in cases:
        response = keeper.post("/api/v1/inventory/documents", json={**body, "post": True})
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["error"]["fields"], (body, response.json)
    assert ok(team["admin"].get("/api/v1/inventory/documents"))["data"] == []
    assert keeper.get("/api/v1/inventory/daily?date_from=2026-13-01").status_code == 400
    assert keeper.get("/api/v1/inventory/stock?warehouse_id=abc").status_code == 400

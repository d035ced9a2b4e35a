"""The catalogue through the API: tree, cost right, price lists, discontinued, pictures."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from core.testing import ApiClient, make_user


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=["customers", "products"])


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


def as_role(app, role):
    return ApiClient(app.test_client(), make_user(app, f"{role}@example.com", role=role)[1])


def create(api, entity, body, status=201):
    response = api.post(f"/api/v1/{entity}", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_category_tree_rename_and_move(admin):
    hardware = create(admin, "product_categories", {"name": "하드웨어"})
    servers = create(admin, "product_categories", {"name": "서버", "parent_id": hardware["id"]})
    rack = create(admin, "product_categories", {"name": "랙서버", "parent_id": servers["id"]})
    assert rack["path"] == "하드웨어 > 서버 > 랙서버"

    admin.patch(f"/api/v1/product_categories/{servers['id']}", json={"name": "서버류"})
    assert admin.get(f"/api/v1/product_categories/{rack['id']}").get_json()["path"] == "하드웨어 > 서버류 > 랙서버"

    software = create(admin, "product_categories", {"name": "소프트웨어"})
    admin.patch(f"/api/v1/product_categories/{servers['id']}", json={"parent_id": software["id"]})
    assert admin.get(f"/api/v1/product_categories/{rack['id']}").get_json()["path"] == "소프트웨어 > 서버류 > 랙서버"

    tree = admin.get("/api/v1/products/categories/tree").get_json()["data"]
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in tree] == [("소프트웨어", ["서버류"]),
                                                                               ("하드웨어", [])]


def test_moving_a_category_under_its_own_child_is_refused(admin):
    top = create(admin, "product_categories", {"name": "A"})
    child = create(admin, "product_categories", {"name": "B", "parent_id": top["id"]})
    response = admin.patch(f"/api/v1/product_categories/{top['id']}", json={"parent_id": child["id"]})
    assert response.status_code == 422
    assert "parent_id" in response.get_json()["error"]["fields"]
    assert admin.get(f"/api/v1/product_categories/{top['id']}").get_json()["parent_id"] is None


def test_cost_is_hidden_from_roles_without_the_cost_right(app, admin):
    product = create(admin, "products", {"name": "랙서버", "model": "R760", "code": "SV-1",
                                         "list_price": "18500000", "cost": "14200000"})
    assert product["cost"] == "14200000.00"
    sales, manager = as_role(app, "sales"), as_role(app, "manager")

    seen_by_sales = sales.get(f"/api/v1/products/{product['id']}").get_json()
    assert "cost" not in seen_by_sales and seen_by_sales["list_price"] == "18500000.00"
    assert all("cost" not in row for row in sales.get("/api/v1/products").get_json()["data"])
    assert sales.get("/api/v1/products?cost__gt=1").status_code == 400
    assert sales.get("/api/v1/products?sort=-cost").status_code == 400
    assert manager.get(f"/api/v1/products/{product['id']}").get_json()["cost"] == "14200000.00"

    refused = sales.post("/api/v1/products", json={"name": "X", "cost": "1"})
    assert refused.status_code == 422 and "cost" in refused.get_json()["error"]["fields"]
    assert sales.patch(f"/api/v1/products/{product['id']}", json={"cost": "1"}).status_code == 422
    assert admin.get(f"/api/v1/products/{product['id']}").get_json()["cost"] == "14200000.00"
    # editing other fields without seeing cost keeps the stored cost
    assert sales.patch(f"/api/v1/products/{product['id']}", json={"model": "R760xs"}).status_code == 200
    assert admin.get(f"/api/v1/products/{product['id']}").get_json()["cost"] == "14200000.00"


def test_price_lists_name_prices_and_fall_back_to_list_price(admin):
    product = create(admin, "products", {"name": "스위치", "list_price": "6400000"})
    vip = create(admin, "price_lists", {"name": "VIP"})
    wholesale = create(admin, "price_lists", {"name": "도매가"})
    create(admin, "product_prices", {"product_id": product["id"], "price_list_id": vip["id"], "price": "5900000"})
    assert admin.get(f"/api/v1/products/{product['id']}/price?price_list={vip['id']}").get_json()["price"] == \
        "5900000.00"
    assert admin.get(f"/api/v1/products/{product['id']}/price?price_list={wholesale['id']}").get_json()["price"] \
        == "6400000.00"
    assert admin.get(f"/api/v1/products/{product['id']}/price?price_list=x").status_code == 422
    assert create(admin, "price_lists", {"name": "VIP"}, status=422)["error"]["fields"]["name"]


def test_options_belong_to_a_product(admin):
    product = create(admin, "products", {"name": "서버"})
    create(admin, "product_options", {"product_id": product["id"], "name": "3년 보증", "extra_price": "900000"})
    options = admin.get(f"/api/v1/product_options?product_id={product['id']}").get_json()["data"]
    assert [(o["name"], o["extra_price"]) for o in options] == [("3년 보증", "900000.00")]
    assert create(admin, "product_options", {"name": "no product"}, status=422)["error"]["fields"]["product_id"]


def picture(fmt="PNG", size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_image_upload_makes_a_thumbnail(admin):
    product = create(admin, "products", {"name": "AP"})
    response = admin.post(f"/api/v1/products/{product['id']}/image", json=None,
                          data={"image": (io.BytesIO(picture()), "ap.png")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["image"] == f"{product['id']}.png"
    thumb = Image.open(io.BytesIO(admin.get(f"/api/v1/products/{product['id']}/thumbnail").data))
    assert thumb.size == (240, 180)
    full = Image.open(io.BytesIO(admin.get(f"/api/v1/products/{product['id']}/image").data))
    assert full.size == (800, 600)


def test_a_file_that_is_not_a_picture_is_refused(admin):
    product = create(admin, "products", {"name": "AP"})
    response = admin.post(f"/api/v1/products/{product['id']}/image", json=None,
                          data={"image": (io.BytesIO(b"%PDF-1.4 not a picture"), "x.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "image" in response.get_json()["error"]["fields"]
    assert admin.get(f"/api/v1/products/{product['id']}").get_json()["image"] is None
    assert admin.get(f"/api/v1/products/{product['id']}/thumbnail").status_code == 404

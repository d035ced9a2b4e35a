"""Fields hidden from a user (product cost for a sales rep) stay hidden on every path, in and out.

Findings 1 and 3 of the outside probe: the record history API returned hidden
fields, and reports and exports accepted filters and sorts on them (so a
hidden value could be found by bisection).  Every path goes through
:mod:`core.security.fields` now.
"""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from test_importexport_support import csv_bytes, preview, upload
from core.testing_route_leaks import body_text, session_client

COST = "14237000"  # digits that appear nowhere else in the responses
NEW_COST = "13981000"


@pytest.fixture
def shop(crm_app_factory):
    """A product with a cost, and a sales rep's deal with a line item of it (cost copied from the product)."""
    app = crm_app_factory(plugins=["customers", "products", "opportunities"])
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    rep = ApiClient(app.test_client(), make_user(app, "rep@example.com", role="sales")[1])
    product = ok(admin.post("/api/v1/products", json={"name": "Rack server", "list_price": "18500000",
                                                      "cost": COST}), 201)
    ok(admin.patch(f"/api/v1/products/{product['id']}", json={"cost": NEW_COST}))
    account = ok(rep.post("/api/v1/accounts", json={"name": "해동통신", "confirm_duplicate": True}), 201)
    deal = ok(rep.post("/api/v1/opportunities", json={"title": "Servers", "account_id": account["id"],
                                                          "revenue_month": "2026-12-01"}), 201)
    line = ok(rep.post("/api/v1/opportunity_items", json={"opportunity_id": deal["id"],
                                                          "product_id": product["id"], "quantity": "1"}), 201)
    assert "unit_cost" not in line
    admin_line = ok(admin.get(f"/api/v1/opportunity_items/{line['id']}"))
    assert admin_line["unit_cost"] == f"{NEW_COST}.00"  # the cost is really there
    return {"app": app, "admin": admin, "rep": rep, "product": product, "deal": deal, "line": line}


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def leaks(response, keys: bool = True) -> bool:
    """The cost values (or, with ``keys``, the hidden fields' keys) in the response."""
    text = body_text(response)
    needles = (COST, NEW_COST) + (('"cost"', '"unit_cost"', '"cost_total"') if keys else ())
    return any(needle in text for needle in needles)


def test_history_api_leaves_out_hidden_fields(shop):
    """Finding 1: GET /api/v1/<entity>/<id>/history returned product cost, cost_total and unit_cost."""
    rep, admin = shop["rep"], shop["admin"]
    for entity, key in (("products", "product"), ("opportunities", "deal"), ("opportunity_items", "line")):
        url = f"/api/v1/{entity}/{shop[key]['id']}/history"
        response = rep.get(url)
        assert response.status_code == 200, response.get_json()
        assert not leaks(response), (url, response.get_json())
        assert leaks(admin.get(url)), url  # administrators see the costs in the history
    product_history = ok(rep.get(f"/api/v1/products/{shop['product']['id']}/history"))["data"]
    assert [e["action"] for e in product_history] == ["create"]  # the update changed only the cost
    assert product_history[0]["changes"]["name"] == [None, "Rack server"]


def test_version_conflict_shows_the_current_record_without_hidden_fields(shop):
    line = shop["line"]
    response = shop["rep"].patch(f"/api/v1/opportunity_items/{line['id']}", json={"quantity": "2"},
                                 headers={"If-Match": f'"{line["version"] - 1 or 99}"'})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["current"]["id"] == line["id"]
    assert not leaks(response)


def test_history_page_leaves_out_hidden_fields(shop):
    client = session_client(shop["app"], "rep@example.com")
    page = client.get(f"/records/products/{shop['product']['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Rack server" in text and COST not in text and NEW_COST not in text
    assert "14,237,000" not in text and "13,981,000" not in text


REFUSED = [
    "/api/v1/products?cost__gt=1",
    "/api/v1/products?sort=-cost",
    "/api/v1/opportunities?cost_total__gte=1",
    "/api/v1/opportunity_items?unit_cost__lt=100",
    "/api/v1/opportunities/reports/breakdown?cost_total__gte=1",
    "/api/v1/opportunities/reports/funnel?cost_total__gte=1",
    "/api/v1/opportunities/reports/forecast?cost_total__lte=1",
    "/api/v1/opportunities/reports/stuck?cost_total__isnull=1",
    "/api/v1/opportunities/reports/won-lost?cost_total=1",
    "/api/v1/opportunities/reports/breakdown?sort=cost_total",
    "/api/v1/exports/products?format=csv&cost__gt=1",
    "/api/v1/exports/products?format=csv&sort=-cost",
    "/api/v1/exports/opportunity_items?format=xlsx&unit_cost__gte=1",
    "/api/v1/exports/products?format=csv&fields=name,cost",
]


@pytest.mark.parametrize("url", REFUSED)
def test_filters_and_sorts_on_hidden_fields_are_refused_everywhere(shop, url):
    """Finding 3: reports and exports accepted them; now every path answers like an unknown field."""
    response = shop["rep"].get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert response.get_json()["error"]["code"] == "bad_request"
    assert not leaks(response, keys=False)  # it names the parameter it refuses, nothing else
    hidden = url.split("?")[1]
    unknown = shop["rep"].get(url.replace("cost_total", "no_such").replace("unit_cost", "no_such")
                              .replace("cost", "no_such"))
    assert unknown.status_code == 400, hidden  # a hidden field looks exactly like one that does not exist
    assert shop["admin"].get(url).status_code == 200, url  # who may see the cost may filter on it


def test_list_page_treats_a_hidden_filter_as_an_unknown_field(shop):
    client = session_client(shop["app"], "rep@example.com")
    hidden = client.get("/records/products?cost__gt=1")
    unknown = client.get("/records/products?no_such__gt=1")
    assert hidden.status_code == unknown.status_code != 200
    assert hidden.headers.get("Location") == unknown.headers.get("Location")


def test_exports_leave_out_hidden_columns_and_plugin_writers_get_no_hidden_fields(shop):
    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from core.db import session
    from core.importexport.export import parse_request, record_chunks, statement
    from core.runtime import runtime
    from core.security.models import User

    rep = shop["rep"]
    for url in ("/api/v1/exports/products?format=csv", "/api/v1/exports/opportunity_items?format=csv",
                "/api/v1/exports/opportunities?format=xlsx"):
        response = rep.get(url)
        assert response.status_code == 200, url
        assert not leaks(response), url
    with shop["app"].test_request_context():  # what a plugin's export format (vCard, ...) is handed
        user = session().scalar(sa.select(User).where(User.email == "rep@example.com"))
        products = runtime().registry.get("products")
        request = parse_request(products, MultiDict({"format": "xlsx"}), user, "xlsx")
        whole = [r for chunk in record_chunks(products, user, statement(products, user, request)) for r in chunk]
        assert whole and all("cost" not in r and "cost" not in r["_display"] for r in whole)


def test_imports_neither_map_nor_match_on_hidden_fields(shop):
    """Matching on ``cost`` would tell which costs exist, row by row, through a dry run."""
    rep = shop["rep"]
    rows = [["name", "cost"], ["Rack server", NEW_COST]]
    matched = upload(rep, "products", csv_bytes(rows), "p.csv", dry_run="1", match="cost",
                     mapping='{"name": "name"}')
    assert matched.status_code == 422 and "match" in matched.get_json()["error"]["fields"]
    mapped = upload(rep, "products", csv_bytes(rows), "p.csv", dry_run="1", mapping='{"name": "name", "cost": "cost"}')
    assert mapped.status_code == 422 and "cost" in mapped.get_json()["error"]["fields"]
    automatic = preview(rep, "products", csv_bytes(rows), "p.csv")
    assert automatic.status_code == 200, automatic.get_json()
    assert automatic.get_json()["mapping"] == {"name": "name"}  # the cost column is not offered
    assert "cost" not in {f["name"] for f in automatic.get_json()["fields"]}
    admin_preview = preview(shop["admin"], "products", csv_bytes(rows), "p.csv").get_json()
    assert admin_preview["mapping"] == {"name": "name", "cost": "cost"}

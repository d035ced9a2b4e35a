"""The generic list view: filters for every field type, search, sort, page sizes, columns, saved filters,
mass edit and mass delete — over the same query path as the API."""
from __future__ import annotations

import re

import pytest

from core.testing import make_user
from tests.browser.support import create, logged_in, ui_app


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]


@pytest.fixture
def gadgets(crm_app_factory):
    app = ui_app(crm_app_factory)
    admin_id, _ = make_user(app, "admin@example.com", admin=True, name="관리자")
    keeper_id, _ = make_user(app, "keeper@example.com", role="sales", name="보관자")
    made = {
        "a": create(app, "gadgets", {"name": "해동통신 가젯", "qty": 1, "price": "1000", "due": "2026-01-10",
                                     "status": "new", "tags": ["red"], "active": True, "email": "a@haedong.kr"}),
        "b": create(app, "gadgets", {"name": "대한 가젯", "qty": 5, "price": "5000", "due": "2026-02-10",
                                     "status": "used", "tags": ["blue"], "active": False, "keeper_id": keeper_id}),
        "c": create(app, "gadgets", {"name": "서울 가젯", "qty": 9, "price": "9000", "status": "broken",
                                     "tags": ["red", "blue"]}),
    }
    ids = {k: v["id"] for k, v in made.items()}
    return app, logged_in(app, "admin@example.com"), ids, keeper_id


@pytest.mark.parametrize("query, expected", [
    ("name__contains=대한", "b"),
    ("qty__gte=2&qty__lte=6", "b"),
    ("price__gte=4000", "bc"),
    ("due__gte=2026-01-01&due__lte=2026-01-31", "a"),
    ("status__in=new&status__in=broken", "ac"),
    ("tags__contains=blue", "bc"),
    ("active=false", "b"),
    ("due__isnull=1", "c"),
    ("email__isnull=1", "bc"),
    ("q=ㅎㄷㅌㅅ", "a"),
    ("q=haedong", "a"),
    ("qty__gte=&name__contains=", "abc"),  # empty inputs of the filter form are ignored
])
def test_filters_for_every_field_type(gadgets, query, expected):
    _app, browser, ids, _keeper = gadgets
    page = browser.get(f"/records/gadgets?{query}")
    assert page.status_code == 200
    assert sorted(row_ids(page.text)) == sorted(ids[k] for k in expected)


def test_user_filter_and_custom_field_filter(gadgets):
    app, browser, ids, keeper_id = gadgets
    assert row_ids(browser.get(f"/records/gadgets?keeper_id={keeper_id}").text) == [ids["b"]]
    browser.post("/admin/fields/gadgets", {"label": "무게등급", "name": "grade", "type": "integer"})
    edit = browser.get(f"/records/gadgets/{ids['c']}/edit").text
    version = re.search(r'name="version" value="(\d+)"', edit).group(1)
    browser.post(f"/records/gadgets/{ids['c']}/edit", {"_fields": "cf_grade", "cf_grade": "7", "version": version})
    page = browser.get("/records/gadgets?cf_grade__gte=5")
    assert row_ids(page.text) == [ids["c"]]
    assert 'data-filter="cf_grade"' in page.text


def test_a_bad_filter_is_explained_not_ignored(gadgets):
    _app, browser, _ids, _keeper = gadgets
    response = browser.get("/records/gadgets?nosuch=1")
    assert response.status_code == 302
    assert "nosuch" in browser.get(response.headers["Location"]).text


def test_sort_by_clicking_headers_and_page_sizes(gadgets):
    _app, browser, ids, _keeper = gadgets
    up = browser.get("/records/gadgets?sort=qty").text
    assert row_ids(up) == [ids["a"], ids["b"], ids["c"]]
    assert 'href="/records/gadgets?sort=-qty"' in up  # clicking the sorted column again reverses it
    assert row_ids(browser.get("/records/gadgets?sort=-price").text) == [ids["c"], ids["b"], ids["a"]]
    for n in range(12):
        create(_app, "gadgets", {"name": f"추가 {n}"})
    assert len(row_ids(browser.get("/records/gadgets?per_page=10").text)) == 10
    second = browser.get("/records/gadgets?per_page=10&page=2").text
    assert len(row_ids(second)) == 5 and "2 / 2" not in second


def test_count_is_capped(crm_app_factory):
    app = ui_app(crm_app_factory, list_count_cap=2)
    make_user(app, "admin@example.com", admin=True)
    for n in range(4):
        create(app, "gadgets", {"name": f"g{n}"})
    page = logged_in(app, "admin@example.com").get("/records/gadgets").text
    assert re.search(r'id="list-total">[^<]*2[^<]*\+', page)


def test_columns_and_page_size_are_remembered_per_user(gadgets):
    app, browser, ids, _keeper = gadgets
    browser.post("/records/gadgets/columns", {"columns": ["name", "weight"], "per_page": "10"})
    page = browser.get("/records/gadgets").text
    headers = re.findall(r'data-sort="([^"]+)"', page)
    assert headers == ["name", "weight"]
    make_user(app, "other@example.com", admin=True)
    other = logged_in(app, "other@example.com").get("/records/gadgets").text
    assert re.findall(r'data-sort="([^"]+)"', other)[:2] == ["number", "name"]


def test_saved_filters_private_and_shared(gadgets):
    app, browser, ids, _keeper = gadgets
    browser.post("/records/gadgets/filters", {"name": "내 빨간 필터", "query": "tags__contains=red"})
    browser.post("/records/gadgets/filters", {"name": "비싼 것", "query": "price__gte=5000", "shared": "1"})
    mine = browser.get("/records/gadgets").text
    assert "내 빨간 필터" in mine and "비싼 것" in mine
    make_user(app, "other@example.com", admin=True)
    other = logged_in(app, "other@example.com").get("/records/gadgets").text
    assert "비싼 것" in other and "내 빨간 필터" not in other
    bad = browser.post("/records/gadgets/filters", {"name": "", "query": "x=1"})
    assert bad.status_code == 422


def test_mass_edit_is_all_or_nothing(gadgets):
    app, browser, ids, _keeper = gadgets
    ok = browser.post("/records/gadgets/mass", {"action": "edit", "field": "qty", "value": "42",
                                                "ids": [ids["a"], ids["b"]]})
    assert ok.status_code == 302
    assert sorted(row_ids(browser.get("/records/gadgets?qty=42").text)) == sorted([ids["a"], ids["b"]])
    bad = browser.post("/records/gadgets/mass", {"action": "edit", "field": "qty", "value": "-1",
                                                 "ids": [ids["a"], ids["c"]]}, follow_redirects=True)
    assert "0" in bad.text and row_ids(browser.get("/records/gadgets?qty=-1").text) == []
    assert sorted(row_ids(browser.get("/records/gadgets?qty=42").text)) == sorted([ids["a"], ids["b"]])


def test_mass_delete_moves_to_the_recycle_bin_and_restore_brings_back(gadgets):
    app, browser, ids, _keeper = gadgets
    page = browser.get("/records/gadgets").text
    assert "{n}" in page  # the confirmation text names the count (filled in by the page script)
    done = browser.post("/records/gadgets/mass", {"action": "delete", "ids": [ids["a"], ids["b"]]},
                        follow_redirects=True)
    assert "레코드 2건을 휴지통으로 옮겼습니다." in done.text
    assert row_ids(browser.get("/records/gadgets").text) == [ids["c"]]
    bin_page = browser.get("/recycle-bin").text
    assert "해동통신 가젯" in bin_page and "대한 가젯" in bin_page
    browser.post(f"/recycle-bin/gadgets/{ids['a']}/restore")
    assert sorted(row_ids(browser.get("/records/gadgets").text)) == sorted([ids["a"], ids["c"]])


def test_mass_delete_of_a_record_the_user_cannot_see_deletes_nothing(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "manager@example.com", role="manager")
    make_user(app, "rep@example.com", role="sales")
    secret = create(app, "accounts", {"name": "비밀상사"}, "manager@example.com")
    own = create(app, "accounts", {"name": "영업상사"}, "rep@example.com")
    rep = logged_in(app, "rep@example.com")
    rep.post("/records/accounts/mass", {"action": "delete", "ids": [own["id"], secret["id"]]})
    page = rep.get("/records/accounts").text
    assert row_ids(page) == [own["id"]] and "비밀상사" not in page
    manager = logged_in(app, "manager@example.com").get("/records/accounts").text
    assert secret["id"] in row_ids(manager) and own["id"] in row_ids(manager)


def test_global_search_groups_results_by_entity(crm_app_factory):
    app = ui_app(crm_app_factory, plugins=("customers", "uitest"))
    make_user(app, "manager@example.com", role="manager")
    make_user(app, "rep@example.com", role="sales")
    create(app, "accounts", {"name": "해동통신"}, "rep@example.com")
    create(app, "contacts", {"name": "해동 김과장"}, "rep@example.com")
    create(app, "accounts", {"name": "해동비밀"}, "manager@example.com")
    create(app, "gadgets", {"name": "해동 가젯"}, "rep@example.com")
    page = logged_in(app, "rep@example.com").get("/search?q=ㅎㄷ").text
    groups = re.findall(r'data-entity="(\w+)"', page)
    assert groups == ["accounts", "contacts", "gadgets"]
    assert "해동통신" in page and "해동 김과장" in page and "해동비밀" not in page


def test_purge_is_for_administrators_only(gadgets):
    app, browser, ids, _keeper = gadgets
    browser.post("/records/gadgets/mass", {"action": "delete", "ids": [ids["a"]]})
    make_user(app, "rep2@example.com", role="sales")
    assert logged_in(app, "rep2@example.com").post(f"/recycle-bin/gadgets/{ids['a']}/purge").status_code == 403
    assert browser.post(f"/recycle-bin/gadgets/{ids['a']}/purge").status_code == 302
    assert "해동통신 가젯" not in browser.get("/recycle-bin").text
    assert browser.post(f"/recycle-bin/gadgets/{ids['a']}/restore").status_code == 404


def test_reference_filter_with_type_ahead(gadgets):
    app, browser, ids, _keeper = gadgets
    child = create(app, "gadgets", {"name": "자식", "parent_id": ids["b"]})
    page = browser.get(f"/records/gadgets?parent_id={ids['b']}").text
    assert row_ids(page) == [child["id"]]
    box = re.search(r'data-filter="parent_id">.*?</fieldset>', page, re.S).group(0)
    assert 'data-lookup="/records/gadgets/lookup"' in box and 'value="대한 가젯"' in box
    assert row_ids(browser.get("/records/gadgets?parent_id__isnull=0").text) == [child["id"]]

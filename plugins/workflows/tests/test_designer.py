"""The workflow designer pages: create, edit, test on a record (writes nothing), delete with confirmation."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from core.testing import make_user
from tests.browser.support import PLUGINS_DIR, Browser

PLUGINS = ["customers", "uitest", "workflows"]


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS, plugins_dir=str(PLUGINS_DIR))


@pytest.fixture
def admin(app):
    make_user(app, "admin@example.com", admin=True, name="관리자", password="password123")
    return Browser(app).login("admin@example.com")


def meta_of(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="designer-meta">(.*?)</script>', page, re.S).group(1))


def gadget(app, **values) -> dict:
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        user = session().scalar(sa.select(User).where(User.is_admin))
        record = records.create(runtime().registry.get("gadgets"), dict({"name": "측정기"}, **values), user)
        session().commit()
        return record


LABEL_TASK = {"type": "uitest_print_label", "title": "라벨", "printer": "front", "copies": 2,
              "caption": "{{ record.name }} 라벨"}
DEFINITION = {"name": "고가 장비 라벨", "entity": "gadgets", "trigger": {"type": "save"}, "active": True,
              "conditions": {"all": [{"field": "price", "op": "gt", "value": "1000000"}], "any": []},
              "tasks": [{"type": "update_fields", "title": "메모", "fields": [{"field": "note", "value": "고가"}]},
                        {"type": "send_email", "title": "알림", "recipients": {"owner": True},
                         "subject": "{{ record.name }}", "body": "가격 {{ record.price }}"}, LABEL_TASK]}


@pytest.mark.parametrize("lang, words", [("ko", ["워크플로", "첫 워크플로 만들기"]),
                                         ("zh_Hans", ["工作流", "创建第一个工作流"]),
                                         ("en", ["Workflows", "Create the first workflow"])])
def test_empty_list_says_what_to_do_in_each_language(admin, lang, words):
    page = admin.get(f"/workflows/?lang={lang}").get_data(as_text=True)
    assert 'id="workflows-empty"' in page
    assert all(w in page for w in words), words


def test_a_third_party_task_type_gets_its_form_from_its_parameters(admin):
    page = admin.get("/workflows/new?entity=gadgets&lang=ko").get_data(as_text=True)
    meta = meta_of(page)
    printer = meta["task_types"]["uitest_print_label"]
    assert printer["own_form"] is False and printer["label"] == "선반 라벨 인쇄"
    assert [(p["name"], p["kind"], p["required"]) for p in printer["params"]] == [
        ("printer", "choice", True), ("copies", "number", False), ("caption", "template", True)]
    assert printer["params"][0]["choices"] == [["front", "안내 데스크"], ["store", "창고"]]
    assert '<option value="uitest_print_label">선반 라벨 인쇄</option>' in page
    # operators follow the field type; picklist values and users are offered for value inputs
    fields = {f["name"]: f for f in meta["fields"]["gadgets"]}
    assert "gt" in fields["price"]["ops"] and "contains" not in fields["price"]["ops"]
    assert ["new", "신규"] in fields["status"]["values"] and fields["parent_id"]["target"] == "gadgets"
    assert meta["users"] and "days_until" in meta["functions"]


def test_save_from_the_designer_then_edit(app, admin):
    response = admin.post("/workflows/new", {"definition": json.dumps(DEFINITION), "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = admin.get(response.headers["Location"] + "?lang=ko").get_data(as_text=True)
    assert "고가 장비 라벨" in shown and "가격" in shown and "초과" in shown and "선반 라벨 인쇄" in shown
    workflow_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = admin.get(f"/workflows/{workflow_id}/edit").get_data(as_text=True)
    stored = json.loads(re.search(r'id="designer-definition">(.*?)</script>', page, re.S).group(1))
    assert stored["tasks"][2] == LABEL_TASK
    changed = dict(DEFINITION, name="고가 장비 라벨 2")
    assert admin.post(f"/workflows/{workflow_id}/edit", {"definition": json.dumps(changed),
                                                         "action": "save"}).status_code == 302
    assert "고가 장비 라벨 2" in admin.get("/workflows/").get_data(as_text=True)


def test_a_bad_definition_is_refused_in_the_users_language_and_nothing_is_saved(app, admin):
    bad = dict(DEFINITION, tasks=[dict(LABEL_TASK, printer="moon")],
               conditions={"all": [{"field": "price", "op": "contains", "value": "1"}]})
    response = admin.post("/workflows/new?lang=ko", {"definition": json.dumps(bad), "action": "save"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "워크플로가 올바르지 않습니다" in page and "프린터를 고르세요" in page
    assert 'data-error-path="conditions.all[0].op"' in page
    assert admin.post("/workflows/new", {"definition": "{not json", "action": "save"}).status_code == 422
    assert 'id="workflows-empty"' in admin.get("/workflows/").get_data(as_text=True)


def test_testing_on_a_record_shows_conditions_and_tasks_and_writes_nothing(app, admin):
    from core.db import session
    from core.jobs.models import Job
    from plugins.workflows.models import Run, Workflow

    record = gadget(app, price="2500000")
    response = admin.post("/workflows/new?lang=ko", {"definition": json.dumps(DEFINITION), "action": "test",
                                                     "record_id": str(record["id"])})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    result = page[page.index('id="dry-run-result"'):]
    assert "조건이 맞습니다" in result and "✓" in result and "2500000" in result
    assert 'class="preview-to">admin@example.com<' in result and 'class="preview-subject">측정기<' in result
    assert "비고 → 고가" in result and "측정기 라벨" in result
    with app.app_context():
        assert session().scalar(sa.select(sa.func.count()).select_from(Workflow)) == 0
        assert session().scalar(sa.select(sa.func.count()).select_from(Run)) == 0
        assert session().scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    after = admin.get(f"/records/gadgets/{record['id']}").get_data(as_text=True)
    assert "고가" not in after
    # as if the price changed: the condition no longer holds
    missed = admin.post("/workflows/new?lang=ko", {"definition": json.dumps(DEFINITION), "action": "test",
                                                   "record_id": str(record["id"]),
                                                   "changes": json.dumps({"price": "10"})}).get_data(as_text=True)
    assert "조건이 맞지 않습니다" in missed
    refused = admin.post("/workflows/new?lang=ko", {"definition": json.dumps(DEFINITION), "action": "test"})
    assert refused.status_code == 422 and "테스트할 레코드를 고르세요" in refused.get_data(as_text=True)


def test_deleting_asks_first(app, admin):
    location = admin.post("/workflows/new", {"definition": json.dumps(DEFINITION), "action": "save"}).headers["Location"]
    workflow_id = int(location.rstrip("/").split("/")[-1])
    confirm = admin.get(f"/workflows/{workflow_id}/delete?lang=ko").get_data(as_text=True)
    assert "되돌릴 수 없습니다" in confirm and 'id="confirm-delete-button"' in confirm
    assert admin.post(f"/workflows/{workflow_id}/delete", csrf=False).status_code == 400  # CSRF
    assert admin.post(f"/workflows/{workflow_id}/delete").status_code == 302
    assert admin.get(f"/workflows/{workflow_id}").status_code == 404


def test_expression_check_as_you_type(app, admin):
    def check(source):
        return admin.client.post("/workflows/expression", json={"entity": "gadgets", "source": source},
                                 headers={"X-CSRFToken": admin.token}).get_json()
    assert check("days_until(due) < 30") == {"ok": True, "type": "boolean"}
    assert check("price *")["ok"] is False
    assert admin.client.post("/workflows/expression", json={"entity": "gadgets", "source": "1"}).status_code == 400


def test_designer_pages_are_for_administrators_only(app, admin):
    location = admin.post("/workflows/new", {"definition": json.dumps(DEFINITION), "action": "save"}).headers["Location"]
    workflow_id = int(location.rstrip("/").split("/")[-1])
    make_user(app, "rep@example.com", role="sales", password="password123")
    rep = Browser(app).login("rep@example.com")
    for url in ("/workflows/", "/workflows/new", f"/workflows/{workflow_id}", f"/workflows/{workflow_id}/edit",
                f"/workflows/{workflow_id}/delete"):
        response = rep.get(url)
        assert response.status_code == 403 and "고가 장비 라벨" not in response.get_data(as_text=True), url
    for url, data in (("/workflows/new", {"definition": json.dumps(DEFINITION), "action": "save"}),
                      (f"/workflows/{workflow_id}/edit", {"definition": json.dumps(DEFINITION), "action": "test"}),
                      (f"/workflows/{workflow_id}/delete", {})):
        assert rep.post(url, data).status_code == 403, url
    assert rep.client.post("/workflows/expression", json={"entity": "gadgets", "source": "price"},
                           headers={"X-CSRFToken": rep.token}).status_code == 403
    assert admin.get(f"/workflows/{workflow_id}").status_code == 200

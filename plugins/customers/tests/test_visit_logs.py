"""Visit logs (방문일지): documents from administrators' templates, sandboxed, cleaned, printable."""
from __future__ import annotations

from plugins.customers.tests.helpers import account, create, error_fields, rep
from plugins.customers.default_visit_template import DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_NAME


def template(api, body=DEFAULT_TEMPLATE, name=DEFAULT_TEMPLATE_NAME) -> dict:
    return create(api, "visit_templates", name=name, body=body)


def test_document_is_written_from_the_template_with_the_account_fields(crm_api):
    tpl = template(crm_api)
    firm = account(crm_api, "재근상사", representative="김대표", phone="02-999-8888", status="vip",
                   address="경기도 안산시 단원구 강서길 9")
    kim = create(crm_api, "contacts", name="이미미", account_id=firm["id"], mobile="010-222-5555")
    visit = create(crm_api, "visit_logs", account_id=firm["id"], contact_id=kim["id"], visit_date="2019-03-29",
                   visit_time="14:00", purpose="추가개발상담요청", template_id=tpl["id"])
    doc = visit["document"]
    for expected in ("재근상사", "김대표", "02-999-8888", "이미미", "010-222-5555", "추가개발상담요청",
                     "경기도 안산시 단원구 강서길 9", "관리자"):
        assert expected in doc, expected
    assert visit["number"].startswith("VL-") and visit["status"] == "planned" and visit["written_on"]


def test_values_are_escaped_and_documents_cleaned(crm_api):
    tpl = template(crm_api, body="<p>{{ account.name }}</p><p>{{ visit.purpose }}</p>", name="짧은 양식")
    firm = account(crm_api, "<b>해킹</b>상사")
    visit = create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2026-03-02",
                   purpose="<script>alert(1)</script>", template_id=tpl["id"])
    assert "<script>" not in visit["document"] and "&lt;b&gt;해킹&lt;/b&gt;상사" in visit["document"]
    edited = crm_api.patch(f"/api/v1/visit_logs/{visit['id']}",
                           json={"document": '<p onclick="steal()">상담 완료</p><script>x()</script><img src=x onerror=y>'})
    assert edited.json["document"].startswith("<p>상담 완료</p>")
    assert "onclick" not in edited.json["document"] and "script" not in edited.json["document"]
    assert "onerror" not in edited.json["document"]


def test_templates_run_in_the_sandbox(crm_api):
    evil = template(crm_api, body="{{ account.__class__.__mro__[1].__subclasses__() }}", name="악성")
    firm = account(crm_api, "샌드박스")
    response = crm_api.post("/api/v1/visit_logs", json={"account_id": firm["id"], "visit_date": "2026-03-02",
                                                       "purpose": "점검", "template_id": evil["id"]})
    assert "template_id" in error_fields(response)
    assert crm_api.get("/api/v1/visit_logs").json["meta"]["total"] == 0


def test_bad_template_and_bad_visit_values(crm_api):
    assert "body" in error_fields(crm_api.post("/api/v1/visit_templates", json={"name": "깨짐", "body": "{% if %}"}))
    firm = account(crm_api, "상사")
    for values, field in (({"visit_date": "어제"}, "visit_date"), ({"status": "visited?"}, "status"),
                          ({"purpose": ""}, "purpose"), ({"template_id": 77}, "template_id"),
                          ({"account_id": None}, "account_id")):
        body = {"account_id": firm["id"], "visit_date": "2026-03-02", "purpose": "상담", **values}
        assert field in error_fields(crm_api.post("/api/v1/visit_logs", json=body))


def test_only_administrators_manage_templates_by_default(crm_app, crm_api):
    tpl = template(crm_api)
    _uid, sales = rep(crm_app, "rep@example.com")
    assert sales.post("/api/v1/visit_templates", json={"name": "내 양식", "body": "x"}).status_code == 403
    assert sales.patch(f"/api/v1/visit_templates/{tpl['id']}", json={"body": "x"}).status_code == 403
    assert sales.get("/api/v1/visit_templates").json["meta"]["total"] == 1
    firm = account(sales, "영업 고객")
    visit = create(sales, "visit_logs", account_id=firm["id"], visit_date="2026-03-02", purpose="인사",
                   template_id=tpl["id"])
    assert "영업 고객" in visit["document"]


def test_print_page(crm_app, crm_api):
    tpl = template(crm_api)
    firm = account(crm_api, "재근상사")
    visit = create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2019-03-29", purpose="추가개발상담요청",
                   template_id=tpl["id"])
    page = crm_api.get(f"/customers/visit-logs/{visit['id']}/print")
    assert page.status_code == 200, page.data[:500]
    html = page.data.decode()
    assert "상 담 일 지" in html and "재근상사" in html and "data-print" in html and visit["number"] in html
    assert "js/print.js" in html and "visit_log_print.css" in html
    assert crm_api.get("/customers/static/visit_log_print.css").status_code == 200
    assert crm_api.get("/customers/visit-logs/999/print").status_code == 404
    _uid, other = rep(crm_app, "other@example.com")
    assert other.get(f"/customers/visit-logs/{visit['id']}/print").status_code == 404
    assert crm_app.test_client().get(f"/customers/visit-logs/{visit['id']}/print").status_code in (302, 401)


def test_inline_styles_keep_only_text_and_table_properties(crm_api):
    """Finding 11: no full-page overlays, no url(...) beacons from a visit log's HTML."""
    firm = account(crm_api, "해동통신")
    overlay = ('<div style="position:fixed; top:0; left:0; width:100%; height:100%; z-index:9999; '
               'background:url(https://evil.example/beacon.png); color:red">가짜 로그인</div>'
               '<p style="text-align:center; background-image:url(//evil.example/b.gif); margin:-500px; '
               'float:left; transform:scale(9); font-weight:bold">상담</p>'
               '<ul style="list-style-image:url(https://evil.example/li.png); cursor:url(https://evil.example/c), auto; '
               'content:url(https://evil.example/x)"><li>항목</li></ul>')
    visit = create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2026-03-02", purpose="상담",
                   document=overlay)
    doc = visit["document"]
    for refused in ("position", "z-index", "url(", "evil.example", "margin", "float", "transform", "background",
                    "list-style", "cursor", "content"):
        assert refused not in doc, refused
    assert "color:red" in doc and "text-align:center" in doc and "font-weight:bold" in doc
    assert "width:100%" in doc  # harmless without a position


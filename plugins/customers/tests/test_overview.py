"""Customer 360° (고객 뷰): one call with every related list, counts, and only what the user may see."""
from __future__ import annotations

import io

from plugins.customers.tests.helpers import account, create, rep


def test_account_360_with_counts(crm_app, crm_api, crm_clock):
    firm = account(crm_api, "(주)해동통신", is_hot=True, hot_reason="재계약")
    branch = account(crm_api, "해동통신 부산지사", parent_id=firm["id"])
    other = account(crm_api, "대한정밀")
    for name in ("김철수", "이영희", "박민수"):
        create(crm_api, "contacts", name=name, account_id=firm["id"])
    create(crm_api, "contacts", name="남의 담당자", account_id=other["id"])
    create(crm_api, "activities", subject="통화", status="done", account_id=firm["id"], start_at="2026-02-01T01:00:00Z")
    task = create(crm_api, "activities", subject="견적서 발송", type="task", account_id=firm["id"])
    tpl = create(crm_api, "visit_templates", name="양식", body="<p>{{ account.name }}</p>")
    create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2026-02-01", purpose="인사", template_id=tpl["id"])
    assert crm_api.post(f"/api/v1/accounts/{firm['id']}/notes", json={"body": "결제일 매월 25일"}).status_code == 201
    upload = crm_api.post(f"/api/v1/accounts/{firm['id']}/attachments",
                          data={"file": (io.BytesIO(b"hello"), "memo.txt")}, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.json

    view = crm_api.get(f"/api/v1/customers/accounts/{firm['id']}/360").json
    assert view["account"]["name"] == "(주)해동통신" and view["account"]["days_since_contact"] == 28
    sections = view["sections"]
    counts = {key: section["count"] for key, section in sections.items()}
    assert {k: counts[k] for k in ("contacts", "activities", "visit_logs", "sub_accounts", "notes", "attachments")} == {
        "contacts": 3, "activities": 2, "visit_logs": 1, "sub_accounts": 1, "notes": 1, "attachments": 1}
    assert sorted(c["name"] for c in sections["contacts"]["data"]) == ["김철수", "박민수", "이영희"]
    assert sections["sub_accounts"]["data"][0]["name"] == branch["name"]
    assert sections["notes"]["data"][0]["body"] == "결제일 매월 25일"
    assert sections["attachments"]["data"][0]["filename"] == "memo.txt"
    activity = next(a for a in sections["activities"]["data"] if a["id"] == task["id"])
    assert activity["assignee_ids"] == [] and activity["_display"]["type"] == "할 일"


def test_account_360_shows_only_what_the_user_may_see(crm_app, crm_api):
    _a, rep_a = rep(crm_app, "a@example.com")
    firm = account(rep_a, "A의 고객")
    create(rep_a, "contacts", name="A의 명함", account_id=firm["id"])
    create(crm_api, "contacts", name="관리자 명함", account_id=firm["id"])
    view = rep_a.get(f"/api/v1/customers/accounts/{firm['id']}/360").json
    assert view["sections"]["contacts"]["count"] == 1
    assert [c["name"] for c in view["sections"]["contacts"]["data"]] == ["A의 명함"]
    assert crm_api.get(f"/api/v1/customers/accounts/{firm['id']}/360").json["sections"]["contacts"]["count"] == 2
    _b, rep_b = rep(crm_app, "b@example.com")
    assert rep_b.get(f"/api/v1/customers/accounts/{firm['id']}/360").status_code == 404
    assert crm_api.get("/api/v1/customers/accounts/9999/360").status_code == 404


RECEIPTS_PLUGIN = """
from core.plugins import Manifest
from hooks import hookimpl

manifest = Manifest(name="receipts360", version="1", label="Receipts", depends=("customers",))


@hookimpl
def crm_account_summaries(account, user):
    return [{"key": "receipts", "label": "AS 접수", "count": 2, "data": [{"title": account["name"]}]}]
"""


def test_other_plugins_add_sections(crm_app_factory, tmp_path):
    """A deployment's loose plugin contributes a 360° section through crm_account_summaries."""
    from core.testing import ApiClient, make_user

    folder = tmp_path / "loose" / "receipts360"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(RECEIPTS_PLUGIN, encoding="utf-8")
    app = crm_app_factory(plugins=["customers", "receipts360"], plugins_dir=str(tmp_path / "loose"))
    _uid, token = make_user(app, "admin@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    firm = account(api, "해동통신")
    section = api.get(f"/api/v1/customers/accounts/{firm['id']}/360").json["sections"]["receipts"]
    assert section == {"label": "AS 접수", "count": 2, "data": [{"title": "해동통신"}]}


HIDE_MOBILE_PLUGIN = """
from core.plugins import Manifest
from hooks import hookimpl

manifest = Manifest(name="hide_mobile", version="1", label="Hide mobiles", depends=("customers",))


@hookimpl
def crm_hidden_fields(entity, user):
    return {"mobile"} if entity.name == "contacts" else None
"""


def test_hidden_fields_stay_hidden_in_360_and_vcards(crm_app_factory, tmp_path):
    from core.testing import ApiClient, make_user

    folder = tmp_path / "loose" / "hide_mobile"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(HIDE_MOBILE_PLUGIN, encoding="utf-8")
    app = crm_app_factory(plugins=["customers", "hide_mobile"], plugins_dir=str(tmp_path / "loose"))
    _uid, token = make_user(app, "rep@example.com", role="sales")
    api = ApiClient(app.test_client(), token)
    firm = account(api, "해동통신")
    create(api, "contacts", name="김철수", account_id=firm["id"], mobile="010-1234-5678", email="kim@example.com")
    contact = api.get(f"/api/v1/customers/accounts/{firm['id']}/360").json["sections"]["contacts"]["data"][0]
    assert "mobile" not in contact and contact["email"] == "kim@example.com"
    cards = api.get("/api/v1/customers/contacts.vcf").data.decode()
    assert "kim@example.com" in cards and "010-1234-5678" not in cards
    assert api.get("/api/v1/customers/contacts.vcf?mobile=01012345678").status_code == 400

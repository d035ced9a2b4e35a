"""Fixtures: an app with leads and web forms, a designed inquiry form, a visitor posting to it."""
from __future__ import annotations

import re

import pytest

from core import clock, rate_limits
from core.testing import ApiClient, make_user

PLUGINS = ["customers", "products", "opportunities", "leads", "webforms"]
INQUIRY_FIELDS = [
    {"field_name": "name", "kind": "text", "required": True, "labels": {"ko": "성함", "zh_Hans": "姓名", "en": "Name"}},
    {"field_name": "company", "kind": "text", "labels": {"ko": "회사명", "zh_Hans": "公司", "en": "Company"}},
    {"field_name": "mobile", "kind": "text", "labels": {"ko": "휴대폰", "zh_Hans": "手机", "en": "Mobile"}},
    {"field_name": "email", "kind": "text", "labels": {"ko": "이메일", "zh_Hans": "邮箱", "en": "Email"}},
    {"field_name": "campaign", "kind": "select", "options": ["그룹웨어", "ERP"],
     "labels": {"ko": "관심 제품", "zh_Hans": "感兴趣的产品", "en": "Product"}},
    {"field_name": "job_title", "kind": "radio", "options": ["대표", "팀장", "실무자"],
     "labels": {"ko": "직급", "zh_Hans": "职位", "en": "Title"}},
    {"field_name": "description", "kind": "textarea", "required": True,
     "labels": {"ko": "문의 내용", "zh_Hans": "咨询内容", "en": "Message"}},
    {"field_name": "marketing_consent", "kind": "checkbox",
     "labels": {"ko": "마케팅 수신 동의", "zh_Hans": "同意接收营销信息", "en": "I agree to marketing"}},
]


@pytest.fixture(autouse=True)
def fresh_limits():
    rate_limits.reset()
    yield
    rate_limits.reset()


@pytest.fixture
def app(crm_app_factory, smtp_server):
    return crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings())


@pytest.fixture
def frozen():
    import datetime as dt

    clock.set_now(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc))
    yield clock
    clock.reset()


@pytest.fixture
def handler(app):
    return make_user(app, "handler@example.com", role="sales", name="김담당")


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True, name="관리자")[1])


@pytest.fixture
def inquiry_form(admin, handler):
    response = admin.post("/api/v1/webforms", json={
        "name": "제품 문의", "handler_id": handler[0], "source": "web_form", "thank_you": "문의 감사합니다.",
        "allowed_origins": ["https://www.haedong.co.kr"], "fields": INQUIRY_FIELDS})
    assert response.status_code == 201, response.json
    return response.json


class Visitor:
    """An anonymous visitor: opens the hosted page (getting its token), waits, sends."""

    def __init__(self, app, form):
        self.client = app.test_client()
        self.form = form
        self.url = f"/webforms/f/{form['public_key']}"

    def token(self) -> str:
        page = self.client.get(self.url).get_data(as_text=True)
        return re.search(r'name="_token" value="([^"]+)"', page).group(1)

    def send(self, values: dict, *, token: str | None = None, wait: int = 10, headers=None, lang="ko",
             accept_json=False):
        token = self.token() if token is None else token
        clock.advance(seconds=wait)
        all_headers = {"Accept-Language": lang, **({"Accept": "application/json"} if accept_json else {}),
                       **(headers or {})}
        return self.client.post(self.url, data={"_token": token, **values}, headers=all_headers)


@pytest.fixture
def visitor(app, inquiry_form, frozen):
    return Visitor(app, inquiry_form)


GOOD = {"name": "정하늘", "company": "(주)하늘소프트", "mobile": "010-2345-6701", "email": "sky@haneulsoft.kr",
        "campaign": "그룹웨어", "job_title": "팀장", "description": "30인 그룹웨어 견적을 받고 싶습니다.",
        "marketing_consent": "1"}

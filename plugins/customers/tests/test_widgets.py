"""Workbench widgets: my activities (overdue, today) and hot customers."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from plugins.customers.tests.helpers import account, create, rep
from tests.browser.support import logged_in


def widget(page, css_class: str) -> str:
    html = page.data.decode()
    start = html.index(f'<div class="{css_class}">')
    return html[start:html.index("</div>", start)]


def test_workbench_shows_my_activities_and_hot_customers(crm_app, crm_api, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc))  # 12:00 in Seoul
    hot = account(crm_api, "(주)해동통신", is_hot=True, hot_reason="입찰 임박", heat_level=5)
    account(crm_api, "미지근상사")
    create(crm_api, "activities", subject="어제 못한 통화", start_at="2026-03-01T09:00:00+09:00")
    create(crm_api, "activities", subject="오늘 오후 미팅", type="meeting", start_at="2026-03-02T15:00:00+09:00")
    create(crm_api, "activities", subject="내일 방문", type="visit", start_at="2026-03-03T10:00:00+09:00")
    create(crm_api, "activities", subject="끝난 통화", status="done", start_at="2026-03-02T09:00:00+09:00")
    _uid, other = rep(crm_app, "other@example.com")
    create(other, "activities", subject="남의 일정", start_at="2026-03-02T16:00:00+09:00")

    page = crm_api.get("/", headers={"Accept-Language": "ko"})
    assert page.status_code == 200, page.data[:300]
    mine, hot_list = widget(page, "customers-my-activities"), widget(page, "customers-hot-customers")
    assert "어제 못한 통화" in mine and "오늘 오후 미팅" in mine
    assert "내일 방문" not in mine and "끝난 통화" not in mine and "남의 일정" not in mine
    assert mine.index("어제 못한 통화") < mine.index("오늘 오후 미팅")  # overdue first
    assert hot["name"] in hot_list and "입찰 임박" in hot_list and "미지근상사" not in hot_list


def test_my_activities_include_what_i_am_assigned_to(crm_app, crm_api, crm_clock):
    from core.db import session
    from core.security.models import User
    from core.testing import make_user
    from plugins.customers.widgets import my_activities

    helper_id, _t = make_user(crm_app, "h@example.com", role="sales")
    task = create(crm_api, "activities", subject="같이 할 일", type="task", start_at="2026-03-02T11:00:00+09:00")
    crm_api.put(f"/api/v1/customers/activities/{task['id']}/assignees", json={"user_ids": [helper_id]})
    with crm_app.test_request_context():
        helper = session().get(User, helper_id)
        assert [a.subject for a in my_activities(helper)["today"]] == ["같이 할 일"]  # assigned: may read it
        admin = session().scalar(sa.select(User).where(User.email == "admin@example.com"))
        assert [a.subject for a in my_activities(admin)["today"]] == ["같이 할 일"]


def test_account_and_visit_log_pages_have_the_customer_panels(crm_api, crm_clock):
    firm = account(crm_api, "(주)해동통신", is_hot=True, hot_reason="입찰 임박", heat_level=2)
    create(crm_api, "activities", subject="통화", status="done", account_id=firm["id"], start_at="2026-02-25T01:00:00Z")
    page = crm_api.get(f"/records/accounts/{firm['id']}", headers={"Accept-Language": "ko"})
    assert page.status_code == 200, page.data[:300]
    panel = page.data.decode()
    start = panel.index('<dl class="fields customers-account-panel">')
    panel = panel[start:panel.index("</dl>", start)]
    assert "4일 전" in panel and "온도 2/5 · 입찰 임박" in panel
    tpl = create(crm_api, "visit_templates", name="양식", body="<p>{{ account.name }}</p>")
    visit = create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2026-03-01", purpose="인사",
                   template_id=tpl["id"])
    page = crm_api.get(f"/records/visit_logs/{visit['id']}").data.decode()
    assert f"/customers/visit-logs/{visit['id']}/print" in page


def test_any_record_page_lists_the_activities_linked_to_it(crm_api):
    firm = account(crm_api, "재근상사")
    tpl = create(crm_api, "visit_templates", name="양식", body="<p>{{ account.name }}</p>")
    visit = create(crm_api, "visit_logs", account_id=firm["id"], visit_date="2026-03-01", purpose="인사",
                   template_id=tpl["id"])
    create(crm_api, "activities", subject="방문 후속 전화", related_entity="visit_logs", related_id=visit["id"])
    page = crm_api.get(f"/records/visit_logs/{visit['id']}").data.decode()
    start = page.index('<div class="customers-related-activities">')
    panel = page[start:page.index("</div>", start)]
    assert "방문 후속 전화" in panel and "related_entity=visit_logs" in panel
    assert crm_api.get(f"/api/v1/activities?related_entity=visit_logs&related_id={visit['id']}").json["meta"][
        "total"] == 1


def test_my_activities_link_their_customer_when_i_may_open_it(crm_app, crm_api, crm_clock):
    crm_clock.set_now(dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc))  # 12:00 in Seoul
    rep_id, rep_api = rep(crm_app, "rep@example.com")
    mine = create(rep_api, "accounts", name="재근상사")
    private = account(crm_api, "비밀상사")
    create(rep_api, "activities", subject="재근상사 통화", account_id=mine["id"], start_at="2026-03-02T15:00:00+09:00")
    create(crm_api, "activities", subject="비밀상사 방문", account_id=private["id"], owner_id=rep_id,
           start_at="2026-03-02T16:00:00+09:00")
    page = logged_in(crm_app, "rep@example.com").get("/")
    page.data = page.text.encode()
    mine_widget = widget(page, "customers-my-activities")
    assert "비밀상사 방문" in mine_widget and "재근상사 통화" in mine_widget
    assert f'<a href="/records/accounts/{mine["id"]}" class="ref-link">재근상사</a>' in mine_widget
    assert f"/records/accounts/{private['id']}" not in mine_widget and "비밀상사<" not in mine_widget
    assert "볼 권한이 없는 레코드" in mine_widget  # "a record that you cannot see"

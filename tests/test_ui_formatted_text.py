"""Stored codes and raw values never reach the page: job statuses and types, audit entries, field types, lang."""
from __future__ import annotations

from core.testing import make_user
from tests.browser.support import create, logged_in, visible_text


def test_history_and_audit_show_labels_money_local_time_and_verbs(crm_app_factory):
    app = crm_app_factory(plugins=["customers", "products", "opportunities"])
    make_user(app, "admin@example.com", admin=True, name="관리자")
    account = create(app, "accounts", {"name": "해동통신"})
    deal = create(app, "opportunities", {"title": "교환기", "account_id": account["id"], "amount": "1000",
                                         "revenue_month": "2026-12-01"})
    admin = logged_in(app, "admin@example.com")
    form = admin.get(f"/records/opportunities/{deal['id']}/edit").text
    import re
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    response = admin.post(f"/records/opportunities/{deal['id']}/edit", {
        "_fields": ["amount"], "amount": "11594000", "version": version})
    assert response.status_code == 302
    for url in (f"/records/opportunities/{deal['id']}", "/admin/audit"):
        text = visible_text(admin.get(url).text)
        assert "₩11,594,000" in text and "11594000.00" not in text, url
        assert "금액" in text and "amount" not in text, url
        assert "변경" in text and "update" not in text, url
        assert "T0" not in text and "+00:00" not in text, url  # no ISO timestamps
    audit = visible_text(admin.get("/admin/audit").text)
    assert "영업기회" in audit and "opportunities" not in audit


def test_jobs_field_types_and_the_language_tag(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    make_user(app, "admin@example.com", admin=True)
    with app.app_context():
        from core import jobs
        from core.db import session
        jobs.enqueue("customers.activity_reminder", {"activity_id": 1})
        session().commit()
    admin = logged_in(app, "admin@example.com")
    page = visible_text(admin.get("/admin/jobs").text)
    assert "대기 중" in page and "영업 활동 알림" in page
    assert "queued" not in page and "customers.activity_reminder" not in page
    fields = visible_text(admin.get("/admin/fields/accounts").text)
    assert "선택 목록" in fields and "multipicklist" not in fields
    admin.post("/me/language", {"language": "zh_Hans"})
    assert '<html lang="zh-Hans">' in admin.get("/").text

"""Issue 5's acceptance scenario, as a new user would do it, in real Chromium."""
from __future__ import annotations

import re

import pytest

from core.testing import make_user
from core.testing_browser import log_in, screenshot

pytestmark = pytest.mark.browser


def create_records(app, entity_name: str, owner_email: str, names: list[str]) -> list[int]:
    """Records written through the records service, as their owner would."""
    import sqlalchemy as sa

    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        owner = session().scalar(sa.select(User).where(User.email == owner_email))
        entity = runtime().registry.get(entity_name)
        ids = [records.create(entity, {"name": name}, owner)["id"] for name in names]
        session().commit()
        return ids


def test_new_user_walkthrough(live_app, live_server, browsing):
    from playwright.sync_api import expect

    base = live_server.url
    make_user(live_app, "admin@example.com", admin=True, name="Admin Kim")
    page = browsing.new_page()

    # log in (the deployment speaks English) and switch to Korean through the user menu
    log_in(page, base, "admin@example.com")
    assert page.locator("nav.sidebar").inner_text().startswith("Workbench")
    screenshot(page, "01-workbench-en")
    page.click(".user-button")
    with page.expect_navigation():
        page.select_option("#language-select", "ko")
    assert "워크벤치" in page.locator("nav.sidebar").inner_text()
    assert page.locator("html").get_attribute("lang") == "ko"
    page.wait_for_selector("canvas[data-chart]")
    assert page.evaluate("() => typeof window.Chart") == "function"
    screenshot(page, "02-workbench-ko")

    # create an account: first without its required name (error next to the field), then properly
    page.click("nav a[data-menu=accounts]")
    page.click("#new-record")
    page.click("#save-record")
    error = page.locator("[data-field=name] .field-error")
    assert error.inner_text() == "필수 항목입니다."
    screenshot(page, "03-account-form-error")
    page.fill("#f-name", "해동통신")
    page.fill("#f-phone", "02-1234-5678")
    page.click("#save-record")
    assert page.locator("#record-title").inner_text() == "해동통신"
    assert "저장했습니다." in page.locator(".flash-success").inner_text()
    screenshot(page, "04-account-detail")

    # find it through global search by its initial consonants
    page.fill("#global-search", "ㅎㄷㅌㅅ")
    page.press("#global-search", "Enter")
    page.wait_for_selector(".search-group[data-entity=accounts]")
    page.click(".search-group[data-entity=accounts] a:text('해동통신')")
    assert page.locator("#record-title").inner_text() == "해동통신"

    # an administrator adds a custom field; the running app shows it in form, list filter and detail
    page.goto(base + "/admin/fields/accounts")
    page.fill("#cf-label", "거래 등급")
    page.fill("#cf-name", "grade")
    page.select_option("#cf-type", "picklist")
    page.fill("#cf-values", "A\nB\nC")
    page.click("#add-field")
    assert "거래 등급" in page.locator(".flash-success").inner_text()
    screenshot(page, "05-admin-custom-fields")
    page.goto(base + "/records/accounts/new")
    assert page.locator("[data-field=cf_grade] label").inner_text() == "거래 등급"
    page.fill("#f-name", "대한물산")
    page.select_option("#f-cf_grade", "B")
    page.click("#save-record")
    assert page.locator("[data-field=cf_grade] dd").inner_text() == "B"
    page.goto(base + "/records/accounts")
    page.click("details.filters summary")
    assert page.locator("fieldset[data-filter=cf_grade] legend").inner_text() == "거래 등급"
    page.select_option("fieldset[data-filter=cf_grade] select", ["B"])
    page.click("#apply-filters")
    rows = page.locator("#record-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("대한물산")
    screenshot(page, "06-list-filtered-by-custom-field")

    # the picklist editor: drag a value to the top, save, and the order sticks
    page.goto(base + "/admin/picklists/account_status")
    rows = page.locator("#picklist-form tbody tr")
    rows.last.drag_to(rows.first)
    assert rows.first.get_attribute("data-value") == "invalid"
    page.click("#picklist-form button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    assert page.locator("#picklist-form tbody tr").first.get_attribute("data-value") == "invalid"

    # mass-delete two records with a confirmation naming how many, then restore one
    create_records(live_app, "accounts", "admin@example.com", ["삭제예정 하나", "삭제예정 둘"])
    page.goto(base + "/records/accounts?q=삭제예정")
    assert page.locator("#record-table tbody tr").count() == 2
    page.check("#select-all")
    page.click("#mass-delete")
    dialog = page.locator("#mass-delete-dialog")
    assert "2" in dialog.locator("p").inner_text()
    screenshot(page, "07-mass-delete-confirmation")
    page.click("#confirm-delete")
    assert re.search(r"2\D", page.locator(".flash-success").inner_text())
    assert page.locator("#record-table tbody tr[data-id]").count() == 0
    page.goto(base + "/recycle-bin")
    assert page.locator("#recycle-table tbody tr").count() == 2
    screenshot(page, "08-recycle-bin")
    page.locator("#recycle-table tr:has-text('삭제예정 하나') button:text('복원')").click()
    expect(page.locator(".flash-success")).to_contain_text("삭제예정 하나")
    expect(page.locator("#recycle-table tbody tr")).to_have_count(1)
    page.goto(base + "/records/accounts?q=삭제예정")
    assert page.locator("#record-table tbody tr[data-id]").all_inner_texts()[0].count("삭제예정 하나") == 1
    assert page.locator("#record-table tbody tr[data-id]").count() == 1


def test_sales_rep_never_sees_a_managers_private_account(live_app, live_server, browsing):
    base = live_server.url
    make_user(live_app, "manager@example.com", role="manager", name="Manager Park")
    make_user(live_app, "rep@example.com", role="sales", name="Rep Lee")
    [secret_id] = create_records(live_app, "accounts", "manager@example.com", ["비밀상사"])
    create_records(live_app, "accounts", "rep@example.com", ["영업상사"])

    manager = browsing.new_page()
    log_in(manager, base, "manager@example.com")
    manager.goto(base + "/records/accounts")
    assert "비밀상사" in manager.locator("#record-table").inner_text()

    rep = browsing.new_page()
    log_in(rep, base, "rep@example.com")
    pages = ["/", "/records/accounts", "/search?q=비밀", "/search?q=ㅂㅁㅅㅅ", "/recycle-bin",
             "/records/accounts/lookup?q=비밀", "/records/contacts/new"]
    for path in pages:
        rep.goto(base + path)
        assert "비밀상사" not in rep.content(), path
    rep.goto(base + "/records/accounts")
    assert "영업상사" in rep.locator("#record-table").inner_text()
    screenshot(rep, "09-sales-rep-list")
    response = rep.goto(f"{base}/records/accounts/{secret_id}")
    assert response.status == 404 and "비밀상사" not in rep.content()
    response = rep.goto(f"{base}/records/accounts/{secret_id}/edit")
    assert response.status == 404


def test_type_ahead_quick_create_notes_and_upload_in_chinese(live_app, live_server, browsing, tmp_path):
    from playwright.sync_api import expect

    base = live_server.url
    make_user(live_app, "admin@example.com", admin=True, name="管理员")
    create_records(live_app, "accounts", "admin@example.com", ["해동통신"])
    page = browsing.new_page()
    log_in(page, base, "admin@example.com")
    page.click(".user-button")
    with page.expect_navigation():
        page.select_option("#language-select", "zh_Hans")
    assert "工作台" in page.locator("nav.sidebar").inner_text()

    # a reference field: type-ahead over the accounts the user can see, by initials
    page.goto(base + "/records/contacts/new")
    account = page.locator("[data-field=account_id]")
    account.locator("input[type=text]").type("ㅎㄷ")
    account.locator(".ref-results button").first.click()
    assert account.locator("input[type=text]").input_value() == "해동통신"

    # ... or a new account created in a dialog without leaving the form
    expect(account.locator("input[name=account_id]")).not_to_have_value("")
    account.locator("[data-quick-create]").click()
    dialog = page.locator("#quick-create")
    dialog.locator("[data-quick-save]").click()
    expect(dialog.locator("[data-field=name] .field-error")).to_have_text("此字段为必填项。")
    dialog.locator("input[name=name]").fill("新客户公司")
    dialog.locator("[data-quick-save]").click()
    page.wait_for_function("() => !document.querySelector('#quick-create').open")
    assert account.locator("input[type=text]").input_value() == "新客户公司"
    page.fill("#f-name", "王经理")
    screenshot(page, "10-contact-form-zh")
    page.click("#save-record")
    assert page.locator("#record-title").inner_text() == "王经理"
    assert page.locator("[data-field=account_id] dd").inner_text() == "新客户公司"

    # notes and an attachment upload with a progress bar, counts on the tabs
    page.click("#tab-notes")
    page.fill("#note-form textarea", "第一次拜访，客户很感兴趣。")
    page.click("#note-form button[type=submit]")
    expect(page.locator("#notes-list")).to_contain_text("第一次拜访")
    expect(page.locator("#notes-count")).to_have_text("1")
    upload = tmp_path / "견적서.pdf"
    upload.write_bytes(b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n")
    page.click("#tab-attachments")
    page.set_input_files("#attachment-form input[type=file]", str(upload))
    page.click("#attachment-form button[type=submit]")
    expect(page.locator("#attachments-list a")).to_have_text("견적서.pdf")
    assert page.locator("#attachment-form .progress > div").evaluate("el => el.style.width") == "100%"
    expect(page.locator("#attachments-count")).to_have_text("1")
    screenshot(page, "11-contact-detail-zh")
    page.goto(base + "/records/accounts")
    screenshot(page, "12-account-list-zh")

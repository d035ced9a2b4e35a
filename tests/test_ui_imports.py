"""The import wizard in the browser UI: upload → mapping and preview → run → result, history and undo."""
from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa

from core.testing import make_user
from tests.browser.support import logged_in
from tests.test_importexport_support import brn, csv_bytes, xlsx_bytes

CSV_ROWS = [["Account name", "Business registration number", "Representative"],
            ["해동통신", brn(1), "김대표"],
            ["대한물산", "123-45-00000", "이대표"],  # wrong checksum: rejected
            ["새회사", brn(2), None]]
KOREAN_ROWS = [["고객명", "사업자등록번호", "대표자", "비고"],
               ["해동통신", brn(1), "김대표", "x"],
               ["서울상사", brn(3), "박대표", "y"]]


@pytest.fixture
def app(crm_app_factory):
    app = crm_app_factory(plugins=["customers"], language="en")
    make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "rep@example.com", role="sales", name="김영업")
    make_user(app, "peer@example.com", role="sales", name="이영업")
    make_user(app, "service@example.com", role="service", name="최서비스")
    return app


def upload(browser, data: bytes, name: str, **form):
    form["file"] = (io.BytesIO(data), name)
    return browser.post("/records/accounts/import", form, content_type="multipart/form-data")


def upload_token(response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlparse(response.headers["Location"]).query)["upload"][0]


def selected_fields(html: str) -> dict[int, str]:
    """``{column index: field}`` as the mapping page pre-selects it ("" = do not import)."""
    chosen = {}
    for index, body in re.findall(r'<select id="column-(\d+)" name="column-\d+"[^>]*>(.*?)</select>', html, re.S):
        found = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[int(index)] = found.group(1) if found else ""
    return chosen


def preview_rows(html: str) -> dict[int, str]:
    return {int(n): cls for n, cls in re.findall(r'<tr data-row="(\d+)" class="(row-\w+)">', html)}


def mapping_form(token: str, fields: list[str], **options) -> dict:
    form = {"upload": token, "mapped": "1", "on_duplicate": "skip"}
    form.update({f"column-{i}": name for i, name in enumerate(fields)})
    form.update(options)
    return form


def import_id(response) -> int:
    assert response.status_code == 302, response.text
    return int(re.search(r"/imports/(\d+)$", response.headers["Location"]).group(1))


def account_names(app) -> list[str]:
    from core.db import session
    from core.runtime import runtime

    with app.app_context():
        table = runtime().registry.get("accounts").table
        return sorted(session().scalars(sa.select(table.c.name).where(table.c.deleted_at.is_(None))))


def batch_count(app) -> int:
    from core.db import session
    from core.importexport.models import ImportBatch

    with app.app_context():
        return session().scalar(sa.select(sa.func.count()).select_from(ImportBatch))


def test_list_page_offers_import_only_with_the_right(app):
    assert 'id="import-records"' in logged_in(app, "rep@example.com").get("/records/accounts").text
    assert 'id="import-records"' not in logged_in(app, "service@example.com").get("/records/accounts").text


def test_csv_upload_mapping_preview_run_result_history_and_undo(app):
    browser = logged_in(app, "rep@example.com")
    token = upload_token(upload(browser, csv_bytes(CSV_ROWS), "accounts.csv"))

    page = browser.get(f"/records/accounts/import/mapping?upload={token}")
    assert page.status_code == 200
    assert selected_fields(page.text) == {0: "name", 1: "business_number", 2: "representative"}
    assert preview_rows(page.text) == {2: "row-valid", 3: "row-rejected", 4: "row-valid"}
    rejected = re.search(r'<tr data-row="3".*?</tr>', page.text, re.S).group(0)
    assert rejected.count('class="cell-error"') == 1 and "Business registration number" in rejected
    assert "2 new, 0 to update, 0 skipped as duplicates, 1 rejected" in page.text

    # leave the business number out and check again: every row is valid now
    again = browser.post("/records/accounts/import/mapping", mapping_form(token, ["name", "", "representative"]))
    assert again.status_code == 200
    assert set(preview_rows(again.text).values()) == {"row-valid"}
    assert account_names(app) == []  # previews write nothing

    done = browser.post("/records/accounts/import/run",
                        mapping_form(token, ["name", "business_number", "representative"]))
    result = browser.get(f"/imports/{import_id(done)}")
    assert result.status_code == 200
    counts = dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', result.text))
    assert counts == {"created": "2", "updated": "0", "skipped": "0", "rejected": "1"}
    assert '<progress id="import-progress-bar" max="3" value="3">' in result.text and "data-poll" not in result.text
    assert re.search(r'<tr data-row="3"><td class="num">3</td><td>Business registration number</td><td>.+</td></tr>',
                     result.text)
    download = browser.get(re.search(r'href="([^"]+)" id="rejected-download"', result.text).group(1))
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert account_names(app) == ["새회사", "해동통신"]
    assert browser.post("/records/accounts/import/run", mapping_form(token, ["name"])).status_code == 404  # used up

    history = browser.get("/records/accounts/imports")
    assert "accounts.csv" in history.text and f'data-import="{import_id(done)}"' in history.text

    undone = browser.post(f"/imports/{import_id(done)}/undo")
    assert undone.status_code == 302
    after = browser.get(undone.headers["Location"]).text
    assert "Import undone: 2 records removed, 0 restored, 0 kept" in after
    assert 'id="undo-import"' not in after and "Undone" in after
    assert account_names(app) == []


def test_xlsx_with_korean_headers_saved_mapping_and_undo_of_an_update(app):
    browser = logged_in(app, "rep@example.com")
    token = upload_token(upload(browser, xlsx_bytes(KOREAN_ROWS), "고객.xlsx"))
    page = browser.get(f"/records/accounts/import/mapping?upload={token}").text
    assert selected_fields(page) == {0: "name", 1: "business_number", 2: "representative", 3: ""}
    first = browser.post("/records/accounts/import/run",
                         mapping_form(token, ["name", "business_number", "representative", ""], save_as="고객 양식"))
    import_id(first)
    assert account_names(app) == ["서울상사", "해동통신"]

    changed = [KOREAN_ROWS[0], ["해동통신", brn(1), "정대표", "z"]]
    token = upload_token(upload(browser, xlsx_bytes(changed), "변경.xlsx", mapping_name="고객 양식"))
    page = browser.get(f"/records/accounts/import/mapping?upload={token}&mapping_name=고객 양식").text
    assert selected_fields(page) == {0: "name", 1: "business_number", 2: "representative", 3: ""}
    second = browser.post("/records/accounts/import/run",
                          mapping_form(token, ["name", "business_number", "representative", ""],
                                       on_duplicate="update", match="business_number"))
    result = browser.get(f"/imports/{import_id(second)}").text
    assert dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', result))["updated"] == "1"
    undone = browser.get(browser.post(f"/imports/{import_id(second)}/undo").headers["Location"]).text
    assert "0 records removed, 1 restored" in undone


def test_a_bad_or_empty_file_is_refused_with_its_reason_and_nothing_is_kept(app):
    from core.importexport import runs

    browser = logged_in(app, "rep@example.com")
    with app.app_context():
        staged = runs.upload_dir() / "staged"
    empty = upload(browser, b"", "empty.csv")
    assert empty.status_code == 400 and "The file is empty." in empty.text
    picture = upload(browser, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "list.xlsx")
    assert picture.status_code == 400 and "This is not an Excel workbook (.xlsx)" in picture.text
    missing = browser.post("/records/accounts/import", {}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a file to import." in missing.text
    assert list(staged.iterdir()) == [] and batch_count(app) == 0

    browser.post("/me/language", {"language": "ko"})
    korean = upload(browser, b"", "empty.csv")
    assert korean.status_code == 400 and "빈 파일입니다." in korean.text


def test_no_matching_header_and_a_field_mapped_twice_are_shown_on_the_mapping_page(app):
    browser = logged_in(app, "rep@example.com")
    token = upload_token(upload(browser, csv_bytes([["A", "B"], ["해동통신", "김대표"]]), "plain.csv"))
    page = browser.get(f"/records/accounts/import/mapping?upload={token}")
    assert page.status_code == 400 and "No column header names a field" in page.text
    twice = browser.post("/records/accounts/import/mapping", mapping_form(token, ["name", "name"]))
    assert twice.status_code == 422 and "The field name is mapped twice." in twice.text
    nothing = browser.post("/records/accounts/import/run", mapping_form(token, ["", ""]))
    assert nothing.status_code == 422 and "Choose a field for at least one column." in nothing.text
    fixed = browser.post("/records/accounts/import/run", mapping_form(token, ["name", "representative"]))
    import_id(fixed)
    assert account_names(app) == ["해동통신"] and batch_count(app) == 1


def test_a_file_that_breaks_while_importing_shows_the_failed_import_and_leaves_nothing(app):
    rows = [["Account name"]] + [[f"Company {i:04d} " + "x" * 50] for i in range(1500)]
    data = csv_bytes(rows) + "잘못된 줄\n".encode("cp949")  # valid UTF-8 for the first 90 KB, then not
    rep = logged_in(app, "rep@example.com")
    token = upload_token(upload(rep, data, "broken.csv"))
    assert rep.get(f"/records/accounts/import/mapping?upload={token}").status_code == 200  # the first rows are fine
    number = import_id(rep.post("/records/accounts/import/run", mapping_form(token, ["name"])))
    result = rep.get(f"/imports/{number}").text
    assert "Failed" in result and "not valid utf-8 text" in result and 'id="undo-import"' not in result
    assert account_names(app) == []


def test_without_the_import_right_every_import_page_is_403(app):
    token = upload_token(upload(logged_in(app, "rep@example.com"), csv_bytes(CSV_ROWS), "a.csv"))
    browser = logged_in(app, "service@example.com")
    assert browser.get("/records/accounts/import").status_code == 403
    assert upload(browser, csv_bytes(CSV_ROWS), "a.csv").status_code == 403
    assert browser.get(f"/records/accounts/import/mapping?upload={token}").status_code == 403
    assert browser.post("/records/accounts/import/run", mapping_form(token, ["name"])).status_code == 403
    assert browser.get("/records/accounts/imports").status_code == 403
    assert batch_count(app) == 0


def test_someone_elses_upload_and_import_are_404_except_for_administrators(app):
    rep = logged_in(app, "rep@example.com")
    token = upload_token(upload(rep, csv_bytes(CSV_ROWS), "a.csv"))
    peer = logged_in(app, "peer@example.com")
    assert peer.get(f"/records/accounts/import/mapping?upload={token}").status_code == 404
    assert peer.post("/records/accounts/import/run", mapping_form(token, ["name"])).status_code == 404
    assert peer.get("/records/accounts/import/mapping?upload=forged").status_code == 404

    number = import_id(rep.post("/records/accounts/import/run", mapping_form(token, ["name"])))
    assert peer.get(f"/imports/{number}").status_code == 404
    assert peer.post(f"/imports/{number}/undo").status_code == 404
    assert f'data-import="{number}"' not in peer.get("/records/accounts/imports").text
    admin = logged_in(app, "admin@example.com")
    assert admin.get(f"/imports/{number}").status_code == 200
    history = admin.get("/records/accounts/imports").text
    assert f'data-import="{number}"' in history and "김영업" in history
    assert len(account_names(app)) == 3


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(app):
    rep = logged_in(app, "rep@example.com")
    refused = rep.post("/records/accounts/import", {"file": (io.BytesIO(csv_bytes(CSV_ROWS)), "a.csv")},
                       csrf=False, content_type="multipart/form-data")
    assert refused.status_code == 400
    token = upload_token(upload(rep, csv_bytes(CSV_ROWS), "a.csv"))
    assert rep.post("/records/accounts/import/run", mapping_form(token, ["name"]), csrf=False).status_code == 400
    assert batch_count(app) == 0
    number = import_id(rep.post("/records/accounts/import/run", mapping_form(token, ["name"])))
    assert rep.post(f"/imports/{number}/undo", csrf=False).status_code == 400
    assert len(account_names(app)) == 3


def test_a_large_file_runs_as_a_job_and_the_result_page_follows_it(app, monkeypatch):
    from core.importexport import runs
    from core.jobs.worker import run_pending

    monkeypatch.setattr(runs, "INLINE_MAX_BYTES", 0)
    rep = logged_in(app, "rep@example.com")
    token = upload_token(upload(rep, csv_bytes(CSV_ROWS), "big.csv"))
    number = import_id(rep.post("/records/accounts/import/run",
                                mapping_form(token, ["name", "business_number", "representative"])))
    queued = rep.get(f"/imports/{number}").text
    assert f'data-poll="/api/v1/imports/{number}"' in queued and 'value="0"' in queued
    assert rep.get(f"/api/v1/imports/{number}").json["status"] == "queued"  # the session works for the poll
    assert run_pending(app) == 1
    done = rep.get(f"/imports/{number}").text
    assert "data-poll" not in done and '<progress id="import-progress-bar" max="3" value="3">' in done
    assert dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', done))["created"] == "2"


def test_history_shows_the_date_in_the_deployment_time_zone(app):
    from core.db import session
    from core.importexport.models import ImportBatch

    rep = logged_in(app, "rep@example.com")
    token = upload_token(upload(rep, csv_bytes(CSV_ROWS), "a.csv"))
    number = import_id(rep.post("/records/accounts/import/run", mapping_form(token, ["name"])))
    with app.app_context():
        session().get(ImportBatch, number).created_at = dt.datetime(2026, 1, 5, 15, 30, tzinfo=dt.timezone.utc)
        session().commit()
    row = re.search(rf'<tr data-import="{number}">.*?</tr>', rep.get("/records/accounts/imports").text, re.S).group(0)
    assert "1/6/26" in row and "12:30" in row  # 15:30 UTC is 00:30 the next day in Asia/Seoul


@pytest.mark.parametrize("lang", ["ko", "zh_Hans"])
def test_every_wizard_page_speaks_the_users_language(app, lang):
    from tests.browser.support import visible_text
    from tests.test_ui_translations import english_leftovers

    rep = logged_in(app, "rep@example.com")
    rep.post("/me/language", {"language": lang})
    token = upload_token(upload(rep, csv_bytes(CSV_ROWS), "a.csv"))
    pages = {"upload": rep.get("/records/accounts/import"),
             "mapping": rep.get(f"/records/accounts/import/mapping?upload={token}")}
    number = import_id(rep.post("/records/accounts/import/run", mapping_form(token, ["name", "business_number"])))
    pages["result"] = rep.get(f"/imports/{number}")
    pages["history"] = rep.get("/records/accounts/imports")
    patterns = english_leftovers(lang)
    for name, page in pages.items():
        assert page.status_code == 200, name
        text = visible_text(page.text)
        assert [msgid for pattern, msgid in patterns if pattern.search(text)] == [], name


def test_an_import_that_wrote_nothing_offers_no_undo(app):
    browser = logged_in(app, "rep@example.com")
    rows = [["Account name", "Business registration number"], ["가", "123"], ["나", "456"]]
    token = upload_token(upload(browser, csv_bytes(rows), "bad-numbers.csv"))
    done = browser.post("/records/accounts/import/run", mapping_form(token, ["name", "business_number"]))
    result = browser.get(f"/imports/{import_id(done)}").text
    assert dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', result))["rejected"] == "2"
    assert 'id="undo-import"' not in result

"""Attachments: stored under random names, limits and types enforced, served only as downloads to those who see the record."""
from __future__ import annotations

import io
from urllib.parse import unquote

import pytest

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def team(crm_team):
    created = crm_team["rep"].post("/api/v1/accounts", json={"name": "(주)해동통신"})
    assert created.status_code == 201, created.json
    crm_team["url"] = f"/api/v1/accounts/{created.json['id']}"
    return crm_team


def upload(api, url, data: bytes, name: str, content_type="application/octet-stream"):
    return api.post(f"{url}/attachments", data={"file": (io.BytesIO(data), name, content_type)},
                    content_type="multipart/form-data")


def stored_files(app):
    root = app.extensions["plugcrm"].settings.instance_path / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_list_and_download_as_attachment(team):
    url = team["url"]
    created = upload(team["rep"], url, PDF, "견적서 2026-03.pdf")
    assert created.status_code == 201, created.json
    att = created.json
    assert (att["filename"], att["size"], att["content_type"]) == ("견적서 2026-03.pdf", len(PDF), "application/pdf")
    [stored] = stored_files(team["app"])
    assert stored.read_bytes() == PDF and "견적서" not in stored.name and stored.name != att["filename"]
    assert [a["filename"] for a in team["manager"].get(f"{url}/attachments").json["data"]] == ["견적서 2026-03.pdf"]
    download = team["manager"].get(f"{url}/attachments/{att['id']}")
    assert download.status_code == 200 and download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "견적서 2026-03.pdf" in unquote(disposition)
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert team["rep"].get(f"{url}/counts").json == {"notes": 0, "attachments": 1}


def test_html_allowed_by_an_admin_is_still_never_served_as_html(crm_app_factory):
    from core.testing import Team

    team = Team(app=crm_app_factory(attachment_extensions=["html", "txt"]))
    url = f"/api/v1/accounts/{team['rep'].post('/api/v1/accounts', json={'name': 'x'}).json['id']}"
    att = upload(team["rep"], url, b"<script>alert(1)</script>", "page.html", "text/html").json
    assert att["content_type"] == "application/octet-stream"
    download = team["rep"].get(f"{url}/attachments/{att['id']}")
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_file_over_the_size_limit_is_413_and_leaves_nothing(crm_app_factory):
    from core.testing import Team

    team = Team(app=crm_app_factory(attachment_max_bytes=1000))
    url = f"/api/v1/accounts/{team['rep'].post('/api/v1/accounts', json={'name': 'x'}).json['id']}"
    response = upload(team["rep"], url, b"a" * 1001, "big.txt")
    assert response.status_code == 413 and response.json["error"]["code"] == "file_too_large"
    assert stored_files(team["app"]) == []
    assert team["rep"].get(f"{url}/attachments").json["data"] == []
    assert upload(team["rep"], url, b"a" * 1000, "fits.txt").status_code == 201


@pytest.mark.parametrize("name,data", [("run.exe", b"MZ\x90\x00"), ("page.html", b"<html>"), ("drawing.svg", b"<svg/>"),
                                       ("noextension", b"abc"), ("fake.pdf", b"<html>not a pdf"),
                                       ("photo.png", b"GIF89a....")])
def test_bad_types_are_refused_with_422(team, name, data):
    response = upload(team["rep"], team["url"], data, name)
    assert response.status_code == 422, response.json
    assert "file" in response.json["error"]["fields"]
    assert stored_files(team["app"]) == []


@pytest.mark.parametrize("lang,expected", [("ko", "이 형식(exe)의 파일은 첨부할 수 없습니다."),
                                           ("zh", "不能附加此类型（exe）的文件。"),
                                           ("en", "Files of this type (exe) cannot be attached.")])
def test_refusals_speak_the_users_language(team, lang, expected):
    response = team["rep"].post(f"{team['url']}/attachments", data={"file": (io.BytesIO(b"MZ"), "a.exe")},
                                content_type="multipart/form-data", headers={"Accept-Language": lang})
    assert response.status_code == 422 and response.json["error"]["message"] == expected


def test_missing_and_empty_files_are_422(team):
    missing = team["rep"].post(f"{team['url']}/attachments", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert upload(team["rep"], team["url"], b"", "empty.txt").status_code == 422
    assert stored_files(team["app"]) == []


@pytest.mark.parametrize("name,expected", [
    ("../../../etc/passwd.txt", "passwd.txt"),
    ("/abs/path/보고서.pdf", "보고서.pdf"),
    ("..pdf.txt", "pdf.txt"),
    ("a<b>c:d|e?.txt", "a_b_c_d_e_.txt"),
])
def test_path_traversal_and_odd_characters_in_names_are_sanitised(team, name, expected):
    data = PDF if expected.endswith(".pdf") else b"hello"
    response = upload(team["rep"], team["url"], data, name)
    assert response.status_code == 201, response.json
    assert response.json["filename"] == expected
    root = team["app"].extensions["plugcrm"].settings.instance_path / "attachments"
    [stored] = stored_files(team["app"])
    assert stored.resolve().is_relative_to(root.resolve())


@pytest.mark.parametrize("name,expected", [
    ("..\\..\\windows\\win.ini.txt", "win.ini.txt"), ("C:\\Users\\kim\\견적.xlsx", "견적.xlsx"),
    ("new\nline.txt", "new_line.txt"), ("...", "file"), ("", "file"), (None, "file"), ("ａｂｃ.txt", "ａｂｃ.txt"),
    ("가" * 300 + ".pdf", "가" * 176 + ".pdf"),
])
def test_sanitise_filename(name, expected):
    from core.attachments import sanitise_filename

    assert sanitise_filename(name) == expected


@pytest.mark.parametrize("who", ["peer", "service"])
def test_another_branch_gets_404_for_list_upload_and_download(team, who):
    url = team["url"]
    att = upload(team["rep"], url, PDF, "비밀.pdf").json
    other = team[who]
    assert other.get(f"{url}/attachments").status_code == 404
    assert other.get(f"{url}/attachments/{att['id']}").status_code == 404
    assert upload(other, url, PDF, "x.pdf").status_code == 404
    assert other.delete(f"{url}/attachments/{att['id']}").status_code == 404
    assert len(stored_files(team["app"])) == 1


def test_attachment_id_of_another_record_is_404(team):
    other = team["rep"].post("/api/v1/accounts", json={"name": "대한물산"}).json
    att = upload(team["rep"], team["url"], PDF, "a.pdf").json
    assert team["rep"].get(f"/api/v1/accounts/{other['id']}/attachments/{att['id']}").status_code == 404


def test_only_uploader_or_admin_deletes_and_the_file_goes_after_commit(team):
    url = team["url"]
    att = upload(team["rep"], url, PDF, "a.pdf").json
    assert team["manager"].delete(f"{url}/attachments/{att['id']}").status_code == 403
    assert len(stored_files(team["app"])) == 1
    assert team["rep"].delete(f"{url}/attachments/{att['id']}").status_code == 204
    assert stored_files(team["app"]) == []
    assert team["rep"].get(f"{url}/attachments/{att['id']}").status_code == 404


def test_delete_and_restore_keep_attachments(team):
    url = team["url"]
    att = upload(team["rep"], url, PDF, "계약서.pdf").json
    team["rep"].post(f"{url}/notes", json={"body": "계약서 첨부함"})
    assert team["rep"].delete(url).status_code == 204
    assert team["rep"].get(f"{url}/attachments/{att['id']}").status_code == 404
    assert team["rep"].get("/api/v1/accounts?q=해동").json["meta"]["total"] == 0
    assert team["rep"].post(f"{url}/restore").status_code == 200
    assert team["rep"].get(f"{url}/attachments/{att['id']}").data == PDF
    assert team["rep"].get(f"{url}/counts").json == {"notes": 1, "attachments": 1}


def test_upload_with_browser_session_needs_the_csrf_token(team):
    import re

    team["rep"]  # the user exists
    browser = team["app"].test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    login = browser.post("/login", data={"email": "rep@example.com", "password": "password123", "csrf_token": token})
    assert login.status_code in (302, 303)
    assert browser.get(f"{team['url']}/attachments").status_code == 200, "the session is logged in"
    forged = browser.post(f"{team['url']}/attachments", data={"file": (io.BytesIO(PDF), "a.pdf")},
                          content_type="multipart/form-data")
    assert forged.status_code == 400 and forged.json["error"]["code"] == "csrf_failed"
    assert stored_files(team["app"]) == []
    genuine = browser.post(f"{team['url']}/attachments", data={"file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data", headers={"X-CSRFToken": token})
    assert genuine.status_code == 201


def test_purging_the_record_removes_its_notes_attachments_and_files(team):
    import sqlalchemy as sa

    from core.attachments import Attachment
    from core.db import session
    from core.notes import Note

    url = team["url"]
    record_id = int(url.rsplit("/", 1)[1])
    upload(team["rep"], url, PDF, "a.pdf")
    team["rep"].post(f"{url}/notes", json={"body": "메모"})
    team["rep"].delete(url)
    assert len(stored_files(team["app"])) == 1, "the recycle bin keeps the file"
    assert team["rep"].delete(f"/api/v1/recycle-bin/accounts/{record_id}").status_code == 403
    assert len(stored_files(team["app"])) == 1
    assert team["admin"].delete(f"/api/v1/recycle-bin/accounts/{record_id}").status_code == 204
    assert stored_files(team["app"]) == []
    with team["app"].app_context():
        for model in (Note, Attachment):
            assert session().scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_a_file_lost_from_the_storage_is_a_clear_404(team):
    att = upload(team["rep"], team["url"], PDF, "a.pdf").json
    [stored] = stored_files(team["app"])
    stored.unlink()
    response = team["rep"].get(f"{team['url']}/attachments/{att['id']}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("name,expected", [
    ("invoice\u202efdp.exe", "invoicefdp.exe"), ("\u202b견적\u202c서.pdf", "견적서.pdf"),
    ("a\u2066b\u2069c\u200f.txt", "abc.txt"), ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"), ("c1\x85.txt", "c1_.txt"),
])
def test_bidi_and_invisible_format_characters_are_dropped_from_names(name, expected):
    """Finding 16: a right-to-left override would show invoice<RLO>fdp.exe as invoiceexe.pdf."""
    from core.filenames import sanitise_filename

    assert sanitise_filename(name) == expected

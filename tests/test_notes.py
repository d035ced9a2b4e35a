"""Notes on any record: visibility follows the record, authors change their own, the recycle bin keeps them."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def team(crm_team):
    team = crm_team
    created = team["rep"].post("/api/v1/accounts", json={"name": "(주)해동통신"})
    assert created.status_code == 201, created.json
    team["record_id"] = created.json["id"]
    team["url"] = f"/api/v1/accounts/{created.json['id']}"
    return team


def test_rep_and_manager_write_and_read_notes_newest_first(team):
    url = team["url"]
    first = team["rep"].post(f"{url}/notes", json={"body": "  첫 방문: 견적 요청 받음  "})
    assert first.status_code == 201
    assert first.json["body"] == "첫 방문: 견적 요청 받음"
    assert first.json["author_name"] == "김영업" and first.json["can_edit"] is True
    assert team["manager"].post(f"{url}/notes", json={"body": "다음 주 재방문 바람"}).status_code == 201
    listed = team["rep"].get(f"{url}/notes").json["data"]
    assert [n["body"] for n in listed] == ["다음 주 재방문 바람", "첫 방문: 견적 요청 받음"]
    assert [n["can_edit"] for n in listed] == [False, True]
    assert team["rep"].get(f"{url}/counts").json == {"notes": 2, "attachments": 0}


@pytest.mark.parametrize("who", ["peer", "service"])
def test_users_who_cannot_see_the_record_get_404_everywhere(team, who):
    url, other = team["url"], team[who]
    note = team["rep"].post(f"{url}/notes", json={"body": "비공개 메모"}).json
    assert other.get(f"{url}/notes").status_code == 404
    assert other.post(f"{url}/notes", json={"body": "침입"}).status_code == 404
    assert other.patch(f"{url}/notes/{note['id']}", json={"body": "x"}).status_code == 404
    assert other.delete(f"{url}/notes/{note['id']}").status_code == 404
    assert other.get(f"{url}/counts").status_code == 404
    assert [n["body"] for n in team["rep"].get(f"{url}/notes").json["data"]] == ["비공개 메모"]


def test_only_the_author_edits_and_deletes_admin_may_delete(team):
    url = team["url"]
    note = team["rep"].post(f"{url}/notes", json={"body": "원래 내용"}).json
    denied = team["manager"].patch(f"{url}/notes/{note['id']}", json={"body": "바꿈"})
    assert denied.status_code == 403 and denied.json["error"]["code"] == "forbidden"
    assert team["manager"].delete(f"{url}/notes/{note['id']}").status_code == 403
    edited = team["rep"].patch(f"{url}/notes/{note['id']}", json={"body": "고친 내용"})
    assert edited.status_code == 200 and edited.json["body"] == "고친 내용" and edited.json["updated_at"]
    assert team["admin"].patch(f"{url}/notes/{note['id']}", json={"body": "관리자"}).status_code == 403
    assert team["admin"].delete(f"{url}/notes/{note['id']}").status_code == 204
    assert team["rep"].get(f"{url}/notes").json["data"] == []


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   "}, {"body": 5}, {"body": "가" * 20001},
                                     ["body"], "메모"])
def test_bad_note_bodies_are_422_and_store_nothing(team, payload):
    url = team["url"]
    response = team["rep"].post(f"{url}/notes", json=payload)
    assert response.status_code == 422 and "body" in response.json["error"]["fields"]
    assert re.search("[가-힣]", response.json["error"]["message"]), "the refusal speaks Korean"
    assert team["rep"].get(f"{url}/notes").json["data"] == []


def test_note_of_another_record_is_404(team):
    other = team["rep"].post("/api/v1/accounts", json={"name": "대한물산"}).json
    note = team["rep"].post(f"{team['url']}/notes", json={"body": "메모"}).json
    assert team["rep"].patch(f"/api/v1/accounts/{other['id']}/notes/{note['id']}",
                             json={"body": "x"}).status_code == 404


def test_notes_sleep_in_the_recycle_bin_and_come_back_with_the_record(team):
    url = team["url"]
    team["rep"].post(f"{url}/notes", json={"body": "복원될 메모"})
    assert team["rep"].delete(url).status_code == 204
    assert team["rep"].get(f"{url}/notes").status_code == 404
    assert team["rep"].post(f"{url}/restore").status_code == 200
    assert [n["body"] for n in team["rep"].get(f"{url}/notes").json["data"]] == ["복원될 메모"]


def test_unauthenticated_is_401(team):
    anonymous = team["app"].test_client()
    assert anonymous.get(f"{team['url']}/notes").status_code == 401


def test_openapi_documents_notes_attachments_and_jobs(crm_app):
    document = crm_app.test_client().get("/api/v1/openapi.json").json
    assert {"/api/v1/accounts/{record_id}/notes", "/api/v1/accounts/{record_id}/attachments/{attachment_id}",
            "/api/v1/jobs/{job_id}/retry", "/api/v1/mail/settings"} <= set(document["paths"])


def test_undoing_an_import_removes_the_notes_and_attachments_of_the_records_it_created(crm_app, crm_api):
    """Undo removes imported records in bulk (``records_purged``); their notes and files must not linger."""
    import io

    import sqlalchemy as sa

    from core.attachments import Attachment
    from core.db import session
    from core.notes import Note
    from test_importexport_support import upload as import_file, xlsx_bytes

    imported = import_file(crm_api, "accounts", xlsx_bytes([["Account name"], ["해동통신"], ["대한물산"]]), "a.xlsx")
    assert imported.json["created"] == 2, imported.json
    kept = crm_api.post("/api/v1/accounts", json={"name": "기존고객"}).json["id"]
    ids = [a["id"] for a in crm_api.get("/api/v1/accounts?sort=id").json["data"] if a["id"] != kept]
    for record_id in ids + [kept]:
        assert crm_api.post(f"/api/v1/accounts/{record_id}/notes", json={"body": "통화함"}).status_code == 201
        attached = crm_api.post(f"/api/v1/accounts/{record_id}/attachments", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(b"quote"), "quote.txt", "text/plain")})
        assert attached.status_code == 201, attached.json
    assert crm_api.post(f"/api/v1/imports/{imported.json['id']}/undo").status_code == 200
    with crm_app.app_context():
        assert set(session().scalars(sa.select(Note.record_id))) == {kept}
        assert set(session().scalars(sa.select(Attachment.record_id))) == {kept}

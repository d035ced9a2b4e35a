"""The SMTP password at rest: sealed in core_settings, revealed only to log in, never echoed or logged."""
from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa

from core import settings_store
from core.audit import AuditEntry
from core.db import session
from core.jobs import DONE, FAILED, Job
from core.jobs.worker import run_pending
from core.mail import enqueue_email
from core.testing import ApiClient, SmtpTestServer, make_user

PASSWORD = "s3cret-비번-42"


@pytest.fixture
def auth_server():
    server = SmtpTestServer(username="crm", password=PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def admin(crm_app):
    _user_id, token = make_user(crm_app, "admin@example.com", admin=True)
    return ApiClient(crm_app.test_client(), token)


def stored_text(app) -> str:
    """What the database holds for the SMTP settings, as text with non-ASCII characters unescaped."""
    with app.app_context():
        value = session().execute(sa.text("SELECT value FROM core_settings WHERE key = 'smtp'")).scalar_one()
    return json.dumps(json.loads(value) if isinstance(value, str) else value, ensure_ascii=False)


def send_one(app) -> int:
    with app.app_context():
        job_id = enqueue_email(["kim@example.com"], "견적서", "본문")
        session().commit()
    run_pending(app)
    with app.app_context():
        return session().get(Job, job_id)


def test_saved_password_is_sealed_and_mail_still_logs_in(crm_app, admin, auth_server, caplog):
    caplog.set_level(logging.DEBUG)
    saved = admin.put("/api/v1/mail/settings", json=auth_server.settings())
    assert saved.status_code == 200 and saved.json["password_set"] is True
    stored = stored_text(crm_app)
    assert PASSWORD not in stored and "s3cret" not in stored and '"$sealed"' in stored
    job = send_one(crm_app)
    assert job.status == DONE, job.last_error
    assert [m["Subject"] for m in auth_server.messages] == ["견적서"]
    test_mail = admin.post("/api/v1/mail/test", json={"to": ["boss@example.com"]})
    assert test_mail.status_code == 200 and len(auth_server.messages) == 2
    for response in (saved, admin.get("/api/v1/mail/settings"), test_mail):
        assert "s3cret" not in response.get_data(as_text=True)
    assert not [r for r in caplog.records if "s3cret" in r.getMessage()]


def test_an_empty_password_keeps_the_old_one_and_null_clears_it(crm_app, admin, auth_server):
    admin.put("/api/v1/mail/settings", json=auth_server.settings())
    kept = admin.patch("/api/v1/mail/settings", json={"password": "", "timeout": 20})
    assert kept.status_code == 200 and kept.json["password_set"] is True
    assert send_one(crm_app).status == DONE
    cleared = admin.patch("/api/v1/mail/settings", json={"password": None})
    assert cleared.json["password_set"] is False
    assert send_one(crm_app).status == FAILED, "the server wants AUTH with the password"


def test_the_audit_trail_says_the_password_changed_but_never_what_it_is(crm_app, admin, auth_server):
    admin.put("/api/v1/mail/settings", json=auth_server.settings())
    admin.patch("/api/v1/mail/settings", json={"password": "another-" + PASSWORD})
    with crm_app.app_context():
        entries = session().scalars(sa.select(AuditEntry).where(AuditEntry.entity == "settings.smtp")
                                    .order_by(AuditEntry.id)).all()
    assert [json.loads(e.changes)["password"] for e in entries] == [[None, "********"], ["********", "********"]]
    assert json.loads(entries[0].changes)["host"] == [None, "127.0.0.1"]
    assert not [e for e in entries if "s3cret" in e.changes or "$sealed" in e.changes]


def test_a_password_saved_in_plain_text_before_sealing_still_works(crm_app, admin, auth_server):
    with crm_app.app_context():
        settings_store.put("smtp", auth_server.settings())  # as older versions stored it
        session().commit()
    assert PASSWORD in stored_text(crm_app)
    assert admin.get("/api/v1/mail/settings").json["password_set"] is True
    assert send_one(crm_app).status == DONE and len(auth_server.messages) == 1


def test_a_changed_secret_key_asks_the_administrator_to_enter_the_password_again(crm_app_factory, auth_server):
    first = crm_app_factory(secret_key="the-old-secret-key")
    _user_id, token = make_user(first, "admin@example.com", admin=True)
    ApiClient(first.test_client(), token).put("/api/v1/mail/settings", json=auth_server.settings())
    moved = crm_app_factory(secret_key="a-new-secret-key")
    admin = ApiClient(moved.test_client(), token)
    assert admin.get("/api/v1/mail/settings").json["password_set"] is True
    refused = admin.post("/api/v1/mail/test", json={"to": ["boss@example.com"]}, headers={"Accept-Language": "ko"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "secret_unreadable"
    assert "SMTP 비밀번호" in refused.json["error"]["message"] and "다시 입력" in refused.json["error"]["message"]
    job = send_one(moved)
    assert job.status == FAILED and "SecretUnreadable" in job.last_error
    admin.patch("/api/v1/mail/settings", json={"password": PASSWORD})
    assert admin.post("/api/v1/mail/test", json={"to": ["boss@example.com"]}).status_code == 200
    assert len(auth_server.messages) == 1


def test_the_upgrade_seals_a_plain_text_password_and_the_downgrade_opens_it(tmp_path):
    from alembic import command

    from core.app import create_app
    from core.config import Settings
    from core.migrate import alembic_config, upgrade
    from core.secret_values import is_sealed, reveal

    app = create_app(Settings(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'm.db'}",
                              testing=True, secret_key="deployment-key"))
    runtime = app.extensions["plugcrm"]
    upgrade(runtime)
    legacy = {"host": "smtp.example.com", "username": "crm", "password": PASSWORD}
    with runtime.engine.begin() as conn:
        conn.execute(sa.insert(settings_store.SettingRow.__table__).values(
            key="smtp", value=legacy, updated_at=sa.func.current_timestamp()))
        command.downgrade(alembic_config(runtime, conn), "core_0002")
        command.upgrade(alembic_config(runtime, conn), "core@head")
    with app.app_context():
        stored = settings_store.get("smtp")
    assert is_sealed(stored["password"]) and stored["host"] == "smtp.example.com"
    assert reveal(stored["password"], "SMTP password", "deployment-key") == PASSWORD
    with runtime.engine.begin() as conn:
        command.downgrade(alembic_config(runtime, conn), "core_0002")
    with app.app_context():
        assert settings_store.get("smtp") == legacy
    runtime.engine.dispose()


def test_the_admin_page_shows_only_whether_a_password_is_set(crm_app_factory, auth_server):
    from tests.browser.support import logged_in, ui_app

    app = ui_app(crm_app_factory)
    make_user(app, "admin@example.com", admin=True)
    browser = logged_in(app, "admin@example.com")
    form = {k: str(v) for k, v in auth_server.settings().items()}
    saved = browser.post("/admin/mail", form, follow_redirects=True)
    assert saved.status_code == 200 and 'data-password-set="yes"' in saved.text
    assert "s3cret" not in saved.text and PASSWORD not in stored_text(app)
    kept = browser.post("/admin/mail", dict(form, password="", timeout="15"), follow_redirects=True)
    assert 'data-password-set="yes"' in kept.text and 'name="timeout" inputmode="numeric" value="15"' in kept.text
    sent = browser.post("/admin/mail/test", {"to": "boss@example.com"}, follow_redirects=True)
    assert "boss@example.com" in sent.text and len(auth_server.messages) == 1
    other = ui_app(crm_app_factory, secret_key="a-new-secret-key")
    refused = logged_in(other, "admin@example.com").post("/admin/mail/test", {}, follow_redirects=True)
    assert refused.status_code == 200 and "다시 입력" in refused.text and len(auth_server.messages) == 1
    cleared = browser.post("/admin/mail", dict(form, password="", clear_password="1"), follow_redirects=True)
    assert 'data-password-set="no"' in cleared.text

"""Outgoing email through the job queue: real SMTP on loopback, the outbox folder, headers in Korean/Chinese."""
from __future__ import annotations

import email
import email.policy

import pytest
import sqlalchemy as sa

from core.db import session
from core.jobs import DONE, FAILED, Job
from core.jobs.runner import retry_delay
from core.jobs.worker import run_pending
from core.mail import enqueue_email

SUBJECT_KO = "[견적] (주)한빛상사 - 3월 견적서 송부의 건"
SUBJECT_ZH = "关于三月份报价单的通知"


def send(app, to, subject, text, html=None) -> int:
    with app.app_context():
        job_id = enqueue_email(to, subject, text, html)
        session().commit()
        return job_id


def body(msg, kind: str) -> str:
    return msg.get_body((kind,)).get_content().replace("\r\n", "\n")


def status(app, job_id) -> Job:
    with app.app_context():
        return session().get(Job, job_id)


def test_email_arrives_over_smtp_with_a_correct_korean_subject(crm_app_factory, smtp_server):
    app = crm_app_factory(smtp=smtp_server.settings())
    job_id = send(app, ["kim@example.com", "lee@example.com"], SUBJECT_KO, "안녕하세요,\n견적서를 보내드립니다.",
                  "<p>안녕하세요</p>")
    assert smtp_server.messages == [], "nothing is sent before the worker runs"
    assert run_pending(app) == 1
    assert status(app, job_id).status == DONE
    [msg] = smtp_server.messages
    assert msg["Subject"] == SUBJECT_KO
    raw_subject = smtp_server.envelopes[0].original_content.split(b"\r\n\r\n")[0]
    assert b"=?utf-8?" in raw_subject.lower(), "non-ASCII headers are RFC 2047 encoded"
    assert smtp_server.envelopes[0].rcpt_tos == ["kim@example.com", "lee@example.com"]
    assert smtp_server.envelopes[0].mail_from == "crm@example.com"
    assert body(msg, "plain") == "안녕하세요,\n견적서를 보내드립니다.\n"
    assert body(msg, "html").strip() == "<p>안녕하세요</p>"


def test_chinese_subject_and_login(crm_app_factory):
    from core.testing import SmtpTestServer

    server = SmtpTestServer(username="crm", password="비밀번호1").start()
    try:
        app = crm_app_factory(smtp=server.settings())
        send(app, ["wang@example.cn"], SUBJECT_ZH, "您好")
        run_pending(app)
        assert [m["Subject"] for m in server.messages] == [SUBJECT_ZH]
    finally:
        server.stop()


def test_wrong_smtp_password_fails_the_job(crm_app_factory):
    from core.testing import SmtpTestServer

    server = SmtpTestServer(username="crm", password="right-one").start()
    try:
        settings = dict(server.settings(), password="wrong-one")
        app = crm_app_factory(smtp=settings)
        job_id = send(app, ["wang@example.cn"], "hi", "text")
        run_pending(app)
        failed = status(app, job_id)
        assert failed.status == FAILED and "SMTPAuthenticationError" in failed.last_error
        assert "wrong-one" not in failed.last_error
        assert server.messages == []
    finally:
        server.stop()


def test_smtp_down_retries_and_delivers_when_it_comes_back(crm_app_factory, smtp_server, crm_clock):
    app = crm_app_factory(smtp=smtp_server.settings())
    smtp_server.stop()
    job_id = send(app, ["kim@example.com"], SUBJECT_KO, "본문")
    run_pending(app)
    first = status(app, job_id)
    assert (first.status, first.attempts) == (FAILED, 1)
    assert "Connection refused" in first.last_error or "ConnectionRefusedError" in first.last_error
    crm_clock.advance(retry_delay(1))
    run_pending(app)
    assert status(app, job_id).attempts == 2
    smtp_server.start()
    crm_clock.advance(retry_delay(2))
    run_pending(app)
    assert status(app, job_id).status == DONE
    assert [m["Subject"] for m in smtp_server.messages] == [SUBJECT_KO]


def test_without_smtp_host_the_email_goes_to_the_outbox(crm_app_factory, tmp_path):
    app = crm_app_factory()
    job_id = send(app, ["kim@example.com"], SUBJECT_KO, "본문입니다")
    run_pending(app)
    assert status(app, job_id).status == DONE
    outbox = app.extensions["plugcrm"].settings.instance_path / "outbox"
    [eml] = list(outbox.glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == SUBJECT_KO and msg["To"] == "kim@example.com"
    assert msg.get_content().strip() == "본문입니다"


@pytest.mark.parametrize("to", [[], "kim@example.com", ["not-an-address"], ["a@b.com", "x y@z.com"]])
def test_bad_recipients_are_refused_and_nothing_is_queued(crm_app_factory, to):
    from core.errors import ValidationError

    app = crm_app_factory()
    with app.app_context():
        with pytest.raises(ValidationError):
            enqueue_email(to, "subject", "text")
        session().commit()
        assert session().scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_header_injection_in_subject_is_refused(crm_app_factory):
    from core.errors import ValidationError

    app = crm_app_factory()
    with app.app_context(), pytest.raises(ValidationError):
        enqueue_email(["kim@example.com"], "hello\r\nBcc: victim@example.com", "text")


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_tls_modes_deliver_and_verify_the_certificate(crm_app_factory, tmp_path, tls):
    from core.testing import SmtpTestServer

    server = SmtpTestServer(username="crm", password="pw", tls=tls, cert_dir=tmp_path).start()
    try:
        app = crm_app_factory(smtp=server.settings())
        job_id = send(app, ["kim@example.com"], SUBJECT_KO, "암호화된 연결")
        run_pending(app)
        assert status(app, job_id).status == DONE
        assert [m["Subject"] for m in server.messages] == [SUBJECT_KO]
    finally:
        server.stop()


def test_untrusted_certificate_is_refused(crm_app_factory, tmp_path):
    from core.testing import SmtpTestServer

    server = SmtpTestServer(tls="starttls", cert_dir=tmp_path).start()
    try:
        app = crm_app_factory(smtp=dict(server.settings(), ca_file=""))
        job_id = send(app, ["kim@example.com"], "hi", "text")
        run_pending(app)
        failed = status(app, job_id)
        assert failed.status == FAILED and "CERTIFICATE_VERIFY_FAILED" in failed.last_error
        assert server.messages == []
    finally:
        server.stop()


def test_internationalised_address_goes_out_with_smtputf8(crm_app_factory, smtp_server):
    app = crm_app_factory(smtp=smtp_server.settings())
    send(app, ["김철수@예시.한국"], SUBJECT_KO, "본문")
    run_pending(app)
    assert smtp_server.envelopes[0].rcpt_tos == ["김철수@예시.한국"]
    assert smtp_server.messages[0]["To"] == "김철수@예시.한국"

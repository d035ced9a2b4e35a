"""Each task type for real: email over SMTP, webhook over HTTP (signed), create record, delayed tasks,
a task type added by another plugin, failures visible in the run log."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import textwrap

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from plugins.workflows.tests.conftest import LOOPBACK, PLUGINS, account, runs_of, workflow
from plugins.workflows.tests.webhook_server import WebhookReceiver

SECRET = "k3y-for-signing-webhooks"


@pytest.fixture
def mail_app(crm_app_factory, smtp_server, crm_clock):
    return crm_app_factory(plugins=PLUGINS, smtp=smtp_server.settings(), **LOOPBACK)


@pytest.fixture
def mail_api(mail_app):
    _uid, token = make_user(mail_app, "admin@example.com", admin=True, name="관리자")
    return ApiClient(mail_app.test_client(), token)


def test_send_email_to_owner_role_field_and_addresses_with_merge_fields(mail_app, mail_api, smtp_server):
    make_user(mail_app, "boss@example.com", role="owner", name="대표")
    make_user(mail_app, "retired@example.com", role="owner")
    workflow(mail_api, trigger={"type": "create"}, tasks=[{
        "type": "send_email", "title": "신규 고객 알림",
        "recipients": {"owner": True, "roles": ["owner"], "fields": ["email"], "addresses": ["team@example.com"]},
        "subject": "[신규 고객] {{ record.name }} ({{ record.status }})",
        "body": "{{ owner.name }}님, {{ record.name }} 고객사가 등록되었습니다. 담당: {{ owner.name }}"}])
    created = account(mail_api, name="해동통신", email="Info@Haedong.co.kr")
    [run] = runs_of(mail_api, created["id"])
    assert run["tasks"][0]["status"] == "queued" and run["tasks"][0]["job"]["result"] == "queued"
    assert run_pending(mail_app) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[신규 고객] 해동통신 (prospect)"
    assert sorted(a.strip() for a in message["To"].split(",")) == sorted(
        ["admin@example.com", "boss@example.com", "retired@example.com", "info@haedong.co.kr", "team@example.com"])
    assert message.get_content().strip() == "관리자님, 해동통신 고객사가 등록되었습니다. 담당: 관리자"
    assert runs_of(mail_api, created["id"])[0]["tasks"][0]["job"]["result"] == "sent"


def test_email_with_no_address_is_skipped_and_a_broken_template_fails_without_failing_the_save(mail_app, mail_api):
    workflow(mail_api, name="to field", trigger={"type": "create"}, tasks=[
        {"type": "send_email", "recipients": {"fields": ["email"]}, "subject": "s", "body": "b"}])
    workflow(mail_api, name="bad merge", trigger={"type": "create"}, tasks=[
        {"type": "send_email", "recipients": {"owner": True}, "subject": "{{ owner.nickname }}", "body": "b"}])
    created = account(mail_api)
    runs = {r["workflow"]: r for r in runs_of(mail_api, created["id"])}
    assert runs["to field"]["tasks"][0]["status"] == "skipped"
    assert runs["bad merge"]["tasks"][0]["status"] == "failed"
    assert "nickname" in runs["bad merge"]["tasks"][0]["detail"]


def test_webhook_is_signed_and_retried_until_the_receiver_answers(app, api, crm_clock):
    with WebhookReceiver() as receiver:
        workflow(api, trigger={"type": "create"},
                 tasks=[{"type": "webhook", "url": receiver.url, "secret": SECRET}])
        receiver.fail_next = 1
        created = account(api, name="해동통신")
        assert run_pending(app) == 1 and receiver.calls == []
        [run] = runs_of(api, created["id"])
        assert run["tasks"][0]["job"]["result"] == "retrying"
        assert "503" in run["tasks"][0]["job"]["last_error"]
        crm_clock.advance(minutes=1)
        assert run_pending(app) == 1
    [call] = receiver.calls
    expected = "sha256=" + hmac.new(SECRET.encode(), call["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call["headers"]["X-Plugcrm-Signature"], expected)
    [refused] = receiver.refused
    assert len(call["headers"]["Idempotency-Key"]) == 32, "every call carries a key"
    assert refused["Idempotency-Key"] == call["headers"]["Idempotency-Key"], "the retry repeats the key"
    assert call["json"]["record"]["name"] == "해동통신" and call["json"]["entity"] == "accounts"
    assert SECRET not in call["body"].decode()
    assert runs_of(api, created["id"])[0]["tasks"][0]["job"]["result"] == "sent"


def test_create_record_task_makes_a_follow_up_in_the_same_transaction(api):
    workflow(api, trigger={"type": "create"}, tasks=[{"type": "create_record", "entity": "contacts", "fields": [
        {"field": "name", "expr": "concat(name, ' 대표 담당자')"}, {"field": "account_id", "expr": "id"},
        {"field": "job_title", "value": "대표"}]}])
    created = account(api, name="해동통신")
    contacts = api.get(f"/api/v1/contacts?account_id={created['id']}").get_json()["data"]
    assert [(c["name"], c["job_title"]) for c in contacts] == [("해동통신 대표 담당자", "대표")]
    [run] = runs_of(api, created["id"])
    assert run["tasks"][0]["detail"] == {"entity": "contacts", "id": contacts[0]["id"]}


def test_delayed_tasks_wait_for_their_time(app, api, crm_clock):
    response = api.post("/api/v1/meta/entities/accounts/fields", json={"name": "renewal", "label": "갱신일",
                                                                       "type": "date"})
    assert response.status_code == 201
    workflow(api, trigger={"type": "create"}, tasks=[
        {"type": "update_fields", "title": "2 hours later", "delay": {"hours": 2},
         "fields": [{"field": "representative", "value": "확인 완료"}]},
        {"type": "update_fields", "title": "3 days before renewal", "delay": {"days": 3, "before": True,
                                                                            "after_field": "cf_renewal"},
         "fields": [{"field": "description", "expr": "concat('갱신 ', cf_renewal)"}]}])
    created = account(api, cf_renewal="2026-03-10")
    url = f"/api/v1/accounts/{created['id']}"
    [run] = runs_of(api, created["id"])
    assert [t["status"] for t in run["tasks"]] == ["scheduled", "scheduled"]
    assert run["tasks"][1]["detail"]["run_at"] == "2026-03-07T09:00:00+09:00"
    crm_clock.advance(hours=1, minutes=59)
    assert run_pending(app) == 0
    crm_clock.advance(minutes=1)
    assert run_pending(app) == 1
    assert api.get(url).get_json()["representative"] == "확인 완료"
    assert api.get(url).get_json()["description"] is None
    crm_clock.set_now(dt.datetime(2026, 3, 7, 0, 0, tzinfo=dt.timezone.utc))  # 09:00 in Seoul
    assert run_pending(app) == 1
    assert api.get(url).get_json()["description"] == "갱신 2026-03-10"
    [run] = runs_of(api, created["id"])
    assert [t["status"] for t in run["tasks"]] == ["done", "done"]


def test_delayed_task_on_a_deleted_record_is_skipped(app, api, crm_clock):
    workflow(api, trigger={"type": "create"}, tasks=[
        {"type": "update_fields", "delay": {"days": 1}, "fields": [{"field": "representative", "value": "x"}]}])
    created = account(api)
    assert api.delete(f"/api/v1/accounts/{created['id']}").status_code in (200, 204)
    crm_clock.advance(days=1)
    assert run_pending(app) == 1
    [run] = api.get(f"/api/v1/workflows/{run_workflow_id(api)}/runs").get_json()["data"]
    assert run["tasks"][0]["status"] == "skipped" and run["tasks"][0]["job"]["result"] == "done"


def run_workflow_id(api) -> int:
    [wf] = api.get("/api/v1/workflows/").get_json()["data"]
    return wf["id"]


PLUGIN_SOURCE = textwrap.dedent('''
    from core.plugins import Manifest
    from hooks import hookimpl
    from plugins.workflows.tasks import TaskError, TaskType

    manifest = Manifest(name="textmsg", version="1.0", label="Text messages", depends=["workflows"])
    SENT = []


    class SendText(TaskType):
        name = "send_text"
        label = "Send a text"

        def compile(self, entity, config, env):
            field = env.field(config.get("to_field"), "to_field")
            return {"to_field": field.path, "text": env.template(config.get("text"), "text")}

        def run(self, compiled, ctx):
            from core.jobs import enqueue
            from plugins.workflows.templates import render

            job_id = enqueue("textmsg.send", {"to": ctx.view.value(compiled["to_field"]),
                                              "text": render(compiled["text"], ctx)})
            return {"status": "queued", "job_id": job_id}


    @hookimpl
    def crm_workflow_task_types():
        return {"send_text": SendText()}


    @hookimpl
    def crm_workflow_functions():
        return {"shout": lambda text: text.upper() + "!"}


    @hookimpl
    def crm_job_handlers():
        return {"textmsg.send": lambda payload, ctx: SENT.append(payload)}
''')


def test_plugins_add_task_types_and_functions(crm_app_factory, tmp_path):
    folder = tmp_path / "local_plugins" / "textmsg"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    app = crm_app_factory(plugins=PLUGINS + ["textmsg"], plugins_dir=str(folder.parent))
    _uid, token = make_user(app, "admin@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    bad = api.post("/api/v1/workflows/?lang=en", json={"name": "t", "entity": "accounts", "trigger": "create",
                                                       "tasks": [{"type": "send_text", "to_field": "fax2"}]})
    assert bad.get_json()["error"]["fields"] == {"tasks[0].to_field": "Unknown field fax2."}
    workflow(api, trigger={"type": "create"}, tasks=[
        {"type": "send_text", "to_field": "phone", "text": "{{ record.name }} 등록"},
        {"type": "update_fields", "fields": [{"field": "description", "expr": "shout(name)"}]}])
    created = account(api, name="haedong", phone="02-123-4567")
    assert created["description"] == "HAEDONG!"
    assert run_pending(app) == 1
    import sys

    assert sys.modules["plugcrm_local_textmsg"].SENT[-1] == {"to": "02-123-4567", "text": "haedong 등록"}


def test_update_from_another_field(api):
    workflow(api, trigger={"type": "create"}, tasks=[{"type": "update_fields", "fields": [
        {"field": "representative", "field_from": "name"}, {"field": "address", "value": "서울시 중구"}]}])
    created = account(api, name="해동통신")
    assert (created["representative"], created["address"]) == ("해동통신", "서울시 중구")


def test_a_webhook_that_keeps_failing_ends_dead_and_the_log_says_so(app, api, crm_clock):
    with WebhookReceiver() as receiver:
        workflow(api, trigger={"type": "create"}, tasks=[{"type": "webhook", "url": receiver.url, "secret": SECRET}])
        receiver.fail_next = 100
        created = account(api)
        for _attempt in range(5):
            assert run_pending(app) == 1
            crm_clock.advance(hours=2)
        assert run_pending(app) == 0
    [run] = runs_of(api, created["id"])
    job = run["tasks"][0]["job"]
    assert (job["result"], job["attempts"]) == ("dead", 5) and "503" in job["last_error"]


def test_webhook_secret_unreadable_after_a_key_change_ends_the_job_with_a_clear_error(crm_app_factory, api, crm_clock):
    from core.db import session
    from core.jobs.models import Job

    with WebhookReceiver() as receiver:
        workflow(api, trigger={"type": "create"}, tasks=[{"type": "webhook", "url": receiver.url, "secret": SECRET}])
        account(api, name="해동통신")
        moved = crm_app_factory(plugins=PLUGINS, secret_key="a-new-secret-key", language="ko", **LOOPBACK)
        assert run_pending(moved) == 1
    assert receiver.calls == []  # never signed with a wrong secret
    with moved.app_context():
        job = session().query(Job).filter_by(type="workflows.webhook").one()
    assert job.status == "dead" and "웹훅 비밀키" in job.last_error and "다시 입력" in job.last_error

"""Finding 10: webhooks may not call the server's own network, follow redirects, or tell closed ports from open.

The receivers are real HTTP (and raw TCP) servers on loopback; the apps here allow loopback
only where a test says so (``LOOPBACK``), as an administrator would allow an intranet receiver.
"""
from __future__ import annotations

import socket
import threading

import pytest

from core.jobs.worker import run_pending
from core.testing import ApiClient, make_user
from plugins.workflows.tests.conftest import LOOPBACK, PLUGINS, account, runs_of, workflow
from plugins.workflows.tests.webhook_server import WebhookReceiver

SECRET = "k3y-for-signing-webhooks"


def admin_api(app) -> ApiClient:
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


@pytest.fixture
def strict_app(crm_app_factory):
    """The default policy: nothing private allowed."""
    return crm_app_factory(plugins=PLUGINS)


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/", "http://10.0.0.5/hook",
    "http://192.168.1.1/", "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://metadata.google.internal/computeMetadata/v1/", "http://localhost:5000/", "http://LocalHost./",
    "http://100.64.0.1/", "https://[fd00::1]/",
])
def test_private_loopback_link_local_and_metadata_addresses_are_refused_when_saved(strict_app, url):
    api = admin_api(strict_app)
    body = {"name": "wf", "entity": "accounts", "trigger": {"type": "create"}, "conditions": {},
            "tasks": [{"type": "webhook", "url": url, "secret": SECRET}]}
    refused = api.post("/api/v1/workflows/", json=body, headers={"Accept-Language": "ko"})
    assert refused.status_code == 422
    assert "사설" in refused.json["error"]["fields"]["tasks[0].url"]
    assert api.get("/api/v1/workflows/").json["data"] == []


def test_a_name_that_resolves_to_loopback_is_refused_when_called_and_not_retried(strict_app, crm_clock):
    api = admin_api(strict_app)
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        # 2130706433 is 127.0.0.1 written as one number: only resolving it tells where it goes
        workflow(api, trigger={"type": "create"}, tasks=[
            {"type": "webhook", "url": f"http://2130706433:{port}/hooks/crm", "secret": SECRET}])
        created = account(api)
        assert run_pending(strict_app) == 1
        crm_clock.advance(hours=2)
        assert run_pending(strict_app) == 0  # a refusal is final
    assert receiver.calls == []
    job = runs_of(api, created["id"])[0]["tasks"][0]["job"]
    assert job["result"] == "dead" and job["attempts"] == 1 and "outbound_allow" in job["last_error"]


def test_the_allow_list_lets_an_intranet_receiver_through(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS, **LOOPBACK)
    api = admin_api(app)
    with WebhookReceiver() as receiver:
        workflow(api, trigger={"type": "create"}, tasks=[{"type": "webhook", "url": receiver.url, "secret": SECRET}])
        account(api)
        assert run_pending(app) == 1
    assert len(receiver.calls) == 1


def test_redirects_are_not_followed(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS, **LOOPBACK)
    api = admin_api(app)
    with WebhookReceiver() as receiver, WebhookReceiver() as elsewhere:
        receiver.redirect_to = elsewhere.url
        workflow(api, trigger={"type": "create"}, tasks=[{"type": "webhook", "url": receiver.url, "secret": SECRET}])
        created = account(api)
        assert run_pending(app) == 1
    assert elsewhere.calls == []
    assert "HTTP 307" in runs_of(api, created["id"])[0]["tasks"][0]["job"]["last_error"]


class NotHttp:
    """A TCP server on loopback that answers like Redis would, then hangs up."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"-ERR unknown command 'POST'\r\n")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_closed_and_open_ports_fail_with_the_same_words(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS, **LOOPBACK)
    api = admin_api(app)
    server = NotHttp()
    errors = {}
    for name, port in (("open", server.port), ("closed", closed_port())):
        workflow(api, name=name, trigger={"type": "create"}, tasks=[
            {"type": "webhook", "url": f"http://127.0.0.1:{port}/x", "secret": SECRET}])
    created = account(api)
    assert run_pending(app) == 2
    server.sock.close()
    for run in runs_of(api, created["id"]):
        errors[run["workflow"]] = run["tasks"][0]["job"]["last_error"]
    assert errors["open"] == errors["closed"]
    assert "수신 서버에 연결할 수 없거나" in errors["open"]  # the deployment language (ko)
    for leak in ("refused", "Connection", "BadStatusLine", "RemoteDisconnected", "-ERR"):
        assert leak not in errors["open"]

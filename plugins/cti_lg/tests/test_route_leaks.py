"""The core's route-leak tests (``tests/test_route_leaks.py``) on an app with cti_lg switched on.

cti_lg is off by default, so the core's run does not see its routes; here the
same tests walk every ``/api/v1`` and page route with it enabled (the popup
stream and the public ring callback included), and one more checks that a
colleague's stream and event poll never carry a record only the agent may see.
"""
from __future__ import annotations

import importlib.util
import threading
import urllib.request
from pathlib import Path

import pytest

from core.testing import ApiClient, make_user
from core.testing_browser import LiveServer
from plugins.cti_lg.fake_centrex import FakeCentrex
from plugins.cti_lg.tests.conftest import add_line, map_extension

SPEC = importlib.util.spec_from_file_location(
    "core_route_leaks", Path(__file__).resolve().parents[3] / "tests" / "test_route_leaks.py")
leaks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(leaks)

PLUGINS = ["customers", "products", "opportunities", "quotes", "leads", "cti_lg"]
test_anonymous_callers_get_401_everywhere = leaks.test_anonymous_callers_get_401_everywhere
test_users_without_rights_or_ownership_get_no_data = leaks.test_users_without_rights_or_ownership_get_no_data
test_pages_need_a_login_and_show_colleagues_nothing_private = \
    leaks.test_pages_need_a_login_and_show_colleagues_nothing_private


@pytest.fixture
def seeded(crm_app_factory):
    data = leaks.Seeded(crm_app_factory(plugins=PLUGINS))
    data.seed()
    assert {"accounts", "contacts", "service_receipts"} <= set(data.ids), data.ids
    return data


def read_stream(url: str, token: str, out: list, ready: threading.Event) -> None:
    request = urllib.request.Request(url + "/cti_lg/stream", headers={"Authorization": f"Bearer {token}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        for raw in response:
            ready.set()
            out.append(raw.decode("utf-8"))
    ready.set()


def test_a_colleagues_stream_and_poll_carry_nothing_of_the_agents_customers(crm_app_factory):
    app = crm_app_factory(plugins=["customers", "cti_lg"])
    app.config["CTI_LG_STREAM_SECONDS"] = 3
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    owner_id, owner_token = make_user(app, "owner@example.com", role="sales")
    peer_id, peer_token = make_user(app, "peer@example.com", role="sales")
    owner, peer = ApiClient(app.test_client(), owner_token), ApiClient(app.test_client(), peer_token)
    assert owner.post("/api/v1/accounts", json={"name": leaks.MARK, "phone": "02-808-8016"}).status_code == 201
    fake = FakeCentrex().start()
    try:
        with LiveServer(app) as server:
            line_id = add_line(admin, fake)
            map_extension(admin, line_id, "101", owner_id)
            map_extension(admin, line_id, "102", peer_id)
            port = int(server.url.rsplit(":", 1)[1])
            assert admin.post(f"/api/v1/cti_lg/lines/{line_id}/callback",
                              json={"host": "127.0.0.1", "port": port}).status_code == 200
            seen: list[str] = []
            ready = threading.Event()
            reader = threading.Thread(target=read_stream, args=(server.url, peer_token, seen, ready), daemon=True)
            reader.start()
            assert ready.wait(10)
            assert fake.ring("028088016", "101") == 200   # the owner's extension
            assert fake.ring("028088016", "102") == 200   # the peer's own call from the owner's customer
            reader.join(15)
    finally:
        fake.stop()
    text = "".join(seen)
    assert "event: ring" in text and leaks.MARK not in text.lower()
    polled = peer.get("/api/v1/cti_lg/events?after=0").json["items"]
    assert len(polled) == 1 and polled[0]["matches"] == [] and leaks.MARK not in str(polled).lower()
    owners = owner.get("/api/v1/cti_lg/events?after=0").json["items"]
    assert [m["name"] for m in owners[0]["matches"]] == [leaks.MARK]

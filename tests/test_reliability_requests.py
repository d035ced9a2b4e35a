"""Requests under concurrency and faults, over real HTTP: PATCH without If-Match, lost database connections."""
from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from core import signals
from core.testing import TEST_DB_ENV, is_postgres
from core.testing_browser import LiveServer
from core.testing_instance import HttpClient

CLIENTS = 20


def create_account(api, name="(주)해동통신"):
    response = api.post("/api/v1/accounts", json={"name": name})
    assert response.status_code == 201, response.json
    return response.json


def patch_all_at_once(base_url: str, path: str, token: str, bodies: list[dict], headers: dict | None = None) -> list:
    """Send every body as a PATCH from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def one(i: int) -> None:
        client = HttpClient(base_url, token)
        barrier.wait(timeout=30)
        answers[i] = client.patch(path, bodies[i], headers=headers)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def test_concurrent_patches_without_if_match_all_apply(crm_app, crm_api, crm_admin):
    """20 PATCHes of one record at once, none naming a version: every one is applied, none gets 409."""
    account = create_account(crm_api)
    bodies = [{"representative": f"대표{i:02d}"} for i in range(CLIENTS)]
    with LiveServer(crm_app) as server:
        answers = patch_all_at_once(server.url, f"/api/v1/accounts/{account['id']}", crm_admin[1], bodies)
    assert Counter(a.status_code for a in answers) == {200: CLIENTS}, [a for a in answers if a.status_code != 200]
    assert sorted(a.json["version"] for a in answers) == list(range(2, CLIENTS + 2)), "each applied to its own version"
    final = crm_api.get(f"/api/v1/accounts/{account['id']}").json
    assert final["version"] == CLIENTS + 1
    last = max(answers, key=lambda a: a.json["version"])
    assert final["representative"] == last.json["representative"]
    changes = crm_api.get(f"/api/v1/accounts/{account['id']}/history").json["data"]
    written = sorted(c["changes"]["representative"][1] for c in changes if "representative" in c["changes"])
    assert written == sorted(b["representative"] for b in bodies), "every change is in the history once"


def test_concurrent_patches_with_if_match_of_one_version_let_exactly_one_through(crm_app, crm_api, crm_admin):
    account = create_account(crm_api)
    bodies = [{"representative": f"대표{i:02d}"} for i in range(CLIENTS)]
    with LiveServer(crm_app) as server:
        answers = patch_all_at_once(server.url, f"/api/v1/accounts/{account['id']}", crm_admin[1], bodies,
                                    headers={"If-Match": '"1"'})
    assert Counter(a.status_code for a in answers) == {200: 1, 409: CLIENTS - 1}
    conflict = next(a for a in answers if a.status_code == 409)
    assert conflict.json["error"]["code"] == "conflict" and conflict.json["error"]["current"]["version"] == 2
    assert crm_api.get(f"/api/v1/accounts/{account['id']}").json["version"] == 2


def test_a_version_in_the_body_still_conflicts(crm_api):
    account = create_account(crm_api)
    url = f"/api/v1/accounts/{account['id']}"
    assert crm_api.patch(url, json={"representative": "갑"}).status_code == 200
    stale = crm_api.patch(url, json={"representative": "을", "version": 1})
    assert stale.status_code == 409
    assert crm_api.get(url).json["representative"] == "갑"


@pytest.fixture
def admin_engine():
    url = os.environ[TEST_DB_ENV].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="terminating a server backend needs PostgreSQL")
def test_a_request_whose_connection_is_terminated_gets_a_translated_503_and_changes_nothing(
        crm_app, crm_api, crm_admin, admin_engine):
    account = create_account(crm_api)
    url = f"/api/v1/accounts/{account['id']}"

    def terminate_my_backend(sender, session, **_kw):
        pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        with admin_engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    signals.record_updated.connect(terminate_my_backend)
    try:
        with LiveServer(crm_app) as server:
            client = HttpClient(server.url, crm_admin[1], language="ko")
            answer = client.patch(url, {"representative": "김대표"})
    finally:
        signals.record_updated.disconnect(terminate_my_backend)
    assert answer.status_code == 503, answer
    assert answer.headers["Retry-After"] == "2"
    assert answer.json["error"]["code"] == "database_unavailable"
    assert answer.json["error"]["message"] == "데이터베이스 연결이 끊어졌습니다. 잠시 후 다시 시도하세요."
    after = crm_api.get(url).json
    assert (after["version"], after["representative"]) == (1, None), "the cut transaction left nothing behind"


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="terminating a server backend needs PostgreSQL")
def test_pooled_connections_terminated_while_idle_are_replaced_before_use(crm_app, crm_api, crm_admin, admin_engine):
    """Pre-ping: a database restart between requests costs the next request nothing."""
    account = create_account(crm_api)
    with LiveServer(crm_app) as server:
        client = HttpClient(server.url, crm_admin[1])
        assert client.get("/api/v1/accounts").status_code == 200
        database = crm_app.extensions["plugcrm"].engine.url.database
        with admin_engine.connect() as conn:
            killed = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database}).scalar()
        assert killed >= 1
        answers = [client.get("/api/v1/accounts"), client.patch(f"/api/v1/accounts/{account['id']}",
                                                                {"representative": "박대표"})]
    assert [a.status_code for a in answers] == [200, 200]

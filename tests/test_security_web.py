"""Web security basics: login log, login rate limiting, session cookies, CSRF, hashed and revocable tokens."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from core.testing import ApiClient, make_user

PASSWORD = "correct-horse-1"


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory()


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


@pytest.fixture
def rep(app):
    return make_user(app, "rep@example.com", role="sales", password=PASSWORD)


def browser(app, ip="10.0.0.7"):
    """A test client that behaves like a browser at ``ip``: cookies, a user agent, the login form's CSRF token."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=ip, HTTP_USER_AGENT="Mozilla/5.0 (plugcrm test)")
    page = client.get("/login").get_data(as_text=True)
    client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client


def log_in(client, email, password, lang="ko"):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": client.csrf},
                       headers={"Accept-Language": lang})


def login_log(admin, **filters):
    return admin.get("/api/v1/login-log", query_string=filters).json["data"]


def test_logins_are_logged_with_ip_and_user_agent(app, admin, rep):
    client = browser(app)
    assert log_in(client, "rep@example.com", "wrong-password").status_code == 401
    assert log_in(client, "REP@example.com", PASSWORD).status_code == 302
    failure, success = reversed(login_log(admin, email="rep@example.com"))
    assert failure["success"] is False and failure["reason"] == "wrong_password"
    assert success["success"] is True and success["user_id"] == rep[0]
    assert success["ip"] == "10.0.0.7" and success["user_agent"] == "Mozilla/5.0 (plugcrm test)"
    assert [e["id"] for e in login_log(admin, success="false")] == [failure["id"]]
    assert login_log(admin, ip="10.9.9.9") == []
    assert admin.get("/api/v1/login-log?success=maybe").status_code == 400


def test_deactivated_user_cannot_log_in(app, admin, rep):
    admin.delete(f"/api/v1/users/{rep[0]}")
    assert log_in(browser(app), "rep@example.com", PASSWORD).status_code == 401
    assert login_log(admin, email="rep@example.com")[0]["reason"] == "inactive"


def test_rate_limit_per_ip_and_email_with_a_translated_message(app, admin, rep, crm_clock):
    client = browser(app)
    for _ in range(5):
        assert log_in(client, "rep@example.com", "wrong-password").status_code == 401
    refused = log_in(client, "rep@example.com", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in log_in(
        client, "rep@example.com", PASSWORD, lang="en").get_data(as_text=True)
    assert "로그인 실패가 너무 많습니다. 15분 뒤에 다시 시도하세요." in refused.get_data(as_text=True)
    # the same email from another address, and another email from this address, are not blocked
    assert log_in(browser(app, ip="10.0.0.8"), "rep@example.com", PASSWORD).status_code == 302
    make_user(app, "other@example.com", role="sales", password=PASSWORD)
    assert log_in(client, "other@example.com", PASSWORD).status_code == 302
    assert {e["reason"] for e in login_log(admin, ip="10.0.0.7", success="false")} == {
        "wrong_password", "rate_limited"}
    # once the window has passed the user may log in again
    crm_clock.advance(minutes=16)
    assert log_in(browser(app), "rep@example.com", PASSWORD).status_code == 302


def test_rate_limit_holds_under_concurrent_attempts(app, admin, rep):
    clients = [browser(app) for _ in range(12)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def attempt(client):
        barrier.wait()
        statuses.append(log_in(client, "rep@example.com", "guess-" + str(id(client))).status_code)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [401] * 5 + [429] * 7


def test_bad_api_tokens_are_logged_and_get_401(app, admin):
    response = app.test_client().get("/api/v1/accounts", headers={"Authorization": "Bearer pcrm_forged"},
                                     environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    event = login_log(admin, method="token")[0]
    assert event["success"] is False and event["reason"] == "bad_token" and event["ip"] == "192.0.2.1"


def test_session_cookie_is_http_only_and_same_site(app, rep):
    response = log_in(browser(app), "rep@example.com", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_required_for_session_authenticated_writes(app, admin, rep):
    client = browser(app)
    assert log_in(client, "rep@example.com", PASSWORD).status_code == 302
    refused = client.post("/api/v1/accounts", json={"name": "위조상사"})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    forged = client.post("/api/v1/accounts", json={"name": "위조상사"}, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    assert admin.get("/api/v1/accounts").json["meta"]["total"] == 0
    accepted = client.post("/api/v1/accounts", json={"name": "정상상사"}, headers={"X-CSRFToken": client.csrf})
    assert accepted.status_code == 201
    assert client.get("/api/v1/accounts").json["meta"]["total"] == 1  # reads need no token
    # the login form itself is protected too
    assert client.post("/login", data={"email": "rep@example.com", "password": PASSWORD}).status_code == 400


def test_passwords_and_tokens_are_stored_hashed(app, rep):
    from core.db import session
    from core.security.models import ApiToken, User

    with app.app_context():
        user = session().get(User, rep[0])
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        hashes = session().scalars(sa.select(ApiToken.token_hash).where(ApiToken.user_id == rep[0])).all()
        assert hashes == [ApiToken.hash(rep[1])] and rep[1] not in hashes


def test_own_tokens_can_be_listed_issued_and_revoked(app, rep):
    api = ApiClient(app.test_client(), rep[1])
    issued = api.post("/api/v1/me/tokens", json={"name": "ERP 연동"})
    assert issued.status_code == 201 and issued.json["token"].startswith("pcrm_")
    listed = api.get("/api/v1/me/tokens").json["data"]
    assert [t["name"] for t in listed] == ["test", "ERP 연동"] and all("token" not in t for t in listed)
    erp = ApiClient(app.test_client(), issued.json["token"])
    assert erp.get("/api/v1/accounts").status_code == 200
    assert api.delete(f"/api/v1/me/tokens/{issued.json['id']}").status_code == 204
    assert erp.get("/api/v1/accounts").status_code == 401
    assert api.get("/api/v1/me/tokens").json["data"][1]["revoked_at"] is not None
    assert api.post("/api/v1/me/tokens", json={"name": ""}).status_code == 422
    # someone else's token is not yours to revoke (or to learn about)
    _other_id, other_token = make_user(app, "other@example.com", role="sales")
    other = ApiClient(app.test_client(), other_token)
    assert other.delete(f"/api/v1/me/tokens/{listed[0]['id']}").status_code == 404
    assert api.get("/api/v1/accounts").status_code == 200

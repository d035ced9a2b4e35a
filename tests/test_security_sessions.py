"""Finding 5: logout, log out everywhere, password change and deactivation end sessions on the server.

A copy of the session cookie taken before is replayed afterwards and must open nothing.
"""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from tests.browser.support import Browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=["customers"])


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


@pytest.fixture
def rep(app):
    return make_user(app, "rep@example.com", role="sales", password=PASSWORD)


def logged_in(app) -> Browser:
    return Browser(app).login("rep@example.com", PASSWORD)


def captured(browser: Browser) -> Browser:
    """Another client holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    thief = Browser(browser.app)
    cookie = browser.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    return thief


def is_logged_in(browser: Browser) -> bool:
    response = browser.get("/")
    return response.status_code == 200 and "logout-button" in response.text


def test_a_cookie_captured_before_logout_no_longer_works(app, rep):
    browser = logged_in(app)
    thief = captured(browser)
    assert is_logged_in(thief)
    assert browser.post("/logout").status_code == 302
    assert not is_logged_in(browser) and not is_logged_in(thief)
    assert thief.get("/api/v1/accounts").status_code == 401


def test_logout_ends_only_that_session_and_log_out_everywhere_ends_all(app, rep):
    laptop, phone, tablet = logged_in(app), logged_in(app), logged_in(app)
    laptop.post("/logout")
    assert is_logged_in(phone) and is_logged_in(tablet)
    assert phone.post("/logout/everywhere").status_code == 302
    assert "모든 기기에서 로그아웃했습니다." in phone.get("/login").text
    assert not is_logged_in(phone) and not is_logged_in(tablet)
    assert is_logged_in(logged_in(app))  # logging in again works


def test_changing_the_password_ends_the_other_sessions(app, rep):
    browser, other = logged_in(app), logged_in(app)
    thief = captured(other)
    response = browser.post("/me/password", {"current_password": PASSWORD, "new_password": "new-horse-battery",
                                               "confirm_password": "new-horse-battery"})
    assert response.status_code == 302
    assert is_logged_in(browser)
    assert not is_logged_in(other) and not is_logged_in(thief)


def test_an_administrator_resetting_a_password_or_deactivating_ends_sessions_and_tokens(app, admin, rep):
    user_id, token = rep
    browser = logged_in(app)
    assert admin.patch(f"/api/v1/users/{user_id}", json={"password": "reset-by-admin-7"}).status_code == 200
    assert not is_logged_in(browser)
    browser = Browser(app).login("rep@example.com", "reset-by-admin-7")
    api = ApiClient(app.test_client(), token)
    assert api.get("/api/v1/accounts").status_code == 200
    assert admin.delete(f"/api/v1/users/{user_id}").status_code in (200, 204)
    assert not is_logged_in(browser)
    assert api.get("/api/v1/accounts").status_code == 401
    # reactivating does not bring the old session back
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": True}).status_code == 200
    assert not is_logged_in(browser)


def test_a_junk_bearer_header_does_not_ride_on_the_session_cookie(app, rep):
    """Finding 9: a bearer request is authenticated by its token only, so no CSRF-free cookie writes."""
    browser = logged_in(app)
    junk = {"Authorization": "Bearer junk"}
    forged = browser.client.post("/api/v1/accounts", json={"name": "위조상사"}, headers=junk)
    assert forged.status_code == 401
    assert browser.client.get("/api/v1/accounts", headers=junk).status_code == 401
    page = browser.client.post("/me/language", data={"language": "en"}, headers=junk)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert browser.client.get("/api/v1/accounts").json["meta"]["total"] == 0
    # with a real token the cookie is ignored too: the token's user is who acts
    other_id, other_token = make_user(app, "other@example.com", role="sales")
    made = browser.client.post("/api/v1/accounts", json={"name": "정상상사"},
                               headers={"Authorization": f"Bearer {other_token}"})
    assert made.status_code == 201 and made.json["owner_id"] == other_id
    assert is_logged_in(browser)

"""Findings 6, 7 and 14: login throttling per account and per address, the trusted-proxy setting,
answer work independent of whether the email exists, and the password policy."""
from __future__ import annotations

import pytest

from core.testing import ApiClient, make_user
from tests.test_security_web import PASSWORD, browser, log_in, login_log


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory()


@pytest.fixture
def admin(app):
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


@pytest.fixture
def colleagues(app):
    for who in ("rep", "new"):
        make_user(app, f"{who}@example.com", role="sales", password=PASSWORD)


def test_made_up_emails_from_one_address_do_not_lock_out_the_office(app, colleagues, crm_clock):
    office = "203.0.113.10"
    assert log_in(browser(app, ip=office), "rep@example.com", PASSWORD).status_code == 302
    attacker = browser(app, ip=office)
    for n in range(50):
        assert log_in(attacker, f"made-up-{n}@example.com", "guess-123456").status_code == 401
    # the address is now held back for new pairs: the sprayer gets nowhere ...
    assert log_in(attacker, "made-up-x@example.com", "guess-123456").status_code == 429
    # ... but a colleague who has logged in from this address before still gets in
    assert log_in(browser(app, ip=office), "rep@example.com", PASSWORD).status_code == 302
    # and the office's other address is not affected at all
    assert log_in(browser(app, ip="203.0.113.11"), "new@example.com", PASSWORD).status_code == 302


def test_guesses_at_one_account_from_many_addresses_are_throttled_but_not_the_owner(app, admin, colleagues,
                                                                                    crm_clock):
    assert log_in(browser(app, ip="10.1.1.1"), "rep@example.com", PASSWORD).status_code == 302
    for n in range(20):  # four failures each from five addresses: under the per-pair limit everywhere
        assert log_in(browser(app, ip=f"198.51.100.{n // 4}"), "rep@example.com", "wrong-guess-1").status_code == 401
    refused = log_in(browser(app, ip="198.51.100.99"), "rep@example.com", PASSWORD)
    assert refused.status_code == 429
    assert log_in(browser(app, ip="10.1.1.1"), "rep@example.com", PASSWORD).status_code == 302
    crm_clock.advance(minutes=16)
    assert log_in(browser(app, ip="198.51.100.99"), "rep@example.com", PASSWORD).status_code == 302


def test_the_forwarded_address_counts_only_behind_a_configured_proxy(crm_app_factory):
    forwarded = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}
    for proxies, expected in ((1, "198.51.100.7"), (0, "127.0.0.1")):
        app = crm_app_factory(trusted_proxies=proxies)
        admin = ApiClient(app.test_client(), make_user(app, f"admin{proxies}@example.com", admin=True)[1])
        client = browser(app, ip="127.0.0.1")
        response = client.post("/login", data={"email": "x@example.com", "password": "x", "csrf_token": client.csrf},
                               headers=forwarded)
        assert response.status_code == 401  # with the proxy's https, the CSRF check's referrer test passes
        assert login_log(admin, email="x@example.com")[0]["ip"] == expected


def test_an_unknown_email_costs_a_password_hash_like_a_known_one(app, colleagues, monkeypatch):
    """Finding 7: the answer time must not tell which emails exist, so both paths hash once."""
    import werkzeug.security

    from core.security import login, models

    calls = []
    real = werkzeug.security.check_password_hash

    def counting(hashed, password):
        calls.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    monkeypatch.setattr(login, "check_password_hash", counting)
    assert log_in(browser(app), "rep@example.com", "wrong-password").status_code == 401
    assert log_in(browser(app), "nobody@example.com", "wrong-password").status_code == 401
    known, unknown = calls
    assert known.split("$")[0] == unknown.split("$")[0]  # the same method and cost


@pytest.mark.parametrize("password, message", [
    ("short-1", "최소 10자입니다."), ("password123", "가장 흔한 비밀번호"), ("1234567890", "가장 흔한 비밀번호"),
    ("QWERTY1234", "가장 흔한 비밀번호"), ("kim.minsu@example.co.kr", "이메일 주소를 비밀번호로"),
    (12345678901, "최소 10자입니다.")])
def test_weak_passwords_are_refused_with_a_translated_reason(app, admin, password, message):
    """Finding 14: length >= 10, not a common password, not the email; nothing is created."""
    body = {"email": "kim.minsu@example.co.kr", "name": "김민수", "password": password}
    refused = admin.post("/api/v1/users", json=body, headers={"Accept-Language": "ko"})
    assert refused.status_code == 422 and message in refused.json["error"]["fields"]["password"]
    assert admin.get("/api/v1/users?q=kim.minsu").json["data"] == []


def test_the_policy_speaks_every_language_and_applies_to_changes_and_the_form(app, admin, colleagues):
    from tests.browser.support import Browser

    body = {"email": "x@example.com", "name": "x", "password": "iloveyou12"}
    for lang, text in (("en", "one of the most common"), ("zh-Hans", "最常见")):
        refused = admin.post("/api/v1/users", json=body, headers={"Accept-Language": lang})
        assert text in refused.json["error"]["fields"]["password"]
    rep_id = admin.get("/api/v1/users?q=rep@").json["data"][0]["id"]
    assert admin.patch(f"/api/v1/users/{rep_id}", json={"password": "password1"}).status_code == 422
    assert admin.patch(f"/api/v1/users/{rep_id}", json={"password": "Haedong-2026-visit"}).status_code == 200
    browser = Browser(app).login("new@example.com", PASSWORD)
    weak = browser.post("/me/password", {"current_password": PASSWORD, "new_password": "qwertyuiop",
                                         "confirm_password": "qwertyuiop"}, headers={"Accept-Language": "en"})
    assert weak.status_code == 422 and "one of the most common" in weak.text
    Browser(app).login("new@example.com", PASSWORD)  # unchanged

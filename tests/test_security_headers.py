"""Finding 8: security headers on pages and API, and templates that a strict CSP can run unchanged."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from core.security.headers import EMPTY_STYLE
from core.testing import ApiClient, make_user
from tests.browser.support import logged_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted([*ROOT.glob("core/ui/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")])


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=["customers"])


def assert_secure(response):
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src-elem 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in policy, (response.request.path, directive)
    assert "unsafe-inline" not in policy.replace("style-src-attr 'unsafe-inline'", "")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_api_errors_and_static_files_carry_the_headers(app):
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    anonymous = app.test_client()
    for response in (anonymous.get("/login"), anonymous.get("/records/accounts"), anonymous.get("/api/v1/accounts"),
                     admin.get("/api/v1/accounts"), admin.get("/api/v1/no-such-thing"),
                     anonymous.get("/static/core/js/app.js"), admin.post("/api/v1/accounts", json={})):
        assert_secure(response)
    assert "Strict-Transport-Security" not in anonymous.get("/login").headers


def test_an_attachment_download_keeps_its_own_sandbox(app):
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    account = admin.post("/api/v1/accounts", json={"name": "해동통신"}).json
    url = f"/api/v1/accounts/{account['id']}/attachments"
    attached = admin.post(url, data={"file": (io.BytesIO(b"hello"), "memo.txt")}, content_type="multipart/form-data")
    download = admin.get(f"{url}/{attached.json['id']}")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["X-Frame-Options"] == "DENY"


def test_https_behind_a_trusted_proxy_gets_strict_transport_security(crm_app_factory):
    app = crm_app_factory(plugins=["customers"], trusted_proxies=1)
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_handlers_or_style_elements(template):
    """What the CSP would refuse: inline scripts, on...= handlers, javascript: links, <style> blocks."""
    text = template.read_text(encoding="utf-8")
    assert not INLINE_HANDLER.search(text)
    assert "javascript:" not in text.lower()
    assert "<style" not in text.lower()
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes


def test_the_template_scan_sees_every_plugin():
    plugins = {p.relative_to(ROOT).parts[1] for p in TEMPLATES if p.relative_to(ROOT).parts[0] == "plugins"}
    assert plugins >= {"customers", "opportunities", "workflows"}


def test_only_the_calendar_page_gets_the_exceptions_fullcalendar_needs(app):
    """The empty <style> (by its hash) and data: fonts are the calendar library's; every other page is strict."""
    make_user(app, "admin@example.com", admin=True)
    browser = logged_in(app, "admin@example.com")
    calendar = browser.get("/customers/calendar").headers["Content-Security-Policy"]
    assert f"style-src-elem 'self' {EMPTY_STYLE}" in calendar and "font-src 'self' data:" in calendar
    for url in ("/", "/records/accounts", "/customers/calendar-nothing", "/login"):
        policy = browser.get(url).headers["Content-Security-Policy"]
        assert "sha256-" not in policy and "font-src 'self';" in policy and "style-src-elem 'self';" in policy, url
    assert "sha256-" not in browser.get("/api/v1/accounts").headers["Content-Security-Policy"]

"""Finding 4: no open redirect through ``next`` (login) or ``back`` (language, list columns)."""
from __future__ import annotations

import pytest

from core.security.redirects import local_target
from core.testing import make_user
from tests.browser.support import CSRF_RE, Browser

FALLBACK = "/fallback"
OFF_SITE = [
    "//evil.example/phish", "/\t/evil.example/phish", "/%09/evil.example/phish", "/\n/evil.example",
    "/\r/evil.example", " //evil.example", "\t//evil.example", "/\\evil.example", "\\\\evil.example",
    "/%5Cevil.example", "/%2F/evil.example", "%2F%2Fevil.example", "https://evil.example/",
    "http:evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example",
    "/\u202e/evil.example", "/\u3000/evil.example", "/\x00/evil.example", "", None, 42,
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_anything_but_a_plain_local_path_falls_back(target):
    assert local_target(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", ["/", "/records/accounts?page=2&q=%ED%95%B4%EB%8F%99", "/records/accounts#top",
                                    "/search?q=a/b", "/records/accounts?next=//x"])
def test_local_paths_are_kept(target):
    assert local_target(target, FALLBACK) == target


@pytest.fixture
def browser(crm_app_factory):
    app = crm_app_factory(plugins=["customers"])
    make_user(app, "rep@example.com", role="sales")
    return Browser(app)


def location(response) -> str:
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_login_next_cannot_leave_the_site(browser):
    browser.token = CSRF_RE.search(browser.get("/login").text).group(1)
    form = {"email": "rep@example.com", "password": "password123"}
    assert location(browser.post("/login?next=/%09/evil.example/phish", form)) == "/"
    browser.post("/logout")
    browser.token = CSRF_RE.search(browser.get("/login").text).group(1)
    assert location(browser.post("/login?next=/records/accounts%3Fpage%3D2", form)) == "/records/accounts?page=2"


@pytest.mark.parametrize("back", ["/\t/evil.example/phish", "//evil.example", "/\\evil.example", "https://evil.example"])
def test_language_and_column_forms_cannot_send_the_browser_off_site(browser, back):
    browser.login("rep@example.com")
    assert location(browser.post("/me/language", {"language": "en", "back": back})) == "/"
    assert location(browser.post("/records/accounts/columns", {"columns": ["name"], "back": back})) \
        == "/records/accounts"
    assert location(browser.post("/me/language", {"language": "ko", "back": "/records/accounts"})) \
        == "/records/accounts"

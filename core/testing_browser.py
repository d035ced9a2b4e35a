"""Browser-test helpers for plugcrm and its plugins: a live server and one shared Chromium.

The ``chromium`` fixture is registered through :mod:`core.testing` (the ``plugcrm``
pytest plugin), so every test directory, a plugin's included, shares one
Playwright instance per session.  Without Chromium or Playwright the tests skip,
unless ``PLUGCRM_BROWSER_TESTS=1`` (set by CI) makes them fail instead.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

SCREENSHOTS = Path(os.environ.get("PLUGCRM_TEST_ARTIFACTS", "test-artifacts")).resolve() / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def browser_required() -> bool:
    return os.environ.get("PLUGCRM_BROWSER_TESTS") == "1"


def missing(reason: str):
    if browser_required():
        pytest.fail(f"browser tests are required (PLUGCRM_BROWSER_TESTS=1) but {reason}")
    pytest.skip(reason)


class LiveServer:
    """The app served by werkzeug on a free loopback port, in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole test session (Playwright's sync API allows one per thread)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        missing("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright  # optional (the test extra), only for browser tests
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Browsing:
    """Browser contexts for one test, each recording every request URL it makes."""

    def __init__(self, chromium, server: LiveServer):
        self.chromium = chromium
        self.server = server
        self.requests: list[str] = []
        self.contexts = []

    def new_page(self, locale: str = "en-US", width: int = 1280, height: int = 900, timezone_id: str | None = None):
        context = self.chromium.new_context(locale=locale, viewport={"width": width, "height": height},
                                            timezone_id=timezone_id)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        return page

    def foreign_requests(self) -> list[str]:
        origin = self.server.url + "/"
        return [u for u in self.requests if not (u.startswith(origin) or u.startswith(("data:", "blob:", "about:")))]

    def close(self):
        for context in self.contexts:
            context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, base_url: str, email: str, password: str = "password123") -> None:
    page.goto(base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav.sidebar")

"""Browser tests: a real server in a thread, real Chromium through Playwright.

The shared pieces (the session's ``chromium`` fixture, :class:`LiveServer`,
:class:`Browsing`, ``log_in``, ``screenshot``) live in :mod:`core.testing_browser`
so plugins' browser tests use the same browser.  Every test here records the
browser's requests; none may leave the app's origin.
"""
from __future__ import annotations

import pytest

from core.testing_browser import Browsing, LiveServer


@pytest.fixture
def live_app(crm_app_factory):
    """A deployment speaking English by default, with the customers plugin (accounts, contacts)."""
    return crm_app_factory(plugins=["customers"], language="en")


@pytest.fixture
def live_server(live_app):
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def browsing(chromium, live_server):
    session = Browsing(chromium, live_server)
    yield session
    session.close()
    assert session.requests, "the browser made no requests at all"
    assert session.foreign_requests() == [], "requests left the app's origin"

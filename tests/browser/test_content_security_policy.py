"""Finding 8: every main page runs under the strict Content-Security-Policy without a single violation.

The app has every built-in plugin and the demo data (so lists, the board, the reports' charts and
visit logs have content); each page is loaded in Chromium and any "Content Security Policy" message
in the console fails the test.  A deliberate inline script first proves that violations are seen.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.testing import make_user
from core.testing_browser import LiveServer, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_app(crm_app_factory):
    from core.db import session
    from core.demo import fill
    from core.security.models import User

    app = crm_app_factory(language="en")
    user_id, _token = make_user(app, "admin@example.com", admin=True, name="Admin Kim")
    with app.app_context():
        fill(session().get(User, user_id))
    return app


def main_pages(app) -> list[str]:
    """Every page without parameters, and for each entity its list, new, import, fields and first record."""
    from core.db import session
    from core.runtime import runtime
    from plugins.workflows.models import Workflow

    skip = {"ui.login", "ui.lookup"}
    urls = sorted(r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments
                  and not r.rule.startswith("/api/") and r.endpoint not in skip)
    with app.app_context():
        for entity in runtime().registry.entities.values():
            base = f"/records/{entity.name}"
            urls += [base, f"{base}/new", f"{base}/import", f"{base}/imports", f"/admin/fields/{entity.name}"]
            first = session().execute(sa.select(entity.table.c.id).order_by(entity.table.c.id).limit(1)).scalar()
            if first is not None:
                urls += [f"{base}/{first}", f"{base}/{first}/edit"]
                if entity.name == "visit_logs":
                    urls.append(f"/customers/visit-logs/{first}/print")
        workflow = session().scalar(sa.select(sa.func.min(Workflow.id)))
    if workflow:
        urls.append(f"/workflows/{workflow}")
    return urls + ["/admin/picklists/account_status", "/records/no-such-entity", "/search?q=%ED%95%B4%EB%8F%99"]


def test_main_pages_have_no_content_security_policy_violations(demo_app, chromium):
    with LiveServer(demo_app) as server:
        context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text else None)
        try:
            log_in(page, server.url, "admin@example.com")
            # the detector works: an inline script is refused and reported
            page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                          " document.body.appendChild(s); }")
            page.wait_for_timeout(0)
            assert violations and page.evaluate("() => window.x") is None
            violations.clear()
            pages = main_pages(demo_app)
            assert len(pages) > 30
            for url in pages:
                response = page.goto(server.url + url, wait_until="networkidle")
                policy = response.headers.get("content-security-policy", "")
                assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
                for tab in page.locator(".tabs [role=tab]").all():  # detail pages load notes and attachments
                    tab.click()
                page.wait_for_load_state("networkidle")
        finally:
            context.close()
    assert violations == []


WATCH_VIOLATIONS = """document.addEventListener("securitypolicyviolation", e =>
    (window.cspViolations = window.cspViolations || []).push(e.effectiveDirective + " " + e.blockedURI.slice(0, 20)));"""


def test_calendar_board_and_reports_run_strict_and_the_calendar_needs_exactly_its_exceptions(crm_app_factory,
                                                                                               chromium, monkeypatch):
    """The pages with vendored libraries (FullCalendar, Chart.js) log no violation, seen both in the console
    and as ``securitypolicyviolation`` events; without its page exception the calendar's injected <style> and
    data: icon font are refused, which is why the calendar page (and only it) has them."""
    from core import clock
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security import headers
    from core.security.models import User

    app = crm_app_factory(plugins=["customers", "products", "opportunities"], language="ko")
    user_id, _token = make_user(app, "admin@example.com", admin=True, name="김관리")
    with app.app_context():
        admin = session().get(User, user_id)
        registry = runtime().registry
        firm = records.create(registry.get("accounts"), {"name": "해동통신"}, admin)
        records.create(registry.get("activities"), {"subject": "해동통신 미팅", "type": "meeting",
                                                   "start_at": clock.now().isoformat()}, admin)
        records.create(registry.get("opportunities"), {"title": "그룹웨어", "account_id": firm["id"],
                                                       "amount": "1000000", "revenue_month": "2026-12-01"}, admin)
        session().commit()
    with LiveServer(app) as server:
        context = chromium.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)

        def violations(url: str, ready: str) -> list[str]:
            page.goto(server.url + url, wait_until="networkidle")
            page.wait_for_selector(ready)
            page.wait_for_load_state("networkidle")
            return page.evaluate("() => window.cspViolations || []")

        try:
            log_in(page, server.url, "admin@example.com")
            assert violations("/customers/calendar", ".fc-event") == []
            assert violations("/opportunities/board", ".deal-card") == []
            assert violations("/opportunities/reports", "#funnel-chart") == []
            assert violations("/", "main") == []
            assert console == []
            monkeypatch.setitem(headers.PAGE_EXCEPTIONS, "fullcalendar", {})
            refused = violations("/customers/calendar", ".fc-event")
            assert refused and all(v.startswith("style-src-elem") for v in refused), refused  # its CSS
            monkeypatch.setitem(headers.PAGE_EXCEPTIONS, "fullcalendar", {"style-src-elem": [headers.EMPTY_STYLE]})
            refused = violations("/customers/calendar", ".fc-event")
            assert refused and all(v.startswith("font-src data") for v in refused), refused  # then its icon font
            assert console
        finally:
            context.close()

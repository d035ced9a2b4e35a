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

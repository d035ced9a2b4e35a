"""Helpers for the UI tests: an app with the ``uitest`` plugin, a browser-like logged-in test client."""
from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

PLUGINS_DIR = Path(__file__).parent / "plugins"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def ui_app(crm_app_factory, plugins=("uitest",), **settings):
    return crm_app_factory(plugins=list(plugins), plugins_dir=str(PLUGINS_DIR), **settings)


class Browser:
    """A Flask test client that logs in through the form and posts forms with their CSRF token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.token = None

    def login(self, email: str, password: str = "password123"):
        page = self.client.get("/login")
        self.token = CSRF_RE.search(page.text).group(1)
        response = self.client.post("/login", data={"email": email, "password": password, "csrf_token": self.token})
        assert response.status_code == 302, response.text
        self.token = CSRF_RE.search(self.client.get("/").text).group(1)
        return self

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {}) if not hasattr(data, "getlist") else data
        if csrf:
            if hasattr(data, "add"):
                data.add("csrf_token", self.token)
            else:
                data["csrf_token"] = self.token
        return self.client.post(url, data=data, **kw)


def logged_in(app, email: str) -> Browser:
    return Browser(app).login(email)


def create(app, entity_name: str, values: dict, owner_email: str | None = None) -> dict:
    """A record written through the records service (as ``owner_email``, else the first admin)."""
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.app_context():
        stmt = sa.select(User).where(User.email == owner_email) if owner_email else \
            sa.select(User).where(User.is_admin).order_by(User.id)
        user = session().scalars(stmt).first()
        record = records.create(runtime().registry.get(entity_name), values, user)
        session().commit()
        return record


def visible_text(html: str) -> str:
    """What a person reads on the page: text, plus placeholders, titles and labels of controls."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    # plugin-supplied data marked translate="no" (e.g. a third-party manifest's description)
    html = re.sub(r'(?is)<(\w+)\b[^>]*\btranslate="no"[^>]*>.*?</\1>', " ", html)
    attrs = " ".join(m.group(2) for m in re.finditer(r'(?i)\b(placeholder|title|aria-label|alt)="([^"]*)"', html))
    buttons = " ".join(re.findall(r'(?i)<input[^>]+type="(?:submit|button)"[^>]*value="([^"]*)"', html))
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    import html as html_lib
    return html_lib.unescape(f"{text} {attrs} {buttons}")

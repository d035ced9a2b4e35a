"""No English and no internal identifiers on any page of any plugin, for a Korean and a Chinese user.

Every GET page route of every plugin in this repository is opened with the demo data, as an
administrator (who may open every page) speaking Korean, then Chinese.  The visible text (text,
placeholders, titles, labels; see :func:`tests.browser.support.visible_text`) may not contain:

* a Latin word outside :data:`ALLOWED` (brand names, units, file formats, codes),
* an internal identifier: a ``snake_case`` or ``dotted.code`` name, or ``/api/v1``.

E-mail addresses, web addresses and tokens with digits (record numbers, customer codes) are data.
Elements marked ``translate="no"`` hold technical names an administrator needs (a field's API name).
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.testing import make_user
from tests.browser.support import logged_in, visible_text

PLUGINS = ["customers", "products", "opportunities", "quotes", "leads", "sms", "webforms", "workflows",
           "deal_alerts"]
# Brand and product names of the demo data, units, file types, a language's own name; all-capital words
# (codes, acronyms, configuration names such as PLUGCRM_PLUGINS) are allowed by ACRONYM.
ALLOWED = {"plugcrm", "Excel", "vCard", "xlsx", "csv", "txt", "vcf", "Bearer", "Chromium", "English", "ea", "kg",
           "px", "JavaScript", "Aruba", "Catalyst", "Cloud", "Endpoint", "PowerEdge", "outbox", "e", "x", "ㄱ"}
ACRONYM = re.compile(r"[A-Z][A-Z0-9]*")
SKIP_ENDPOINTS = {"ui.lookup", "ui.login", "webforms_public.fresh_token",
                  "ui.import_mapping"}  # JSON, static files, or a step that needs an upload first
DATA = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|\S*\d\S*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b")


def problems(text: str) -> list[str]:
    found = ["/api/v1"] if "/api/v1" in text else []
    text = DATA.sub(" ", text)
    found += [m.group(0) for m in IDENTIFIER.finditer(text)]
    found += [w for w in WORD.findall(IDENTIFIER.sub(" ", text)) if w not in ALLOWED and not ACRONYM.fullmatch(w)]
    return sorted(set(found))


@pytest.fixture
def demo_app(crm_app_factory):
    from core.db import session
    from core.demo import fill
    from core.security.models import User

    app = crm_app_factory(plugins=PLUGINS, language="ko")
    admin_id, _ = make_user(app, "admin@example.com", admin=True, name="관리자")
    make_user(app, "admin-zh@example.com", admin=True, name="管理员")
    with app.app_context():
        fill(session().get(User, admin_id))
    return app


def first_id(table_name: str):
    from core.db import metadata, session

    table = metadata.tables[table_name]
    return session().scalar(sa.select(sa.func.min(table.c.id)))


def page_urls(app) -> list[str]:
    """One URL per GET page route and entity, with ids of demo records."""
    from flask import url_for
    from core.db import session
    from core.runtime import runtime

    urls = []
    with app.test_request_context():
        registry = runtime().registry
        ids = {"record_id": None, "account_id": first_id("customers_accounts"),
               "visit_id": first_id("customers_visit_logs"), "quote_id": first_id("quotes_quotes"),
               "lead_id": session().scalar(sa.select(sa.func.min(registry.get("leads").table.c.id))
                                           .where(registry.get("leads").table.c.status != "converted")),
               "form_id": first_id("webforms_forms"), "workflow_id": first_id("workflows_workflows"),
               "import_id": None, "name": "opportunity_stage", "token": "no-such-token"}
        from core.db import metadata
        forms = metadata.tables["webforms_forms"]
        ids["key"] = session().scalar(sa.select(forms.c.public_key).order_by(forms.c.id).limit(1))
        for rule in app.url_map.iter_rules():
            if ("GET" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint.endswith("static")
                    or rule.endpoint in SKIP_ENDPOINTS):
                continue
            if "entity_name" in rule.arguments:
                for entity in registry.entities.values():
                    values = {"entity_name": entity.name}
                    if "record_id" in rule.arguments:
                        values["record_id"] = first_id(entity.table_name)
                        if values["record_id"] is None:
                            continue
                    urls.append(url_for(rule.endpoint, **values))
                continue
            values = {a: ids.get(a) for a in rule.arguments}
            missing = [a for a, v in values.items() if v is None]
            assert not missing or rule.endpoint == "ui.import_result", f"no demo value for {rule.rule}: {missing}"
            if not missing:
                urls.append(url_for(rule.endpoint, **values))
    return sorted(set(urls)) + ["/search?q=%ED%95%B4%EB%8F%99", "/records/opportunities?sort=-amount&stage__in=won"]


def test_problems_finds_english_and_identifiers():
    assert problems("고객사 Account 목록 stage_changed_at /api/v1/x core.import") == [
        "/api/v1", "Account", "core.import", "stage_changed_at"]
    assert problems("견적서 PDF · ACC-2026-00001 · kim@example.co.kr · plugcrm") == []


def test_no_english_and_no_identifiers_on_any_page(demo_app):
    urls = page_urls(demo_app)
    assert len(urls) > 80
    failures = {}
    for email, language in (("admin@example.com", "ko"), ("admin-zh@example.com", "zh_Hans")):
        browser = logged_in(demo_app, email)
        assert browser.post("/me/language", {"language": language}).status_code == 302
        for url in urls:
            response = browser.get(url)
            assert response.status_code in (200, 302, 404), (url, response.status_code)
            if response.status_code == 302 or response.mimetype != "text/html":
                continue
            found = problems(visible_text(response.text))
            if found:
                failures[f"{language} {url}"] = found
    assert failures == {}, "\n".join(f"{url}: {words}" for url, words in failures.items())

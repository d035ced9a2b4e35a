"""Every core string is translated, and no page shows an English leftover in Korean or Chinese."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from core.testing import make_user
from core.translations import HERE as CATALOGUES
from core.translations.check import untranslated
from tests.browser.support import create, logged_in, ui_app, visible_text


def test_every_core_msgid_has_a_translation_in_every_language():
    assert untranslated() == {"ko": [], "zh_Hans": [], "en": []}


def english_leftovers(lang: str) -> list[tuple[re.Pattern, str]]:
    """Catalogue msgids (without placeholders) whose translation differs, as whole-word patterns."""
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    patterns = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id or "{" in message.id:
            continue
        if message.string == message.id or not re.search(r"[A-Za-z]{2}", message.id):
            continue
        patterns.append((re.compile(r"(?<![\w-])" + re.escape(message.id) + r"(?![\w-])"), message.id))
    return patterns


def page_urls(app, gadget_id: int, child_id: int) -> list[str]:
    """Every GET page of the UI blueprint, with real ids substituted."""
    values = {"entity_name": "gadgets", "record_id": gadget_id, "name": "gadget_status", "job_id": 1, "import_id": 1}
    urls = []
    with app.test_request_context():
        from flask import url_for
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("ui.") or "GET" not in rule.methods or rule.endpoint == "ui.static":
                continue
            urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    extras = ["/search?q=ㄱㅈ", "/search?q=gadget", "/records/gadgets?status__in=new&qty__gte=1&sort=-price",
              f"/records/gadgets/{child_id}", "/records/gadgets/999999", "/admin/fields/gadgets"]
    return sorted(set(urls + extras) - {"/records/gadgets/lookup", "/logout"})


@pytest.mark.parametrize("lang", ["ko", "zh_Hans"])
def test_pages_have_no_untranslated_strings(crm_app_factory, lang):
    app = ui_app(crm_app_factory)
    make_user(app, "admin@example.com", admin=True, name="관리자")
    parent = create(app, "gadgets", {"name": "가젯 하나", "qty": 3, "price": "12000", "tags": ["red"]})
    child = create(app, "gadgets", {"name": "가젯 둘", "parent_id": parent["id"]})
    browser = logged_in(app, "admin@example.com")
    assert browser.post("/me/language", {"language": lang}).status_code == 302
    browser.post(f"/records/gadgets/{parent['id']}/edit",
                 {"_fields": "name", "name": "가젯 하나!", "version": parent["version"]})
    patterns = english_leftovers(lang)
    assert len(patterns) > 200
    checked = 0
    for url in page_urls(app, parent["id"], child["id"]) + ["/login"]:
        if url == "/login":
            browser.client.get("/logout")
        response = browser.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        text = visible_text(response.text)
        leftovers = [msgid for pattern, msgid in patterns if pattern.search(text)]
        assert leftovers == [], f"{url} shows untranslated {leftovers}"
        checked += 1
    assert checked > 20

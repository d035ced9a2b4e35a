"""The stage editor: per opportunity type, audited, applied to the next stage moves; the action catalogue."""
from __future__ import annotations

import json

import pytest

from core.testing import make_user
from plugins.opportunities.tests.conftest import ALL_ACTIONS, Pipeline, ok
from tests.browser.support import Browser


@pytest.fixture
def admin_page(app, admin):
    return Browser(app).login("admin@example.com")  # the administrator of the ``admin`` API client


def stage_form(page_html: str) -> list[tuple[str, str]]:
    """The stage form as the browser would post it (every input's current value)."""
    import re

    form = page_html[page_html.index('id="stage-form"'):page_html.index("</form>", page_html.index('id="stage-form"'))]
    fields = []
    for tag in re.findall(r"<select[^>]*>.*?</select>|<input[^>]*>", form, re.S):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        if tag.startswith("<select"):
            selected = re.search(r'<option value="([^"]*)" selected', tag)
            fields.append((name.group(1), selected.group(1) if selected else ""))
        elif 'type="checkbox"' in tag:
            if " checked" in tag:
                fields.append((name.group(1), re.search(r'value="([^"]*)"', tag).group(1)))
        else:
            value = re.search(r'value="([^"]*)"', tag)
            fields.append((name.group(1), value.group(1) if value else ""))
    return fields


def post(browser, url, fields):
    from werkzeug.datastructures import MultiDict

    return browser.post(url, MultiDict(fields))


def test_stage_changes_apply_to_the_next_moves_and_are_audited(app, admin, admin_page):
    pipeline = Pipeline(admin)
    earlier = pipeline.deal(stage="proposal", completed_actions=ALL_ACTIONS)
    page = admin_page.get("/opportunities/stages/?type=new&lang=ko").get_data(as_text=True)
    assert "제안" in page and "요구사항 확인" in page
    fields = stage_form(page)
    changed = [(k, "65" if k == "probability_proposal" else v) for k, v in fields]
    changed += [("required_needs_analysis", "demo"), ("label_en_negotiation", "Negotiating")]
    changed = [(k, v) for k, v in changed if k != "label_en_negotiation" or v == "Negotiating"]
    response = post(admin_page, "/opportunities/stages/?type=new", changed)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert pipeline.get(earlier["id"])["probability"] == "50.00"  # already there: unchanged
    fresh = pipeline.deal(stage="needs_analysis", completed_actions=["first_meeting", "needs_confirmed"])
    refused = admin.patch(f"/api/v1/opportunities/{fresh['id']}", json={"stage": "proposal"})
    assert refused.status_code == 422  # demo is now required before leaving needs analysis
    moved = ok(admin.patch(f"/api/v1/opportunities/{fresh['id']}",
                           json={"stage": "proposal", "completed_actions": ["first_meeting", "needs_confirmed", "demo"]}))
    assert moved["probability"] == "65.00"
    entries = ok(admin.get("/api/v1/audit?per_page=50"))["data"]
    stages = [e for e in entries if e["entity"] == "settings.opportunity_stages"]
    assert stages and "proposal" in json.dumps(stages[0]["changes"], ensure_ascii=False)


def test_a_stage_can_leave_one_type_and_bad_values_are_refused(app, admin, admin_page):
    fields = stage_form(admin_page.get("/opportunities/stages/?type=renewal").get_data(as_text=True))
    without = [(k, v) for k, v in fields if k != "used_qualification"]
    assert post(admin_page, "/opportunities/stages/?type=renewal", without).status_code == 302
    renewal = admin_page.get("/opportunities/stages/?type=renewal").get_data(as_text=True)
    new_type = admin_page.get("/opportunities/stages/?type=new").get_data(as_text=True)
    assert 'name="used_qualification" value="1" ' in new_type.replace("checked", "") and \
        'name="used_qualification" value="1" checked' in new_type
    assert 'name="used_qualification" value="1" checked' not in renewal
    bad = [(k, "150" if k == "probability_won" else ("sideways" if k == "kind_lost" else v)) for k, v in fields]
    response = post(admin_page, "/opportunities/stages/?type=new&lang=ko", bad)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "0에서 100 사이의 가능성을 입력하세요" in text and 'data-error="kind_lost"' in text
    assert "150" not in admin_page.get("/opportunities/stages/?type=new").get_data(as_text=True)


def test_the_action_catalogue_is_editable_and_the_pages_are_for_administrators(app, admin, admin_page):
    response = admin_page.post("/opportunities/stages/actions?type=new",
                               {"action": "first_meeting", "action_ko_first_meeting": "첫 방문",
                                "action_active_first_meeting": "1", "new_action": "contract_review",
                                "new_action_label": "계약 검토"})
    assert response.status_code == 302
    page = admin_page.get("/opportunities/stages/?lang=ko").get_data(as_text=True)
    assert "첫 방문" in page and "계약 검토" in page
    assert admin_page.post("/opportunities/stages/actions", {"new_action": "x"}, csrf=False).status_code == 400
    make_user(app, "rep@example.com", role="sales")
    rep = Browser(app).login("rep@example.com")
    assert rep.get("/opportunities/stages/").status_code == 403
    assert rep.post("/opportunities/stages/", {"stage": "won", "probability_won": "1"}).status_code == 403
    assert rep.post("/opportunities/stages/actions", {"new_action": "hack"}).status_code == 403

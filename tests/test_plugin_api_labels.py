"""The label helpers plugins share (core.plugin_api): default picklist values in three languages, and a
picklist value's label in code and in templates."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from core.plugin_api import (PicklistValue, language_labels, picklist_label, picklist_labels, picklist_value,
                             picklist_values)


def test_picklist_value_holds_the_three_labels_colour_and_extra():
    stage = picklist_value("won", "수주", "赢单", "Won", "#43a047", extra={"probability": 100})
    assert stage == PicklistValue("won", {"ko": "수주", "zh_Hans": "赢单", "en": "Won"}, colour="#43a047",
                                  extra={"probability": 100})
    assert language_labels("개", "个", "each") == {"ko": "개", "zh_Hans": "个", "en": "each"}
    assert picklist_values(("ea", "개", "个", "each"), colours={"ea": "#fff"}) == [
        picklist_value("ea", "개", "个", "each", "#fff")]
    assert picklist_value("x", "가", "甲", "A").extra == {}


def test_picklist_label_in_code_and_templates(crm_app_factory):
    app = crm_app_factory(plugins=["customers", "products", "opportunities", "quotes"])
    with app.test_request_context():
        for lang, draft in (("ko", "작성중"), ("zh_Hans", "草稿"), ("en", "Draft")):
            with force_locale(lang):
                assert picklist_label("quote_status", "draft") == draft
                assert picklist_labels("quote_status")["draft"] == draft
                shown = render_template_string('{{ picklist_label("quote_status", "draft") }}|'
                                               '{{ picklist_label("quote_status", none) or "" }}')
                assert shown == f"{draft}|"
        assert picklist_label("quote_status", "no_such_value") == "no_such_value"

"""Every route of the default plugins, called by people who must not get the data.

The check itself is shipped for plugin authors (:mod:`core.testing_route_leaks`, whose docstring
says what each dimension asserts); here it runs on every route, one dimension per test.
"""
from __future__ import annotations

import pytest

from core.testing_route_leaks import (MARK, PUBLIC_MARK, Seeded, anonymous_problems, assert_nothing_changed,
                                      hidden_field_problems, owner_hidden_fields, page_problems,
                                      rightless_problems, session_client, shown_hidden)


@pytest.fixture
def seeded(crm_app_factory):
    data = Seeded(crm_app_factory())
    data.seed()
    assert {"accounts", "contacts"} <= set(data.ids), data.ids
    # an administrator's workflow: its definition must reach nobody else (designer pages, workflow API)
    workflow = data.admin.post("/api/v1/workflows/", json={
        "name": f"{MARK} workflow", "entity": "accounts", "trigger": {"type": "save"},
        "conditions": {"all": [{"field": "name", "op": "contains", "value": MARK}]}, "tasks": []})
    assert workflow.status_code == 201, workflow.json
    data.ids_extra = {"workflow_id": workflow.json["id"]}
    return data


def test_anonymous_callers_get_401_everywhere(seeded):
    problems = anonymous_problems(seeded)
    assert problems == [], "\n".join(map(str, problems))
    assert_nothing_changed(seeded)


@pytest.mark.parametrize("who", ["no_role", "peer"])
def test_users_without_rights_or_ownership_get_no_data(seeded, who):
    problems, calls = rightless_problems(seeded, who)
    assert problems == [], "\n".join(map(str, problems))
    assert calls > 50
    assert_nothing_changed(seeded)


def test_pages_need_a_login_and_show_colleagues_nothing_private(seeded):
    problems, pages = page_problems(seeded)
    assert problems == [], "\n".join(map(str, problems))
    assert pages > 10


def test_hidden_fields_reach_no_response_of_their_records_owner(seeded):
    """As the owner (who sees the records but not e.g. their cost): no hidden value anywhere."""
    from plugins.opportunities.api import REPORTS

    reports = [f"/api/v1/opportunities/reports/{name}?from=2000-01&to=2099-12&days=0" for name in REPORTS]
    problems, calls = hidden_field_problems(seeded, reports)
    client = session_client(seeded.app, "owner@example.com")
    for url in (f"/search?q={MARK}", f"/search?q={PUBLIC_MARK}"):
        if shown_hidden(client.get(url)):
            problems.append(("page", url, "hidden value"))
    assert problems == [], "\n".join(map(str, problems))
    hidden = owner_hidden_fields(seeded)
    assert calls > 100 and any(hidden.values())
    with seeded.app.app_context():  # free-text search over a hidden field would be an oracle
        from core.runtime import runtime

        for entity in runtime().registry.entities.values():
            searchable = {f.name for f in runtime().registry.fields(entity) if f.search}
            assert not searchable & hidden[entity.name], (entity.name, searchable & hidden[entity.name])

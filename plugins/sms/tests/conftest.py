"""Fixtures: an app with customers, workflows and sms; a team; a fake gateway; a registered sender."""
from __future__ import annotations

import pytest

from core.testing import Team
from plugins.sms.testing import FakeGateway

PLUGINS = ["customers", "workflows", "sms"]


@pytest.fixture
def sms_app(crm_app_factory, crm_clock):
    return crm_app_factory(plugins=PLUGINS)


@pytest.fixture
def team(sms_app):
    return Team(app=sms_app)


@pytest.fixture
def gateway():
    fake = FakeGateway("nhn").start()
    yield fake
    fake.stop()


def use_gateway(admin, fake, **extra):
    """Point the deployment at ``fake`` (timeouts short so a hanging gateway is noticed fast)."""
    response = admin.put("/api/v1/sms/settings", json={
        "provider": fake.protocol, "provider_settings": fake.settings(), "timeout": 0.5,
        "company_name": "해동통신", "company_contact": "02-555-0100", "optout_number": "080-500-0000", **extra})
    assert response.status_code == 200, response.json
    return response


@pytest.fixture
def sender(team, gateway):
    use_gateway(team["admin"], gateway)
    response = team["admin"].post("/api/v1/sms/senders", json={"number": "02-555-0100", "label": "대표번호"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def contact(api, name, mobile, **values):
    response = api.post("/api/v1/contacts", json={"name": name, "mobile": mobile, **values})
    assert response.status_code == 201, response.json
    return response.json["id"]

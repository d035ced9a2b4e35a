"""Fixtures: an app with customers, products, opportunities and leads; API clients per role."""
from __future__ import annotations

import pytest

from core.testing import Team

PLUGINS = ["customers", "products", "opportunities", "leads"]


@pytest.fixture
def app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS)


@pytest.fixture
def team(app):
    return Team(app=app)


def ok(response, status=200):
    assert response.status_code == status, response.get_json() or response.get_data(as_text=True)[:500]
    return response.get_json()

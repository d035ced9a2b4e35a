"""The customers tests run with the customers plugin alone, as a plugin author's tests would."""
from __future__ import annotations

import pytest


@pytest.fixture
def crm_app(crm_app_factory):
    return crm_app_factory(plugins=["customers"])

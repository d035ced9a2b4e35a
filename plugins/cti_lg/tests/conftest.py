"""Fixtures: an app with customers and cti_lg, a fake Centrex on loopback, a line set up against it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import rate_limits
from core.db import session
from core.security.models import User
from core.testing import Team
from core.testing_browser import LiveServer
from plugins.cti_lg.fake_centrex import NUMBER, PASSWORD, FakeCentrex

PLUGINS = ["customers", "cti_lg"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    rate_limits.reset()
    yield
    rate_limits.reset()


@pytest.fixture
def cti_app(crm_app_factory):
    return crm_app_factory(plugins=PLUGINS)


@pytest.fixture
def team(cti_app):
    return Team(app=cti_app)


@pytest.fixture
def fake():
    server = FakeCentrex().start()
    yield server
    server.stop()


@pytest.fixture
def served(cti_app):
    with LiveServer(cti_app) as server:
        yield server


def add_line(admin, fake, **extra) -> int:
    response = admin.post("/api/v1/cti_lg/lines", json={"number": NUMBER, "password": PASSWORD,
                                                        "base_url": fake.url, "label": "본사", **extra})
    assert response.status_code == 201, response.json
    return response.json["id"]


def map_extension(admin, line_id: int, inner_num: str, user_id: int | None):
    response = admin.put(f"/api/v1/cti_lg/lines/{line_id}/extensions/{inner_num}", json={"user_id": user_id})
    assert response.status_code == 200, response.json
    return response


def user_id(team, who: str) -> int:
    team[who]  # made on first use
    with team["app"].app_context():
        found = session().scalar(sa.select(User.id).where(User.email == f"{who}@example.com"))
        session().rollback()
    return found


def count(app, model) -> int:
    with app.app_context():
        n = session().scalar(sa.select(sa.func.count()).select_from(model))
        session().rollback()
    return n


@pytest.fixture
def line(team, fake, served):
    """A line on the fake, extension 101 → the rep and 102 → the peer, callback registered to the live app."""
    admin = team["admin"]
    line_id = add_line(admin, fake)
    map_extension(admin, line_id, "101", user_id(team, "rep"))
    map_extension(admin, line_id, "102", user_id(team, "peer"))
    port = served.url.rsplit(":", 1)[1]
    response = admin.post(f"/api/v1/cti_lg/lines/{line_id}/callback", json={"host": "127.0.0.1", "port": int(port)})
    assert response.status_code == 200, response.json
    return {"id": line_id, "callback": response.json["url"]}

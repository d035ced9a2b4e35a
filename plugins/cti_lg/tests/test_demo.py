"""The demo's fake Centrex: one call sets up the line, and "Ring me" on the settings page pops up a customer."""
from __future__ import annotations

from core.db import session
from core.demo import fill
from core.testing import ApiClient, make_user
from core.testing_browser import LiveServer
from plugins.cti_lg import demo
from plugins.cti_lg.fake_centrex import FakeCentrex
from plugins.cti_lg.tests.conftest import PLUGINS
from plugins.cti_lg.tests.test_receipts import session_client


def test_the_fake_centrex_is_connected_and_rings_the_admin(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    admin_id, token = make_user(app, "admin@example.com", admin=True, name="관리자")
    admin = ApiClient(app.test_client(), token)
    admin.post("/api/v1/accounts", json={"name": "(주)해동통신", "phone": "02-808-8016"})
    fake = FakeCentrex().start()
    try:
        with LiveServer(app) as server:
            with app.app_context():
                result = demo.connect_fake(fake, "localhost", int(server.url.rsplit(":", 1)[1]), None)
                session().commit()
            assert result["user"] == "admin@example.com"
            [line] = admin.get("/api/v1/cti_lg/lines").json
            assert line["demo"] and line["callback_registered"] and line["extensions"][0]["user_id"] == admin_id
            response = admin.post(f"/api/v1/cti_lg/lines/{line['id']}/ring")
            assert response.status_code == 200, response.json
            items = admin.get("/api/v1/cti_lg/events?after=0").json["items"]
            assert [m["name"] for m in items[0]["matches"]] == ["(주)해동통신"]
            page = session_client(app, "admin@example.com").get("/cti_lg/settings").get_data(as_text=True)
            assert "Ring me" in page or "내 전화 울리기" in page
    finally:
        fake.stop()


def test_demo_data_has_receipts(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "admin@example.com", admin=True)
    with app.app_context():
        from core.security.models import User
        import sqlalchemy as sa

        fill(session().scalar(sa.select(User).where(User.email == "admin@example.com")))
        count = session().scalar(sa.text("SELECT count(*) FROM cti_lg_service_receipts"))
        session().rollback()
    assert count == len(demo.RECEIPTS)

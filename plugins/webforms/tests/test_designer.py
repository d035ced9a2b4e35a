"""The designer (administrators only): bad designs are refused naming the field; pages render; embed code."""
from __future__ import annotations

from core.testing import ApiClient
from plugins.webforms.tests.conftest import INQUIRY_FIELDS


def test_bad_designs_are_refused(admin, handler):
    bad = admin.post("/api/v1/webforms", json={
        "name": "문의", "handler_id": 999, "source": "nowhere", "redirect_url": "javascript:alert(1)", "allowed_origins": ["evil"],
        "fields": [{"field_name": "nope", "kind": "text"}, {"field_name": "marketing_consent", "kind": "textarea"}]})
    assert bad.status_code == 422
    assert {"source", "handler_id", "redirect_url", "allowed_origins", "fields.0", "fields.1"} <= set(
        bad.json["error"]["fields"])
    assert admin.get("/api/v1/webforms").json["data"] == []


def test_embed_code_and_pages(app, admin, inquiry_form, handler):
    embed = admin.get(f"/api/v1/webforms/{inquiry_form['id']}/embed").json
    assert 'name="_token"' in embed["html"] and "<script" not in embed["html"]
    assert "/static/plugins/webforms/embed.js" in embed["script"] and inquiry_form["public_key"] in embed["hosted_url"]
    from tests.test_route_leaks import session_client
    from core.testing import make_user

    make_user(app, "boss@example.com", admin=True)
    client = session_client(app, "boss@example.com")
    for url in ("/webforms/", f"/webforms/{inquiry_form['id']}", f"/webforms/{inquiry_form['id']}/embed",
                f"/webforms/{inquiry_form['id']}/stats", "/webforms/new"):
        assert client.get(url).status_code == 200, url
    rep = session_client(app, "handler@example.com")
    assert rep.get("/webforms/").status_code == 403
    assert ApiClient(app.test_client(), handler[1]).get("/api/v1/webforms").status_code == 403
    assert len(INQUIRY_FIELDS) == len(admin.get(f"/api/v1/webforms/{inquiry_form['id']}").json["fields"])


def test_unknown_form_ids_are_404_and_huge_ones_400(admin):
    """Past the core's id bound (core.bounds.MAX_INT) every route answers 400 naming the id."""
    for form_id, status in ((12345, 404), (2**31, 400), (10**20, 400)):
        assert admin.get(f"/api/v1/webforms/{form_id}").status_code == status
        assert admin.get(f"/api/v1/webforms/{form_id}/stats").status_code == status


def test_visitors_load_the_form_assets_without_logging_in(app):
    """The page's style and the embed script come from the plugin static convention path (no view of
    its own): public, and nothing but the static folder's files."""
    anonymous = app.test_client()
    css = anonymous.get("/static/plugins/webforms/public.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    script = anonymous.get("/static/plugins/webforms/embed.js")
    assert script.status_code == 200 and b"fetch(" in script.data
    assert anonymous.get("/static/plugins/webforms/..%2Fpublic.py").status_code == 404
    assert anonymous.get("/static/plugins/webforms/../public.py").status_code == 404
    assert anonymous.get("/static/plugins/webforms/public.py").status_code == 404
    assert anonymous.get("/webforms/assets/public.css").status_code == 404  # the old view is gone

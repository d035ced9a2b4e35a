"""The per-record run log follows the record's permissions and hides fields the user may not see."""
from __future__ import annotations

import textwrap

from core.testing import ApiClient, make_user
from plugins.workflows.tests.conftest import PLUGINS, workflow

HIDING_PLUGIN = textwrap.dedent('''
    from core.plugins import Manifest
    from hooks import hookimpl

    manifest = Manifest(name="hiderep", version="1.0", label="Hide representative")


    @hookimpl
    def crm_hidden_fields(entity, user):
        return {"representative"} if entity.name == "accounts" else None
''')


def test_run_log_masks_hidden_fields_and_needs_the_record(crm_app_factory, tmp_path):
    folder = tmp_path / "local" / "hiderep"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(HIDING_PLUGIN, encoding="utf-8")
    app = crm_app_factory(plugins=PLUGINS + ["hiderep"], plugins_dir=str(folder.parent))
    admin = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    rep_id, rep_token = make_user(app, "rep@example.com", role="sales")
    rep = ApiClient(app.test_client(), rep_token)
    other = ApiClient(app.test_client(), make_user(app, "other@example.com", role="sales")[1])
    workflow(admin, conditions={"all": [{"field": "representative", "op": "is", "value": "김비밀"},
                                        {"field": "name", "op": "contains", "value": "해동"}]},
             tasks=[{"type": "update_fields", "fields": [{"field": "description", "value": "확인"}]}])
    created = admin.post("/api/v1/accounts", json={"name": "해동통신", "representative": "김비밀",
                                                   "owner_id": rep_id}).get_json()
    url = f"/api/v1/workflows/runs?entity=accounts&record_id={created['id']}"
    [seen_by_admin] = admin.get(url).get_json()["data"]
    assert seen_by_admin["conditions"]["all"][0]["actual"] == "김비밀"
    [seen_by_rep] = rep.get(url).get_json()["data"]
    assert seen_by_rep["conditions"]["all"][0] == {"field": "representative", "op": "is", "value": "***",
                                                   "actual": "***", "held": True}
    assert seen_by_rep["conditions"]["all"][1]["actual"] == "해동통신"
    assert "김비밀" not in rep.get(url).get_data(as_text=True)
    assert other.get(url).status_code == 404
    assert admin.get("/api/v1/workflows/runs?entity=ships&record_id=1").status_code == 400
    assert admin.get("/api/v1/workflows/runs?entity=accounts&record_id=x").status_code == 422

"""The plugin author's kit: folders by convention, table names, translation domains and compiled
catalogues (read-only installs), the generated API reference.

The plugins here are written by :func:`core.scaffold.write_skeleton` into a temporary folder and
loaded as loose plugins (``plugins_dir``), so the app fixture runs their own migrations.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import render_template_string

from core.entities import Entity, Field
from core.i18n import plugin_gettext
from core.scaffold import write_skeleton
from core.testing import ApiClient, make_user

ROOT = Path(__file__).resolve().parent.parent


def add_messages(package: Path, lang: str, messages: dict[str, str]) -> None:
    po = package / "translations" / lang / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + "".join(f'\nmsgid "{k}"\nmsgstr "{v}"\n'
                                                          for k, v in messages.items()), encoding="utf-8")


def kit_plugin(parent: Path, name: str = "kitdemo") -> Path:
    """A skeleton plugin with a page template, a stylesheet and a catalogue that tries to relabel
    the core's "Previous" / "New" (as the user-handover form's "이전 단계 / 새 단계")."""
    root = write_skeleton(name, parent)
    package = root / name
    add_messages(package, "ko", {"Previous": "이전 단계", "New": "새 단계", "Kit only": "키트 전용"})
    (package / "templates" / name).mkdir(parents=True)
    (package / "templates" / name / "page.html").write_text('<p>{{ _("Kit only") }} / {{ _("New") }}</p>')
    (package / "static").mkdir()
    (package / "static" / f"{name}.css").write_text("p { color: teal; }\n")
    return root


def admin_api(app) -> ApiClient:
    return ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])


def test_folders_are_found_by_convention_and_a_plugin_cannot_relabel_core_strings(crm_app_factory, tmp_path):
    root = kit_plugin(tmp_path)
    app = crm_app_factory(plugins=["kitdemo"], plugins_dir=str(root))
    with app.extensions["plugcrm"].engine.connect() as conn:  # migrations/versions, run by the fixture
        assert "kitdemo_0001" in set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        assert sa.inspect(conn).has_table("kitdemo_records")  # not kitdemo_kitdemo_records
    style = app.test_client().get("/static/plugins/kitdemo/kitdemo.css")  # static/, public
    assert style.status_code == 200 and b"teal" in style.data
    assert app.test_client().get("/static/plugins/nosuch/kitdemo.css").status_code == 404
    api = admin_api(app)
    with app.test_request_context("/?lang=ko"):
        from flask_babel import gettext

        page = render_template_string('{% include "kitdemo/page.html" %}')  # templates/, its own domain
        assert page == "<p>키트 전용 / 새 단계</p>"  # its own pages say what it means
        assert (gettext("Previous"), gettext("New")) == ("이전", "신규등록")  # the core's are unchanged
        assert plugin_gettext("kitdemo", "New") == "새 단계" and plugin_gettext("kitdemo", "Kit only") == "키트 전용"
        assert plugin_gettext("kitdemo", "Save") == gettext("Save") != "Save"  # the core's words fill in
    form = api.get("/records/kitdemo_records/new?lang=ko").get_data(as_text=True)
    assert "신규등록" in form and "새 단계" not in form and "마감일" in form


def test_the_user_handover_form_keeps_its_labels_beside_the_stage_history(crm_app, crm_api):
    """opportunities translates "From"/"To" as 이전 단계/새 단계 for its stage history; the core's
    user-handover form (the same msgids) still says 보내는 사람/받는 사람."""
    users_page = crm_api.get("/admin/users?lang=ko").get_data(as_text=True)
    assert "보내는 사람" in users_page and "받는 사람" in users_page
    assert "이전 단계" not in users_page and "새 단계" not in users_page
    with crm_app.test_request_context("/?lang=ko"):
        history = render_template_string('{% include "opportunities/panel_history.html" %}', record={"id": 0},
                                         opportunity_stage_history=lambda record_id: [])
    assert "이전 단계" in history and "새 단계" in history


def test_a_blueprints_static_files_need_no_login(crm_app):
    response = crm_app.test_client().get("/customers/static/visit_log_print.css")
    assert response.status_code == 200


def test_entity_tables_are_not_double_prefixed():
    contracts = Entity(name="maintenance_contracts", label="x", fields=[Field("name")], plugin="maintenance")
    assert contracts.table_name == "maintenance_contracts"
    assert Entity(name="contracts", label="x", fields=[Field("name")], plugin="maintenance").table_name == \
        "maintenance_contracts"
    assert Entity(name="accounts", label="x", fields=[Field("name")], plugin="customers").table_name == \
        "customers_accounts"


def snapshot(folder: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*")}


def test_a_read_only_plugin_serves_korean_and_nothing_is_written_into_it(crm_app_factory, tmp_path):
    root = kit_plugin(tmp_path, "kitro")
    assert not list(root.rglob("*.mo"))  # as a source install: only .po files
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    before = snapshot(root)
    try:
        app = crm_app_factory(plugins=["kitro"], plugins_dir=str(root))
        api = admin_api(app)
        meta = api.get("/api/v1/meta/entities/kitro_records", headers={"Accept-Language": "ko"}).json
        assert {f["name"]: f["label"] for f in meta["fields"]}["due_date"] == "마감일"
        page = api.get("/records/kitro_records/new?lang=ko").get_data(as_text=True)
        assert "마감일" in page and "제목" in page
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert snapshot(root) == before  # no .mo and no other file written or touched (we run as root)
    compiled = list((tmp_path / "instance" / "cache" / "translations").rglob("ko/LC_MESSAGES/messages.mo"))
    assert any("kitro" in str(p) for p in compiled)


def test_missing_and_unreadable_catalogues_are_logged_at_start_up(crm_app_factory, tmp_path, caplog):
    root = kit_plugin(tmp_path, "kitbad")
    shutil.rmtree(root / "kitbad" / "translations" / "zh_Hans")
    (root / "kitbad" / "translations" / "ko" / "LC_MESSAGES" / "messages.po").write_bytes(b'msgid "\xff"\nmsgstr ""\n')
    with caplog.at_level(logging.WARNING, logger="plugcrm"):
        app = crm_app_factory(plugins=["kitbad"], plugins_dir=str(root))
    text = caplog.text
    assert "translations of kitbad: no zh_Hans catalogue" in text
    assert "translations of kitbad in" in text and "cannot be read" in text
    response = admin_api(app).get("/api/v1/meta/entities/kitbad_records", headers={"Accept-Language": "ko"})
    assert response.status_code == 200  # served in English rather than failing


def test_the_plugin_api_reference_is_current():
    checked = subprocess.run([sys.executable, str(ROOT / "scripts" / "plugin_api_reference.py"), "--check"],
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert checked.returncode == 0, checked.stderr


def test_a_required_reference_is_not_null_and_keeps_its_target_from_being_purged():
    from core.entities.declaration import field_columns

    def column(entity_name: str, required: bool):
        entity = Entity(name=entity_name, label="x", fields=[Field("name")], plugin="kitx")
        field = Field("account_id", "reference", target="accounts", required=required,
                      extra={"target_table": "customers_accounts"})
        return field_columns(entity, field)[0]

    required, optional = column("things", True), column("things", False)
    assert required.nullable is False and next(iter(required.foreign_keys)).ondelete is None
    assert optional.nullable is True and next(iter(optional.foreign_keys)).ondelete == "SET NULL"
    legacy = column("visit_logs", True)  # an in-tree table made before the rule keeps its migrated column
    assert legacy.nullable is True and next(iter(legacy.foreign_keys)).ondelete == "SET NULL"

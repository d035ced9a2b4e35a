"""Plugin discovery, dependency order and start-up errors."""
from __future__ import annotations

import textwrap

import pytest

from core.errors import PluginError
from core.plugins import Manifest, PluginInfo, check_disable, check_enable, discover, resolve_order


def info(name, depends=(), uses=()):
    return PluginInfo(Manifest(name=name, version="1", label=name, depends=depends, uses=uses), None, "test")


def test_dependency_order_and_uses():
    installed = {n.name: n for n in [info("a"), info("b", depends=["a"]), info("c", depends=["b"], uses=["d"]),
                                     info("d")]}
    order = [p.name for p in resolve_order(installed, ["c", "b", "a", "d"])]
    assert order.index("a") < order.index("b") < order.index("c")
    assert order.index("d") < order.index("c")


def test_missing_dependency_is_named():
    installed = {"b": info("b", depends=["a"])}
    with pytest.raises(PluginError, match="needs a enabled.*a not installed"):
        resolve_order(installed, ["b"])


def test_cycle_is_reported():
    installed = {"a": info("a", depends=["b"]), "b": info("b", depends=["a"])}
    with pytest.raises(PluginError, match="cycle: .*a -> b -> a|cycle: .*b -> a -> b"):
        resolve_order(installed, ["a", "b"])


def test_enable_and_disable_rules():
    installed = {"a": info("a"), "b": info("b", depends=["a"])}
    with pytest.raises(PluginError, match="enable a first"):
        check_enable(installed, [], "b")
    assert check_enable(installed, ["a"], "b") == ["a", "b"]
    with pytest.raises(PluginError, match="b depend on it"):
        check_disable(installed, ["a", "b"], "a")
    with pytest.raises(PluginError, match="no plugin named"):
        check_enable(installed, [], "zzz")


def write_plugin(folder, name, body):
    path = folder / name
    path.mkdir(parents=True)
    (path / "__init__.py").write_text(textwrap.dedent(body), encoding="utf-8")


def test_misspelled_hook_fails_at_start_up(tmp_path, crm_app_factory):
    write_plugin(tmp_path / "p", "typo", """
        from core.plugins import Manifest
        from hooks import hookimpl
        manifest = Manifest(name="typo", version="1", label="Typo")
        @hookimpl
        def crm_entitiez():
            return []
    """)
    with pytest.raises(PluginError, match="crm_entitiez"):
        crm_app_factory(plugins=["customers", "typo"], plugins_dir=str(tmp_path / "p"))


def test_undecorated_hook_fails_at_start_up(tmp_path, crm_app_factory):
    write_plugin(tmp_path / "p", "forgot", """
        from core.plugins import Manifest
        manifest = Manifest(name="forgot", version="1", label="Forgot")
        def crm_entities():
            return []
    """)
    with pytest.raises(PluginError, match="lack @hookimpl"):
        crm_app_factory(plugins=["forgot"], plugins_dir=str(tmp_path / "p"))


def test_duplicate_plugin_name(tmp_path):
    write_plugin(tmp_path / "p", "customers", """
        from core.plugins import Manifest
        manifest = Manifest(name="customers", version="1", label="Again")
    """)
    with pytest.raises(PluginError, match="two plugins are named 'customers'"):
        discover(str(tmp_path / "p"))


def test_blueprint_prefix_is_checked(tmp_path, crm_app_factory):
    write_plugin(tmp_path / "p", "rude", """
        from flask import Blueprint
        from core.plugins import Manifest
        from hooks import hookimpl
        manifest = Manifest(name="rude", version="1", label="Rude")
        @hookimpl
        def crm_blueprints():
            return [Blueprint("rude", __name__, url_prefix="/admin")]
    """)
    with pytest.raises(PluginError, match="url_prefix '/admin'"):
        crm_app_factory(plugins=["rude"], plugins_dir=str(tmp_path / "p"))


def test_loose_plugin_contributes_an_entity(tmp_path, crm_app_factory):
    write_plugin(tmp_path / "p", "notes_demo", """
        from core.entities import Entity, Field
        from core.plugins import Manifest
        from hooks import hookimpl
        manifest = Manifest(name="notes_demo", version="1", label="Memo", depends=["customers"])
        memo = Entity(name="memos", label="Memos", title_field="subject",
                      fields=[Field("subject", "text", required=True),
                              Field("account_id", "reference", target="accounts")])
        @hookimpl
        def crm_entities():
            return [memo]
    """)
    from core.testing import ApiClient, make_user

    app = crm_app_factory(plugins=["customers", "notes_demo"], plugins_dir=str(tmp_path / "p"))
    _uid, token = make_user(app, "a@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    names = [e["name"] for e in api.get("/api/v1/meta/entities").json["data"]]
    assert "memos" in names
    assert api.post("/api/v1/memos", json={"subject": "hi"}).status_code == 201

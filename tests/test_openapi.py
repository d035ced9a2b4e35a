"""The OpenAPI document covers every /api/v1 route of the enabled plugins and is valid OpenAPI 3.1."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from core.plugins import discover

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def every_plugin():
    return sorted(discover(None))


def documented_operations(app) -> set[tuple[str, str]]:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {(method.upper(), path) for path, ops in document["paths"].items() for method in ops
            if method.upper() in METHODS}


def routed_operations(app) -> set[tuple[str, str]]:
    """Every (method, path) under /api/v1 in the URL map, with <entity_name> spelled out per entity."""
    entities = list(app.extensions["plugcrm"].registry.entities)
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        paths = [path.replace("{entity_name}", e) for e in entities] if "{entity_name}" in path else [path]
        found |= {(method, p) for method in rule.methods & METHODS for p in paths}
    return found


def test_every_api_route_of_every_plugin_is_in_the_document(crm_app_factory):
    app = crm_app_factory(plugins=every_plugin())
    missing = routed_operations(app) - documented_operations(app)
    assert not missing, sorted(missing)
    assert ("GET", "/api/v1/workflows/{workflow_id}/runs") in documented_operations(app)
    assert ("PUT", "/api/v1/deal_alerts/config") in documented_operations(app)
    assert ("GET", "/api/v1/opportunities/reports/{name}") in documented_operations(app)


def test_the_document_is_valid_openapi_3_1(crm_app_factory):
    app = crm_app_factory(plugins=every_plugin())
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    report = document["paths"]["/api/v1/opportunities/reports/{name}"]["get"]
    assert {"from", "to", "days", "by"} <= {p["name"] for p in report["parameters"]}
    create = document["paths"]["/api/v1/accounts"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/accounts_input"}
    assert "201" in create["responses"]


def test_a_plugin_route_gets_in_without_a_declaration(crm_app_factory, tmp_path):
    """A third-party blueprint under /api/v1/<plugin> is documented from its docstring alone."""
    folder = tmp_path / "plugins"
    (folder / "tally").mkdir(parents=True)
    (folder / "tally" / "__init__.py").write_text(
        "from flask import Blueprint, jsonify\n"
        "from core.plugins import Manifest\n"
        "from hooks import hookimpl\n"
        "manifest = Manifest(name='tally', version='1.0', label='Tally', default_enabled=True)\n"
        "bp = Blueprint('tally_api', __name__, url_prefix='/api/v1/tally')\n"
        "@bp.get('/count/<int:n>')\n"
        "def count(n):\n"
        "    '''Count up to n.'''\n"
        "    return jsonify({'n': n})\n"
        "@hookimpl\n"
        "def crm_blueprints():\n"
        "    return [bp]\n", encoding="utf-8")
    app = crm_app_factory(plugins=["tally"], plugins_dir=str(folder))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    op = document["paths"]["/api/v1/tally/count/{n}"]["get"]
    assert op["summary"] == "Count up to n." and op["parameters"][0]["schema"] == {"type": "integer"}
    assert not routed_operations(app) - documented_operations(app)

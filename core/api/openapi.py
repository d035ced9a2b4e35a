"""The OpenAPI 3.1 document of every ``/api/v1`` route, plugins' included, built with apispec.

The document is generated from the application's URL map, so a route is in it the moment it is
registered; what a route author adds is a declaration with :func:`core.api.contract.operation`::

    @bp.get("/reports/<name>")
    @operation(query=ReportArgs, response=ReportSchema)
    def report(name): ...

``query``, ``body`` and ``response`` are marshmallow schemas (classes or instances; apispec turns
them into parameters and components) or plain JSON-schema dicts.  Routes with ``<entity_name>``
appear once per entity, with the schemas generated from the entity's declaration and custom fields
(``body=ENTITY_INPUT``, ``response=ENTITY`` or ``ENTITY_PAGE``).  A route without a declaration is
still documented: its summary from the docstring, a JSON object in and out.
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from core import __version__
from core.api.contract import ENTITY, ENTITY_INPUT, ENTITY_PAGE, Operation
from core.entities.query import standard_fields
from core.runtime import runtime

PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
ERROR = {"$ref": "#/components/schemas/Error"}
JSON_OBJECT = {"type": "object"}
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # <name>, <int:name>, <conv(args):name>


def field_schema(f) -> dict:
    schema = dict(f.kind.json_schema)
    if f.max_length:
        schema["maxLength"] = f.max_length
    if not f.required:
        schema = {"anyOf": [schema, {"type": "null"}]}
    if f.label is not None:
        schema["title"] = f.display_label()
    if f.readonly:
        schema["readOnly"] = True
    return schema


def entity_schemas(entity) -> dict:
    fields = standard_fields(entity) + runtime().registry.fields(entity)
    name = entity.name
    item = {"type": "object", "properties": {f.name: field_schema(f) for f in fields}}
    item["properties"]["_display"] = {"type": "object"}
    return {
        name: item,
        f"{name}_input": {"type": "object", "additionalProperties": False,
                          "properties": {f.name: field_schema(f) for f in fields if not f.readonly},
                          "required": [f.name for f in fields if f.required and not f.readonly]},
        f"{name}_page": {"type": "object", "required": ["data", "meta"], "properties": {
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
            "meta": {"$ref": "#/components/schemas/PageMeta"}}},
    }


def resolve(schema, entity_name: str | None):
    """A declared schema for one concrete path: entity placeholders become that entity's components."""
    if isinstance(schema, str):
        suffix = {ENTITY: "", ENTITY_INPUT: "_input", ENTITY_PAGE: "_page"}[schema]
        return {"$ref": f"#/components/schemas/{entity_name}{suffix}"} if entity_name else JSON_OBJECT
    return schema


def path_parameters(rule) -> tuple[str, list[dict]]:
    """The OpenAPI path of ``rule`` (``{name}`` for ``<conv:name>``) and its path parameters."""
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if converter == "int" else "string"}}
              for converter, name in VARIABLE.findall(rule.rule)]
    return VARIABLE.sub(r"{\2}", rule.rule), params


def build_operation(view, method: str, params: list[dict], entity_name: str | None) -> dict:
    doc: Operation = getattr(view, "plugcrm_openapi", None) or Operation()
    summary = doc.summary or ((view.__doc__ or "").strip().splitlines() or [view.__name__.replace("_", " ")])[0]
    out: dict = {"summary": summary, "parameters": list(params)}
    if doc.query is not None:
        out["parameters"].append({"in": "query", "schema": doc.query})
    if doc.upload:
        out["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": [doc.upload],
            "properties": {doc.upload: {"type": "string", "format": "binary"}}}}}}
    elif method in ("post", "put", "patch"):
        body = resolve(doc.body, entity_name) if doc.body is not None else JSON_OBJECT
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    status = doc.status or (204 if method == "delete" and doc.response is None else 200)
    if doc.binary:
        success = {"description": "a file", "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}
    elif status == 204:
        success = {"description": "done, no content"}
    else:
        schema = resolve(doc.response, entity_name) if doc.response is not None else JSON_OBJECT
        success = {"description": "success", "content": {"application/json": {"schema": schema}}}
    out["responses"] = {str(status): success,
                        "4XX": {"description": "an error", "content": {"application/json": {"schema": ERROR}}}}
    return out


def schema_name(schema) -> str:
    """Component name of a marshmallow schema; a ``partial=True`` instance (PATCH bodies) gets its own."""
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__ + ("Patch" if not isinstance(schema, type) and schema.partial else "")


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX + "/")]


def add_paths(spec: APISpec, app) -> None:
    entity_names = list(runtime().registry.entities)
    paths: dict[str, dict] = {}
    for rule in sorted(api_rules(app), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        path, params = path_parameters(rule)
        per_entity = "entity_name" in rule.arguments
        concrete = ([(path.replace("{entity_name}", name), name) for name in entity_names] if per_entity
                    else [(path, None)])
        own_params = [p for p in params if p["name"] != "entity_name"] if per_entity else params
        for concrete_path, entity_name in concrete:
            ops = paths.setdefault(concrete_path, {})
            for method in sorted(m.lower() for m in rule.methods if m.lower() in METHODS):
                ops.setdefault(method, build_operation(view, method, own_params, entity_name))
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)


def openapi_document() -> dict:
    spec = APISpec(title="plugcrm API", version=__version__, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin(schema_name_resolver=schema_name)], servers=[{"url": "/"}],
                   security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", component={"type": "object", "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}})
    spec.components.schema("PageMeta", component={"type": "object", "properties": {
        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "total_exact": {"type": "boolean"}}})
    for entity in runtime().registry.entities.values():
        for name, schema in entity_schemas(entity).items():
            spec.components.schema(name, component=schema)
    add_paths(spec, current_app)
    return spec.to_dict()

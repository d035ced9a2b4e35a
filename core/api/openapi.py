"""OpenAPI 3.1 document generated from the entity declarations (custom fields included)."""
from __future__ import annotations

from core import __version__
from core.entities.query import standard_fields
from core.runtime import runtime

ERROR = {"$ref": "#/components/schemas/Error"}


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
    return {
        f"{name}": {"type": "object", "properties": {f.name: field_schema(f) for f in fields}},
        f"{name}_input": {"type": "object", "additionalProperties": False,
                          "properties": {f.name: field_schema(f) for f in fields if not f.readonly},
                          "required": [f.name for f in fields if f.required and not f.readonly]},
    }


def error_responses(*codes) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": ERROR}}} for c in codes}


def entity_paths(entity) -> dict:
    name = entity.name
    ref = {"$ref": f"#/components/schemas/{name}"}
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}_input"}}}}
    one = {"200": {"description": "the record", "content": {"application/json": {"schema": ref}}}}
    list_params = [{"name": n, "in": "query", "schema": {"type": t}} for n, t in
                   (("q", "string"), ("sort", "string"), ("page", "integer"), ("per_page", "integer"))]
    record_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    return {
        f"/api/v1/{name}": {
            "get": {"summary": f"List {name}", "parameters": list_params,
                    "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "array", "items": ref},
                                                         "meta": {"$ref": "#/components/schemas/PageMeta"}}}}}},
                                  **error_responses(400, 401, 403)}},
            "post": {"summary": f"Create one of {name}", "requestBody": body,
                     "responses": {"201": one["200"], **error_responses(400, 401, 403, 422)}},
        },
        f"/api/v1/{name}/{{id}}": {
            "parameters": record_id,
            "get": {"summary": "Read", "responses": {**one, **error_responses(401, 404)}},
            "patch": {"summary": "Update (If-Match: version)", "requestBody": body,
                      "description": "With If-Match (or a version in the body) a change based on an older version "
                                     "gets 409 conflict; without one the change applies to the current version.",
                      "responses": {**one, **error_responses(400, 401, 403, 404, 409, 422, 503)}},
            "delete": {"summary": "Move to the recycle bin",
                       "responses": {"204": {"description": "deleted"}, **error_responses(401, 403, 404)}},
        },
        f"/api/v1/{name}/{{id}}/restore": {
            "parameters": record_id,
            "post": {"summary": "Restore from the recycle bin", "responses": {**one, **error_responses(401, 403, 404)}},
        },
    }


def openapi_document() -> dict:
    schemas = {
        "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}},
        "PageMeta": {"type": "object", "properties": {"page": {"type": "integer"}, "per_page": {"type": "integer"},
                                                      "total": {"type": "integer"}, "total_exact": {"type": "boolean"}}},
    }
    from core.api.record_extras import admin_openapi_paths, openapi_paths

    paths: dict = admin_openapi_paths()
    for entity in runtime().registry.entities.values():
        schemas.update(entity_schemas(entity))
        paths.update(entity_paths(entity))
        paths.update(openapi_paths(entity.name))
    return {
        "openapi": "3.1.0",
        "info": {"title": "plugcrm API", "version": __version__},
        "servers": [{"url": "/"}],
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    }

"""Metadata: entities and their fields, custom fields, picklists; and the OpenAPI document."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from core.api import schemas
from core.api.blueprint import api
from core.api.contract import operation
from core.api.openapi import openapi_document
from core.api.records import body
from core.db import session
from core.entities import custom_fields, picklists
from core.entities.query import standard_fields
from core.errors import Forbidden
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import rights
from core.security.fields import hidden_fields
from core.entities.display import shown_values
from core.security.rights import effective_sharing


def require_admin():
    user = current_user_or_none()
    if user is None or not user.is_admin:
        raise Forbidden(_("Only administrators may change this."))


def field_json(f) -> dict:
    out = {"name": f.name, "type": f.type, "label": f.display_label(), "required": f.required,
           "custom": f.custom, "readonly": f.readonly, "searchable": f.search, "sortable": f.sortable,
           "operators": list(f.kind.operators)}
    if f.picklist:
        out["picklist"] = f.picklist
        out["values"] = [picklists.value_to_json(v) for v in picklists.values(f.picklist) if v.active]
    if f.target:
        out["target"] = f.target
    if f.max_length:
        out["max_length"] = f.max_length
    if f.block:
        out["block"] = f.block
    if f.help is not None:
        out["help"] = str(f.help)
    if f.show_when is not None:
        out["show_when"] = {"field": f.show_when[0], "values": shown_values(f)}
    if f.extra.get("month"):
        out["month"] = True
    return out


def entity_json(entity, detail: bool, user=None) -> dict:
    """The entity's metadata; with ``detail``, its fields - without those hidden from ``user``."""
    out = {"name": entity.name, "label": str(entity.label),
           "label_singular": str(entity.label_singular or entity.label), "plugin": entity.plugin,
           "title_field": entity.title_field, "numbering": entity.numbering, "sharing": effective_sharing(entity),
           "list_columns": entity.default_columns, "icon": entity.icon}
    if detail:
        hidden = hidden_fields(entity, user)
        out["fields"] = [field_json(f) for f in standard_fields(entity) + runtime().registry.fields(entity)
                         if f.name not in hidden]
        out["related"] = [{"entity": r.entity, "field": r.field, "label": str(r.label or r.entity)}
                          for r in runtime().registry.related.get(entity.name, [])]
    return out


@api.get("/meta/entities")
@operation("Entities of the enabled plugins (?fields=1: with their fields)", response=schemas.listing(schemas.EntityMeta))
def meta_entities():
    detail = request.args.get("fields") in ("1", "true")
    user = current_user_or_none()
    return jsonify({"data": [entity_json(e, detail, user) for e in runtime().registry.entities.values()]})


@api.get("/meta/entities/<entity_name>")
@operation(response=schemas.EntityMeta)
def meta_entity(entity_name):
    """The entity's fields plus what the current user may do with it (``rights``)."""
    entity = runtime().registry.get(entity_name)
    user = current_user_or_none()
    out = entity_json(entity, True, user)
    out["rights"] = rights(user, entity)
    return jsonify(out)


@api.post("/meta/entities/<entity_name>/fields")
@operation("Add a custom field", body=schemas.CustomFieldInput, response=schemas.JSON_OBJECT, status=201)
def add_custom_field(entity_name):
    require_admin()
    entity = runtime().registry.get(entity_name)
    row = custom_fields.add_field(entity, body())
    session().commit()
    field = next(f for f in runtime().registry.fields(entity) if f.name == row.name)
    return jsonify(field_json(field)), 201


@api.patch("/meta/entities/<entity_name>/fields/<field_name>")
@operation("Change a custom field", body=schemas.CustomFieldInput(partial=True), response=schemas.EntityMeta)
def update_custom_field(entity_name, field_name):
    require_admin()
    entity = runtime().registry.get(entity_name)
    custom_fields.update_field(entity, field_name, body())
    session().commit()
    return jsonify(entity_json(entity, True, current_user_or_none()))


@api.get("/meta/picklists/<name>/values")
@operation("Values of a picklist (?all=1: inactive too)", response=schemas.listing(schemas.PicklistValue))
def picklist_values(name):
    include_inactive = request.args.get("all") in ("1", "true")
    return jsonify({"data": [picklists.value_to_json(v) for v in picklists.values(name)
                             if include_inactive or v.active]})


@api.post("/meta/picklists/<name>/values")
@operation("Add a picklist value", body=schemas.PicklistValueInput, response=schemas.PicklistValue, status=201)
def add_picklist_value(name):
    require_admin()
    row = picklists.add_value(name, body())
    session().commit()
    return jsonify(picklists.value_to_json(row)), 201


@api.patch("/meta/picklists/<name>/values/<value>")
@operation("Change a picklist value", body=schemas.PicklistValueInput(partial=True), response=schemas.PicklistValue)
def update_picklist_value(name, value):
    require_admin()
    row = picklists.update_value(name, value, body())
    session().commit()
    return jsonify(picklists.value_to_json(row))


@api.get("/openapi.json")
@operation("This document", response=schemas.JSON_OBJECT)
def openapi():
    return jsonify(openapi_document())

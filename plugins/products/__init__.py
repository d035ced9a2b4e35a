"""products: the catalogue (상품 / 产品) - categories, prices, price lists, options, images."""
from __future__ import annotations

from flask import g

from core.entities import Picklist, PicklistValue

from core.plugin_api import translator
from core.plugins import Manifest
from hooks import hookimpl
from plugins.products import entities, services

_, _l = translator("products")

manifest = Manifest(name="products", version="0.1.0", label=_l("Products"), default_enabled=True,
                    description=_l("Product catalogue: category tree, list price and cost, price lists, options, "
                                "discontinued flag and pictures."))


@hookimpl
def crm_entities():
    return entities.ALL


@hookimpl
def crm_picklists():
    cost_roles = Picklist(services.COST_ROLES_PICKLIST, [
        PicklistValue(name, {"en": name}) for name in ("owner", "director", "manager", "purchasing")],
        label=_l("Roles that see cost prices"))
    return entities.picklists + [cost_roles]


@hookimpl
def crm_related_lists(entity):
    return entities.related.get(entity.name, [])


@hookimpl
def crm_blueprints():
    from plugins.products.api import api
    return [api]


@hookimpl
def crm_hidden_fields(entity, user):
    if entity.plugin == "products" and not services.has_cost_right(user):
        return services.cost_fields(entity)
    return None


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.plugin != "products":
        return
    services.refuse_cost_change(entity, values, old, user)
    if entity.name == "product_categories":
        values["path"] = services.category_path(values, values.get("id"))
    elif entity.name == "products" and "products_image" in g:
        values["image"] = g.pop("products_image")


@hookimpl
def crm_after_save(entity, record, old, user, session):
    if entity.name == "product_categories" and old is not None and record["path"] != old["path"]:
        services.refresh_child_paths(record["id"], user)


@hookimpl
def crm_demo_data(demo):
    from plugins.products.demo import fill
    fill(demo)

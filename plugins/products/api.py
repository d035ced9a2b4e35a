"""Extra product API: image upload/download, the category tree, price lookup."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request, send_file

from core.api import schemas
from core.api.contract import operation
from core.api.paging import int_arg
from core.db import session
from core.entities import records
from core.entities.query import visible_select
from core.errors import NotFound, ValidationError
from core.plugin_api import translator
from core.security.auth import current_user_or_none
from core.security.permissions import require_right
from plugins.products import images, services
from plugins.products.schemas import PriceArgs

_, _l = translator("products")

api = Blueprint("products_api", __name__, url_prefix="/api/v1/products")


@api.post("/<int:product_id>/image")
@operation("Upload the product picture (multipart, field image)", upload="image")
def upload_image(product_id):
    ent = services.entity("products")
    user = current_user_or_none()
    record = records.get(ent, product_id, user)
    require_right(user, ent, "edit", record)
    upload = request.files.get("image")
    if upload is None:
        raise ValidationError(_("Send the picture as the multipart field \"image\"."),
                              {"image": _("Required.")})
    g.products_image = images.store(product_id, upload.read())
    record = records.update(ent, product_id, {}, user)
    session().commit()
    return jsonify(records.to_json(ent, record))


@api.get("/<int:product_id>/image")
@api.get("/<int:product_id>/thumbnail")
@operation("The product picture", binary=True)
def get_image(product_id):
    ent = services.entity("products")
    user = current_user_or_none()
    require_right(user, ent, "view")
    record = records.get(ent, product_id, user)
    if not record["image"]:
        raise NotFound(_("This product has no image."))
    path = images.path_of(record["image"], thumbnail=request.path.endswith("/thumbnail"))
    if not path.is_file():
        raise NotFound(_("This product has no image."))
    return send_file(path, max_age=300)


@api.get("/categories/tree")
@operation("Categories nested as {id, name, path, children}", response=schemas.listing(schemas.JSON_OBJECT))
def category_tree():
    """Categories nested as ``{id, name, path, children: [...]}``, ordered by name."""
    ent = services.entity("product_categories")
    user = current_user_or_none()
    require_right(user, ent, "view")
    t = ent.table
    rows = session().execute(visible_select(ent, user, t.c.id, t.c.name, t.c.parent_id, t.c.path)
                             .order_by(t.c.name)).all()
    nodes = {r.id: {"id": r.id, "name": r.name, "path": r.path, "children": []} for r in rows}
    roots = []
    for r in rows:
        parent = nodes.get(r.parent_id)
        (parent["children"] if parent else roots).append(nodes[r.id])
    return jsonify({"data": roots})


@api.get("/<int:product_id>/price")
@operation(query=PriceArgs, response=schemas.JSON_OBJECT)
def product_price(product_id):
    """The price to offer: ``?price_list=<id>`` picks a named price, else the list price."""
    ent = services.entity("products")
    user = current_user_or_none()
    require_right(user, ent, "view")
    records.get(ent, product_id, user)
    errors: dict = {}
    price_list_id = int_arg(request.args, "price_list", errors, minimum=1)
    if errors:
        raise ValidationError(_("Some fields are not valid."), {"price_list": _("Not a valid record id.")})
    price = services.price_for(product_id, price_list_id)
    return jsonify({"product_id": product_id, "price_list_id": price_list_id,
                    "price": None if price is None else str(price)})

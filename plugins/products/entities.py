"""The product catalogue: categories (a tree), products, price lists, named prices, options."""
from __future__ import annotations

from core.entities import Entity, Field, Picklist, RelatedList
from core.plugin_api import picklist_value, translator

_, _l = translator("products")


categories = Entity(
    name="product_categories",
    label=_l("Product categories"),
    label_singular=_l("Product category"),
    title_field="name",
    owned=False,
    icon="folder-tree",
    menu_group="products",
    menu_order=20,
    default_sort="name",
    fields=[
        Field("name", "text", label=_l("Category"), required=True, search=True, list=True, max_length=100),
        Field("parent_id", "reference", label=_l("Parent category"), target="product_categories", list=True),
        Field("path", "text", label=_l("Full path"), readonly=True, list=True, max_length=1000, index=True),
    ],
)

products = Entity(
    name="products",
    label=_l("Products"),
    label_singular=_l("Product"),
    title_field="name",
    owned=False,
    icon="box",
    menu_group="products",
    menu_order=10,
    default_sort="name",
    fields=[
        Field("name", "text", label=_l("Product name"), required=True, search=True, list=True, max_length=200,
              index=True),
        Field("model", "text", label=_l("Model"), search=True, list=True, max_length=100),
        Field("code", "text", label=_l("Product code"), search=True, list=True, unique=True, max_length=60),
        Field("category_id", "reference", label=_l("Category"), target="product_categories", list=True),
        Field("unit", "picklist", label=_l("Unit"), picklist="product_unit", default="ea"),
        Field("list_price", "money", label=_l("List price"), list=True, min_value=0),
        Field("cost", "money", label=_l("Cost"), min_value=0, extra={"cost": True}),
        Field("discontinued", "boolean", label=_l("Discontinued"), default=False, list=True),
        Field("image", "text", label=_l("Image"), readonly=True, max_length=200),
        Field("description", "longtext", label=_l("Description"), block="description"),
    ],
    indexes=[("discontinued", "name")],
)

price_lists = Entity(
    name="price_lists",
    label=_l("Price lists"),
    label_singular=_l("Price list"),
    title_field="name",
    owned=False,
    icon="tags",
    menu_group="products",
    menu_order=30,
    fields=[
        Field("name", "text", label=_l("Price list"), required=True, unique=True, list=True, max_length=100),
        Field("description", "text", label=_l("Description"), list=True, max_length=300),
        Field("active", "boolean", label=_l("Active"), default=True, list=True),
    ],
)

product_prices = Entity(
    name="product_prices",
    label=_l("Product prices"),
    label_singular=_l("Product price"),
    title_field="price",
    owned=False,
    icon="tag",
    parent="products",
    fields=[
        Field("product_id", "reference", label=_l("Product"), target="products", required=True, list=True),
        Field("price_list_id", "reference", label=_l("Price list"), target="price_lists", required=True,
              list=True),
        Field("price", "money", label=_l("Price"), required=True, min_value=0, list=True),
    ],
)

product_options = Entity(
    name="product_options",
    label=_l("Product options"),
    label_singular=_l("Product option"),
    title_field="name",
    owned=False,
    icon="sliders",
    parent="products",
    fields=[
        Field("product_id", "reference", label=_l("Product"), target="products", required=True, list=True),
        Field("name", "text", label=_l("Option"), required=True, list=True, max_length=200),
        Field("extra_price", "money", label=_l("Extra price"), default=0, list=True),
        Field("extra_cost", "money", label=_l("Extra cost"), default=0, extra={"cost": True}),
    ],
)

ALL = [categories, products, price_lists, product_prices, product_options]

picklists = [
    Picklist("product_unit", [
        picklist_value("ea", "개", "个", "each"),
        picklist_value("set", "세트", "套", "set"),
        picklist_value("box", "박스", "箱", "box"),
        picklist_value("license", "라이선스", "许可", "licence"),
        picklist_value("month", "개월", "月", "month"),
        picklist_value("hour", "시간", "小时", "hour"),
        picklist_value("kg", "kg", "公斤", "kg"),
    ]),
]

related = {
    "products": [RelatedList("product_prices", "product_id", label=_l("Prices"), order=10),
                 RelatedList("product_options", "product_id", label=_l("Options"), order=20)],
    "product_categories": [RelatedList("products", "category_id", label=_l("Products"), order=10),
                           RelatedList("product_categories", "parent_id", label=_l("Sub-categories"),
                                       order=20)],
    "price_lists": [RelatedList("product_prices", "price_list_id", label=_l("Prices"), order=10)],
}

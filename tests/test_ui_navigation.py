"""The menu is grouped per module from the plugins' declarations; child entities are reached from their parent."""
from __future__ import annotations

import re

from core.testing import make_user
from tests.browser.support import logged_in

PLUGINS = ["customers", "products", "opportunities", "quotes", "leads", "workflows"]


def sidebar(html: str) -> str:
    return re.search(r'(?s)<nav class="sidebar".*?</nav>', html).group(0)


def groups(html: str) -> dict[str, list[str]]:
    """``{group: [menu keys]}`` in the order shown."""
    out = {}
    for key, body in re.findall(r'(?s)data-menu-group="([^"]+)".*?>(.*?)</details>', sidebar(html)):
        out[key] = re.findall(r'data-menu="([^"]+)"', body)
    return out


def test_menu_groups_follow_the_declarations_and_leave_child_entities_out(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "admin@example.com", admin=True)
    menu = groups(logged_in(app, "admin@example.com").get("/").text)
    assert list(menu)[:3] == ["customers", "sales", "products"] and list(menu)[-1] == "more"
    assert menu["customers"][:3] == ["accounts", "contacts", "activities"]
    assert menu["sales"][:2] == ["leads", "leads.board"] and "opportunities" in menu["sales"]
    assert menu["products"] == ["products", "product_categories", "price_lists"]
    shown = [key for keys in menu.values() for key in keys]
    for child in ("opportunity_items", "opportunity_partners", "opportunity_competitors", "product_prices",
                  "product_options", "quote_lines", "sales_order_lines"):
        assert child not in shown
    assert {"admin", "workflows_pages.index", "visit_templates"} <= set(menu["more"])


def test_child_entities_are_reached_from_their_parent(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "admin@example.com", admin=True)
    admin = logged_in(app, "admin@example.com")
    from tests.browser.support import create
    product = create(app, "products", {"name": "교환기", "code": "PBX-1"})
    page = admin.get(f"/records/products/{product['id']}").text
    assert f"/records/product_prices?product_id={product['id']}" in page
    assert admin.get("/records/product_prices").status_code == 200  # the list still opens from there


def test_a_sales_rep_gets_no_administration(crm_app_factory):
    app = crm_app_factory(plugins=PLUGINS)
    make_user(app, "rep@example.com", role="sales")
    menu = groups(logged_in(app, "rep@example.com").get("/").text)
    assert "customers" in menu and menu["more"] == ["visit_templates"]  # templates: read-only for reps


def test_the_readme_names_every_demo_user_and_role():
    from pathlib import Path

    from plugins.customers.demo import DEMO_USERS

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for role, people in DEMO_USERS.items():
        for name, email in people:
            assert f"`{email}` | {name} |" in readme and f"({role})" in readme

"""The shell around every page: the menu, the language list and the user for ``base.html``.

The menu is grouped per module (:data:`MENU_GROUPS`): the entities of the
enabled plugins the user may view, each in the group its declaration names
(``Entity.menu_group`` / ``menu_order`` / ``icon``; child entities such as a
deal's line items are left out, their parent's page leads to them), then the
pages plugins add through ``crm_menu_items`` (``group`` in the item).
Administrators get the "more" area: administration and the plugins' settings
pages.  Plugin page templates extend ``base.html`` and get all of this for free.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core.i18n import LANGUAGE_NAMES
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import can


# The menu's groups in their order: key -> (label, icon).  A group a plugin names that is not here
# goes under "other"; "more" is the administrators' area, folded at the bottom.
MENU_GROUPS = {
    "customers": (_l("Customers"), "users"),
    "sales": (_l("Sales"), "handshake"),
    "products": (_l("Products"), "box"),
    "service": (_l("Service"), "tool"),
    "communication": (_l("Messages"), "message"),
    "other": (_l("Other"), "grid"),
    "more": (_l("More"), "settings"),
}


@dataclass
class MenuItem:
    label: str
    url: str
    icon: str = "file"
    order: int = 100
    key: str = ""
    group: str = "other"


@dataclass
class MenuGroup:
    key: str
    label: str
    icon: str
    items: list[MenuItem]


def visible_entities(user) -> list:
    """The entities ``user`` may view, in plugin load order."""
    return [e for e in runtime().registry.entities.values() if can(user, e, "view")]


def group_of(key: str | None) -> str:
    return key if key in MENU_GROUPS else "other"


def menu(user) -> list[MenuGroup]:
    """The groups of the menu that have something for ``user``, each with its entries in order."""
    items = [MenuItem(str(e.label), url_for("ui.list_view", entity_name=e.name), e.icon, e.menu_order, e.name,
                      group_of(e.menu_group))
             for e in visible_entities(user) if e.parent is None]
    for group in runtime().hook.crm_menu_items(user=user):
        for item in group or []:
            items.append(MenuItem(str(item["label"]), url_for(item["endpoint"], **item.get("args", {})),
                                  item.get("icon", "file"), item.get("order", 500), item["endpoint"],
                                  group_of(item.get("group"))))
    if user is not None and user.is_admin:
        items.append(MenuItem(_("Administration"), url_for("ui.admin_index"), "settings", 10_000, "admin", "more"))
    groups = []
    for key, (label, icon) in MENU_GROUPS.items():
        entries = sorted((i for i in items if i.group == key), key=lambda m: m.order)
        if entries:
            groups.append(MenuGroup(key, str(label), icon, entries))
    return groups


def shell_context() -> dict:
    user = current_user_or_none()
    if user is None:
        return {"crm_user": None, "languages": LANGUAGE_NAMES}
    return {"crm_user": user, "menu_groups": menu(user), "languages": LANGUAGE_NAMES, "page_scripts": page_scripts(user)}


def page_scripts(user) -> list[str]:
    """Scripts plugins load on every page for ``user`` (``crm_page_scripts``)."""
    return [url for group in runtime().hook.crm_page_scripts(user=user) for url in group or []]

"""The shell around every page: the menu, the language list and the user for ``base.html``.

The menu holds the entities of the enabled plugins the user may view, then the
entries plugins add through ``crm_menu_items``; administrators also get the
administration link.  Plugin page templates extend ``base.html`` and get all of
this for free.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from core.i18n import LANGUAGE_NAMES
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import can


@dataclass
class MenuItem:
    label: str
    url: str
    icon: str = "file"
    order: int = 100
    key: str = ""


def visible_entities(user) -> list:
    """The entities ``user`` may view, in plugin load order."""
    return [e for e in runtime().registry.entities.values() if can(user, e, "view")]


def menu(user) -> list[MenuItem]:
    items = [MenuItem(str(e.label), url_for("ui.list_view", entity_name=e.name), e.icon, 10 * i, e.name)
             for i, e in enumerate(visible_entities(user), start=1)]
    for group in runtime().hook.crm_menu_items(user=user):
        for item in group or []:
            items.append(MenuItem(str(item["label"]), url_for(item["endpoint"], **item.get("args", {})),
                                  item.get("icon", "file"), item.get("order", 500), item["endpoint"]))
    items.sort(key=lambda m: m.order)
    if user is not None and user.is_admin:
        items.append(MenuItem(_("Administration"), url_for("ui.admin_index"), "settings", 10_000, "admin"))
    return items


def shell_context() -> dict:
    user = current_user_or_none()
    if user is None:
        return {"crm_user": None, "languages": LANGUAGE_NAMES}
    return {"crm_user": user, "menu_items": menu(user), "languages": LANGUAGE_NAMES, "page_scripts": page_scripts(user)}


def page_scripts(user) -> list[str]:
    """Scripts plugins load on every page for ``user`` (``crm_page_scripts``)."""
    return [url for group in runtime().hook.crm_page_scripts(user=user) for url in group or []]

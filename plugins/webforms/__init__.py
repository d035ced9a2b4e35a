"""webforms: forms on a company's website that create leads (웹폼 / 在线表单).

Administrators design a form (fields mapped to the target entity, labels in
ko/zh/en), paste its embed code into their site or link to its hosted page;
the public endpoint (:mod:`plugins.webforms.public`) turns a visitor's
submission into a lead, refusing and counting spam.
"""
from __future__ import annotations

from core.plugin_api import translator
from core.plugins import Manifest
from hooks import hookimpl
from plugins.webforms import demo as demo_data, models  # noqa: F401  (models: tables in the metadata)
from plugins.webforms.api import api
from plugins.webforms.public import public
from plugins.webforms.views import pages

_, _l = translator("webforms")


manifest = Manifest(name="webforms", version="0.1.0", label=_l("Web forms"), default_enabled=True,
                    depends=("customers", "leads"),
                    description=_l("A web-form designer, embed code, hosted pages and a public submission endpoint "
                                "that creates leads and stops spam."))


@hookimpl
def crm_blueprints():
    return [api, pages, public]


@hookimpl
def crm_menu_items(user):
    if user is None or not user.is_admin:
        return []
    return [dict(label=_l("Web forms"), endpoint="webforms.index", icon="inbox", order=92, group="more")]


@hookimpl
def crm_demo_data(demo):
    demo_data.fill(demo)

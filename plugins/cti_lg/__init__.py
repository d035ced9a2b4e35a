"""cti_lg: LG U+ Centrex incoming-call popups, click-to-call and service receipts (AS 접수 / 服务受理).

The phone rings, Centrex calls our ring callback (:mod:`plugins.cti_lg.callback`),
the call is recorded and the agent of the extension gets a popup pushed by
Server-Sent Events (:mod:`plugins.cti_lg.stream`) with the matching customers,
their open receipts and recent activities; the agent writes a service receipt
(:mod:`plugins.cti_lg.entities`) from it.  Missed callbacks are recovered by
polling ``getinboundcall`` (:mod:`plugins.cti_lg.reconcile`).  Off by default:
it needs a Centrex account (or the fake one: ``plugcrm cti-lg fake-centrex``).
"""
from __future__ import annotations

from pathlib import Path

from flask import url_for

from core.entities import RelatedList
from core.plugin_api import translator
from core.plugins import Manifest
from core.security.permissions import can
from hooks import hookimpl
from plugins.cti_lg import cli, demo as demo_data, models, receipts, reconcile  # noqa: F401  (models: the tables)
from plugins.cti_lg.api import api
from plugins.cti_lg.callback import public
from plugins.cti_lg.entities import picklists, service_receipts
from plugins.cti_lg.views import pages

_, _l = translator("cti_lg")

HERE = Path(__file__).parent

manifest = Manifest(name="cti_lg", version="0.1.0", label="CTI (LG U+ Centrex)", depends=("customers",),
                    uses=("quotes",),
                    description="Incoming-call popups from LG U+ Centrex pushed to the agent's browser, "
                                "click-to-call, and service receipts (AS 접수) with statistics.")


@hookimpl
def crm_entities():
    return [service_receipts]


@hookimpl
def crm_picklists():
    return picklists


@hookimpl
def crm_migrations():
    return HERE / "migrations" / "versions"


@hookimpl
def crm_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def crm_blueprints():
    return [api, pages, public]


@hookimpl
def crm_job_handlers():
    return {reconcile.JOB_TYPE: reconcile.handler}


@hookimpl
def crm_cli_commands():
    return [cli.group]


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.name == "service_receipts":
        receipts.before_save(values, old, user)


@hookimpl
def crm_related_lists(entity):
    if entity.name in ("accounts", "contacts"):
        key = "account_id" if entity.name == "accounts" else "contact_id"
        return [RelatedList("service_receipts", key, label=_l("Service receipts"), order=45)]
    return []


@hookimpl
def crm_default_rights():
    """The service desk takes the calls: besides writing receipts it downloads them to Excel."""
    return {"service": {"service_receipts": ["view", "create", "edit", "export"]}}


@hookimpl
def crm_page_scripts(user):
    return [url_for("cti_lg.static", filename="popup.js")]


@hookimpl
def crm_menu_items(user):
    items = []
    if can(user, service_receipts, "view"):
        items += [dict(label=_l("Receipt board"), endpoint="cti_lg.board", icon="headset", order=35),
                  dict(label=_l("Receipt statistics"), endpoint="cti_lg.statistics", icon="chart", order=36)]
    if user is not None and user.is_admin:
        items.append(dict(label=_l("CTI settings"), endpoint="cti_lg.settings", icon="settings", order=93))
    return items


@hookimpl
def crm_demo_data(demo):
    demo_data.fill(demo)

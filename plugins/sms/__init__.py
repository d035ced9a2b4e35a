"""sms: text messages to contacts and groups through provider adapters (Aligo, Solapi, NHN Cloud, a file).

Korean carriers count bytes (:mod:`plugins.sms.length`), Korean law makes
advertising special (:mod:`plugins.sms.rules`), and every recipient gets one
row in a send log that nobody can delete (:mod:`plugins.sms.models`).
"""
from __future__ import annotations

from core.plugin_api import translator
from core.plugins import Manifest
from core.security.permissions import can
from hooks import hookimpl
from plugins.customers.entities import contacts
from plugins.sms import adapters, api, delivery, models, reminders, sending, views  # noqa: F401  (models: the tables)
from plugins.sms.workflow_task import SendSms

_, _l = translator("sms")

manifest = Manifest(name="sms", version="0.1.0", label=_l("SMS"), depends=["customers"], uses=["workflows"],
                    description=_l("Text messages with Korean byte rules, the advertising law, registered senders "
                                "and an undeletable send log."))


@hookimpl
def crm_sms_providers():
    return dict(adapters.BUILT_IN)


@hookimpl
def crm_job_handlers():
    return {sending.JOB_TYPE: sending.send_job, delivery.JOB_TYPE: delivery.check_job}


@hookimpl
def crm_job_type_labels():
    return {sending.JOB_TYPE: _l("Sending SMS"), delivery.JOB_TYPE: _l("SMS delivery check")}


@hookimpl
def crm_blueprints():
    return [api.api, views.pages]


@hookimpl
def crm_record_panels(entity):
    if entity.name in ("contacts", "accounts"):
        return [dict(title=_l("Text messages"), template="sms/panel.html", order=40)]
    return []


@hookimpl
def crm_menu_items(user):
    if not can(user, contacts, "view"):
        return []
    return [dict(label=_l("Send SMS"), endpoint="sms.compose", icon="message", order=40, group="communication"),
            dict(label=_l("SMS log"), endpoint="sms.log_page", icon="list", order=41, group="communication")]


@hookimpl
def crm_workflow_task_types():
    return {SendSms.name: SendSms()}


@hookimpl
def crm_activity_reminder(activity, users):
    reminders.queue_reminder(activity, users)

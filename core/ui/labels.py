"""Words for the codes the core stores: job statuses and types, audit actions, field types.

Pages show these instead of the stored code; a code without a word (a plugin's
job type that declares none) falls back to a generic word, never the code.
"""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from core.runtime import runtime

JOB_STATUSES = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed, will retry"),
                "dead": _l("Failed")}
CORE_JOB_TYPES = {"core.email": _l("Sending e-mail"), "core.import": _l("Import"), "core.export": _l("Export"),
                  "core.transfer": _l("Handover of records")}
AUDIT_ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
                 "restore": _l("Restored"), "transfer": _l("Handed over"), "purge": _l("Deleted for good"),
                 "settings": _l("Settings changed")}
FIELD_TYPES = {"text": _l("Text"), "longtext": _l("Long text"), "email": _l("Email"), "url": _l("Web address"),
               "phone": _l("Phone"), "integer": _l("Whole number"), "decimal": _l("Decimal number"),
               "money": _l("Amount of money"), "percent": _l("Percent"), "boolean": _l("Yes / no"),
               "date": _l("Date"), "datetime": _l("Date and time"),
               "picklist": _l("Picklist"), "multipicklist": _l("Multiple choice picklist"),
               "reference": _l("Link to a record"), "user": _l("User")}


def job_status(code: str) -> str:
    return str(JOB_STATUSES.get(code) or _("Other"))


def job_type(code: str) -> str:
    """A job type's word: the core's, else the one its plugin declares (``crm_job_type_labels``)."""
    if code in CORE_JOB_TYPES:
        return str(CORE_JOB_TYPES[code])
    for labels in runtime().hook.crm_job_type_labels():
        if labels and code in labels:
            return str(labels[code])
    return _("Background task")


def audit_action(code: str) -> str:
    return str(AUDIT_ACTIONS.get(code) or _("Other"))


def field_type(code: str) -> str:
    return str(FIELD_TYPES.get(code) or _("Other"))


def register(app) -> None:
    app.jinja_env.filters.update(job_status=job_status, job_type=job_type, audit_action=audit_action,
                                 field_type=field_type)

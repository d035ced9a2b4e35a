"""Workflow task "send SMS": a text with merge fields to a phone field of the record (or of a related record).

Configuration: ``{"type": "send_sms", "to_field": "mobile", "text": "{{ record.name }}님, ..."}``;
``to_field`` may follow a reference (``contact_id.mobile``).  The text is a
workflow template (the same merge fields as the email task).  The send is
queued in the record's transaction, from the first registered sender number,
in the log of the record's owner.
"""
from __future__ import annotations

from core.plugin_api import translator

from plugins.sms.recipients import Recipient, normalise
from plugins.sms.services import queue_direct
from plugins.workflows.tasks.base import TaskError, TaskType
from plugins.workflows.templates import render

_, _l = translator("sms")


class SendSms(TaskType):
    name = "send_sms"
    label = _l("Send SMS")

    def compile(self, entity, config, env):
        resolved = env.field(config.get("to_field"), "to_field")
        if resolved.field.type != "phone":
            raise TaskError("to_field", _("%(name)s is not a phone field.", name=config.get("to_field")))
        return {"to_field": config["to_field"], "text": env.template(config.get("text"), "text")}

    def message(self, compiled, ctx) -> dict:
        return {"to": normalise(ctx.view.value(compiled["to_field"])), "text": render(compiled["text"], ctx).strip()}

    def run(self, compiled, ctx):
        message = self.message(compiled, ctx)
        if not message["to"] or not message["text"]:
            return {"status": "skipped", "detail": _("The record has no mobile number to text.")}
        owner = ctx.record.get("owner_id") or getattr(ctx.user, "id", None)
        sent = queue_direct(owner, [Recipient(message["to"], str(ctx.record.get("name") or ""),
                                              contact_id=ctx.record["id"] if ctx.entity.name == "contacts" else None)],
                            message["text"], origin="workflow")
        if sent is None:
            return {"status": "skipped", "detail": _("Opted out, or no registered sender number.")}
        return {"status": "queued", "detail": {"message_id": sent.id, "to": message["to"]}}

    def preview(self, compiled, ctx):
        return self.message(compiled, ctx)

"""Task "call a webhook": POST the record as JSON, signed with HMAC-SHA256 over the body.

The receiver checks ``X-Plugcrm-Signature: sha256=<hex>`` with the shared
secret (``hmac.compare_digest``).  The call itself is a durable job
(``workflows.webhook``, an :class:`~core.jobs.IOJob`: no transaction is open
during the call): a receiver that is down gets retried with backoff, every
attempt with the same ``Idempotency-Key`` so the receiver can drop a repeat.
The secret is stored sealed (:mod:`core.secret_values`) and opened from the
workflow when the job runs, never copied into the job table.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlsplit

from core import egress, secret_values
from core.db import session
from core.entities.records import to_json
from core.jobs import IOJob, PermanentJobError, enqueue
from core.plugin_api import translator
from plugins.workflows.models import Workflow
from plugins.workflows.tasks.base import Param, TaskError, TaskType

_, _l = translator("workflows")

JOB_TYPE = "workflows.webhook"
SIGNATURE_HEADER = "X-Plugcrm-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMEOUT_SECONDS = 15


def seal_secrets(tasks: list[dict]) -> list[dict]:
    """``tasks`` with every webhook secret given in plain text sealed, ready to store."""
    return [dict(task, secret=secret_values.seal(task["secret"]))
            if task.get("type") == Webhook.name and isinstance(task.get("secret"), str) else task
            for task in tasks]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Webhook(TaskType):
    name = "webhook"
    label = _l("Call a webhook")

    params = (Param("url", _l("Address (URL)"), "text", required=True,
                    help=_l("The record is posted as JSON to this http:// or https:// address.")),
              Param("secret", _l("Shared secret"), "text", required=True,
                    help=_l("At least 16 characters; the receiver checks the signature with it.")))

    def compile(self, entity, config, env):
        url = config.get("url")
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")) or len(url) > 1000:
            raise TaskError("url", _("Give an http:// or https:// address."))
        try:
            refused = egress.refused_reason(urlsplit(url).hostname or "")
        except ValueError:  # a malformed host or port
            raise TaskError("url", _("Give an http:// or https:// address.")) from None
        if refused:
            raise TaskError("url", refused)
        secret = config.get("secret")  # a sealed one was checked when it was given
        if not secret_values.is_sealed(secret) and (not isinstance(secret, str) or len(secret) < 16):
            raise TaskError("secret", _("Give a shared secret of at least 16 characters."))
        return {"url": url}

    def body(self, ctx) -> dict:
        return {"event": "workflow", "workflow": {"id": ctx.workflow_id, "name": ctx.workflow_name},
                "entity": ctx.entity.name, "record": to_json(ctx.entity, ctx.record)}

    def run(self, compiled, ctx):
        job_id = enqueue(JOB_TYPE, {"workflow_id": ctx.workflow_id, "task_index": ctx.task_index,
                                    "url": compiled["url"], "body": self.body(ctx)})
        return {"status": "queued", "job_id": job_id, "detail": {"url": compiled["url"]}}

    def preview(self, compiled, ctx):
        return {"url": compiled["url"], "body": self.body(ctx)}


def prepare_webhook(payload: dict, ctx) -> dict:
    """In a transaction: open the workflow's secret and build the signed request."""
    workflow = session().get(Workflow, payload["workflow_id"])
    try:
        stored = workflow.tasks[payload["task_index"]]["secret"]
    except (AttributeError, IndexError, KeyError, TypeError):
        raise PermanentJobError("the workflow or its webhook task no longer exists") from None
    try:
        secret = secret_values.reveal(stored, _("webhook secret"))
    except secret_values.SecretUnreadable as exc:
        raise PermanentJobError(exc.message) from None
    body = json.dumps(payload["body"], ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(secret, body),
               IDEMPOTENCY_HEADER: ctx.idempotency_key, "User-Agent": "plugcrm-workflows"}
    return {"url": payload["url"], "body": body, "headers": headers}


def call_webhook(request: dict, ctx) -> None:
    """With no transaction open: POST through core.egress (no private or metadata addresses, no redirects,
    one error text for every network failure); a refused address ends the job, other failures retry."""
    try:
        egress.post(request["url"], request["body"], request["headers"], TIMEOUT_SECONDS)
    except egress.EgressRefused as exc:
        raise PermanentJobError(str(exc)) from None


#: A retry whose earlier attempt's outcome is unknown calls again with the same Idempotency-Key.
webhook_job = IOJob(prepare=prepare_webhook, send=call_webhook)

"""Deal alerts: settings in, one workflow out (through the workflows plugin's public services).

The alert is the workflow "once per record, when <money field> > threshold:
send email".  "Once" means a deal created above the threshold, or raised above
it later, alerts exactly once - also when it is lowered and raised again, and
also with several workers - because the workflow engine claims (workflow,
record) under a unique key.  Existing deals are not swept when alerts are
switched on (``recheck: false``): only saves count.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.db import session
from core.entities.query import all_fields
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from plugins.deal_alerts.models import DealAlertConfig
from plugins.workflows import services as workflows

_, _l = translator("deal_alerts")

WORKFLOW_KEY = "deal_alerts:alert"
SETTINGS = ("active", "entity", "field", "threshold", "recipients", "subject", "body")


def default_target() -> tuple[str | None, str | None]:
    """Opportunities' amount when that plugin is enabled; otherwise the administrator must choose."""
    entities = runtime().registry.entities
    if "opportunities" in entities and "amount" in entities["opportunities"].field_map:
        return "opportunities", "amount"
    return None, None


def default_subject(entity) -> str:
    return _("[Big deal] {{ record.%(title)s }}: {{ amount|money }}", title=entity.title_field)


def default_body(entity) -> str:
    return _("A big deal was entered.\n\n%(entity)s: {{ record.%(title)s }}\nAmount: {{ amount|money }}\n"
             "Owner: {{ owner.name }}\nThreshold: {{ threshold|money }}",
             entity=str(entity.label_singular or entity.label), title=entity.title_field)


def current() -> DealAlertConfig | None:
    return session().get(DealAlertConfig, 1)


def config_json(config: DealAlertConfig | None) -> dict:
    if config is None:
        entity, field = default_target()
        return {"configured": False, "active": False, "entity": entity, "field": field, "threshold": None,
                "recipients": {}, "subject": None, "body": None, "workflow_id": None}
    row = workflows.find_keyed(WORKFLOW_KEY)
    return {"configured": True, "active": config.active, "entity": config.entity, "field": config.field,
            "threshold": str(config.threshold), "recipients": config.recipients, "subject": config.subject,
            "body": config.body, "workflow_id": row.id if row else None}


def configure(data: dict, user=None) -> DealAlertConfig:
    """Check and store the settings, then install or replace the alert workflow in the same transaction."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise ValidationError(_("Some settings are not valid."), {k: _("Unknown setting.") for k in unknown})
    config = current()
    merged = {**(settings_of(config) if config else defaults()), **data}
    entity, field = check_target(merged.get("entity"), merged.get("field"))
    threshold = check_threshold(merged.get("threshold"))
    if not isinstance(merged.get("active", True), bool):
        raise ValidationError(_("Some settings are not valid."), {"active": _("Must be true or false.")})
    subject = merged.get("subject") or default_subject(entity)
    body = merged.get("body") or default_body(entity)
    definition = alert_workflow(entity.name, field, threshold, merged.get("recipients"), subject, body,
                                merged.get("active", True))
    try:
        workflows.upsert_keyed(WORKFLOW_KEY, definition, plugin="deal_alerts", user=user)
    except ValidationError as exc:
        raise ValidationError(_("Some settings are not valid."), settings_errors(exc.fields)) from None
    config = config or DealAlertConfig(id=1)
    config.active, config.entity, config.field, config.threshold = merged.get("active", True), entity.name, \
        field, threshold
    config.recipients, config.subject, config.body = merged.get("recipients"), subject, body
    config.updated_by_id = getattr(user, "id", None)
    session().add(config)
    session().flush()
    return config


def defaults() -> dict:
    entity, field = default_target()
    return {"active": True, "entity": entity, "field": field}


def settings_of(config: DealAlertConfig) -> dict:
    return {"active": config.active, "entity": config.entity, "field": config.field,
            "threshold": config.threshold, "recipients": config.recipients, "subject": config.subject,
            "body": config.body}


def check_target(entity_name, field_name):
    entities = runtime().registry.entities
    if entity_name not in entities:
        raise ValidationError(_("Some settings are not valid."), {"entity": _("Choose the entity to watch.")})
    entity = entities[entity_name]
    field = all_fields(entity).get(field_name)
    if field is None or field.type != "money":
        money = sorted(f.name for f in all_fields(entity).values() if f.type == "money")
        return_message = _("Choose a money field of %(entity)s: %(fields)s.", entity=entity.name,
                           fields=", ".join(money) or "-")
        raise ValidationError(_("Some settings are not valid."), {"field": return_message})
    return entity, field.name


def check_threshold(raw) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "").strip()) if raw not in (None, "") and \
            not isinstance(raw, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value >= Decimal(10) ** 15:
        raise ValidationError(_("Some settings are not valid."),
                              {"threshold": _("Give an amount greater than 0.")})
    return value.quantize(Decimal("0.01"))


def alert_workflow(entity: str, field: str, threshold: Decimal, recipients, subject: str, body: str,
                   active: bool) -> dict:
    """The workflow definition; ``amount`` and ``threshold`` are offered to the templates as merge fields."""
    prelude = "{% set amount = record." + field + " %}{% set threshold = '" + str(threshold) + "' %}"
    return {"name": _("Deal alert: %(field)s above %(threshold)s", field=field, threshold=f"{threshold:,.0f}"),
            "entity": entity, "active": active, "description": _("Managed by the deal alerts settings."),
            "trigger": {"type": "once", "recheck": False},
            "conditions": {"all": [{"field": field, "op": "gt", "value": str(threshold)}]},
            "tasks": [{"type": "send_email", "title": _("Deal alert email"), "recipients": recipients,
                       "subject": prelude + subject, "body": prelude + body}]}


def settings_errors(fields: dict) -> dict:
    """Workflow error paths shown as the settings they came from."""
    out = {}
    for key, message in fields.items():
        if key.startswith("tasks[0].recipients"):
            out["recipients"] = message
        elif key.startswith("tasks[0].subject"):
            out["subject"] = message
        elif key.startswith("tasks[0].body"):
            out["body"] = message
        elif key.startswith("conditions"):
            out["threshold"] = message
        else:
            out[key] = message
    return out

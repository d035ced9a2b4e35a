"""Checking a workflow definition and compiling it into what the engine runs.

A definition (API body, default workflow, deal_alerts)::

    {"name": "...", "entity": "opportunities", "active": true,
     "trigger": {"type": "create" | "save" | "modify" | "once" | "scheduled" | "manual",
                 "schedule": {"every": "daily", "time": "09:00"},   # scheduled only
                 "recheck": true},                                  # once: re-check daily (default)
     "conditions": {"all": [{"field": "amount", "op": "gt", "value": "10000000"}], "any": []},
     "tasks": [{"type": "update_fields", "title": "...", "delay": {"days": 3, "after_field": "close_date"},
                "fields": [{"field": "forecast_amount", "expr": "amount * probability / 100"}]}]}

Everything is checked here, when the workflow is saved: unknown fields,
operators that do not fit the field type, expression syntax and types,
templates, recipients, schedules and delays.  Problems come back as one
:class:`core.errors.ValidationError` whose ``fields`` map a path such as
``tasks[0].fields[0].expr`` to a message.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field
from typing import Any

from core.entities.declaration import Entity
from core.errors import ValidationError
from core.plugin_api import translator
from core.runtime import runtime
from plugins.workflows import expressions as ex
from plugins.workflows.conditions import Condition, ConditionError, ExpressionCondition, compile_condition
from plugins.workflows.schedules import Schedule, ScheduleError, parse_schedule
from plugins.workflows.tasks.base import CompileEnv, TaskError, TaskType

_, _l = translator("workflows")

TRIGGERS = ("create", "save", "modify", "once", "scheduled", "manual")
SAVE_TRIGGERS = ("create", "save", "modify", "once")
MAX_CONDITIONS = 50
MAX_TASKS = 20


@dataclass
class Delay:
    """Run the task ``offset`` after now, or after/before a date field of the record."""

    offset: dt.timedelta
    after_field: str | None = None

    def due(self, record: dict) -> dt.datetime | None:
        from core.i18n import deployment_tz
        from plugins.workflows.timeutil import now

        if self.after_field is None:
            return now() + self.offset
        base = record.get(self.after_field)
        if base is None:
            return None
        if not isinstance(base, dt.datetime):
            base = dt.datetime.combine(base, dt.time(9, 0), tzinfo=deployment_tz())
        return base + self.offset


@dataclass
class CompiledTask:
    index: int
    type: TaskType
    title: str
    compiled: Any
    delay: Delay | None = None


@dataclass
class CompiledWorkflow:
    id: int | None
    name: str
    entity: Entity
    trigger: str
    schedule: Schedule | None
    all: list[Condition | ExpressionCondition]
    any: list[Condition | ExpressionCondition]
    tasks: list[CompiledTask]
    log_all: bool = False
    active: bool = True
    watched: set[str] = dc_field(default_factory=set)
    recheck: bool = True   # "once": also re-checked daily by the worker (date conditions)

    def fires_on(self, event: str) -> bool:
        """``event`` is ``create`` or ``update``."""
        return (self.trigger in ("save", "once") or (self.trigger == "create" and event == "create")
                or (self.trigger == "modify" and event == "update"))

    def writes(self) -> set[str]:
        return {name for t in self.tasks if t.delay is None for name in t.type.writes(t.compiled)}

    def creates(self) -> set[str]:
        return {name for t in self.tasks if (name := t.type.creates(t.compiled))}


def task_types() -> dict[str, TaskType]:
    from plugins.workflows.tasks import BUILTIN_TASK_TYPES

    table = dict(BUILTIN_TASK_TYPES)
    for group in runtime().hook.crm_workflow_task_types():
        table.update(group or {})
    return table


def functions() -> dict[str, ex.Function]:
    table = dict(ex.BUILTINS)
    for group in runtime().hook.crm_workflow_functions():
        table.update({name.lower(): ex.as_function(fn) for name, fn in (group or {}).items()})
    return table


class Problems:
    """Collects ``{path: message}``; raised together as one 422."""

    def __init__(self):
        self.fields: dict[str, str] = {}

    def add(self, key: str, message: str):
        self.fields.setdefault(key, str(message))

    def raise_if_any(self):
        if self.fields:
            raise ValidationError(_("The workflow is not valid."), self.fields)


def clean_definition(data) -> dict:
    """The stored form of a definition (whitelisted keys, defaults filled in); structure errors are 422."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    problems = Problems()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.add("name", _("A name of 1 to 200 characters is required."))
    entity = data.get("entity")
    if entity not in runtime().registry.entities:
        problems.add("entity", _("Unknown entity %(name)s.", name=entity))
    trigger = data.get("trigger") or {}
    if isinstance(trigger, str):
        trigger = {"type": trigger}
    if not isinstance(trigger, dict) or trigger.get("type") not in TRIGGERS:
        problems.add("trigger.type", _("Choose one of: %(choices)s.", choices=", ".join(TRIGGERS)))
    elif not isinstance(trigger.get("recheck", True), bool):
        problems.add("trigger.recheck", _("Must be true or false."))
    conditions = data.get("conditions") or {}
    if not isinstance(conditions, dict) or set(conditions) - {"all", "any"} or \
            not all(isinstance(conditions.get(g, []), list) for g in ("all", "any")):
        problems.add("conditions", _("Conditions are {\"all\": [...], \"any\": [...]}."))
    tasks = data.get("tasks") or []
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        problems.add("tasks", _("Tasks are a list of objects."))
    for key in ("active", "log_all"):
        if key in data and not isinstance(data[key], bool):
            problems.add(key, _("Must be true or false."))
    description = data.get("description") or ""
    if not isinstance(description, str):
        problems.add("description", _("Must be text."))
    problems.raise_if_any()
    if len(conditions.get("all", [])) + len(conditions.get("any", [])) > MAX_CONDITIONS:
        problems.add("conditions", _("At most %(n)s conditions.", n=MAX_CONDITIONS))
    if len(tasks) > MAX_TASKS:
        problems.add("tasks", _("At most %(n)s tasks.", n=MAX_TASKS))
    problems.raise_if_any()
    return {"name": name.strip(), "entity": entity, "description": description.strip(),
            "active": data.get("active", True), "log_all": data.get("log_all", False), "trigger": trigger,
            "conditions": {"all": conditions.get("all", []), "any": conditions.get("any", [])}, "tasks": tasks}


def compile_definition(definition: dict, workflow_id: int | None = None) -> CompiledWorkflow:
    """Compile a cleaned definition; every problem found is reported at once (422)."""
    entity = runtime().registry.get(definition["entity"])
    problems = Problems()
    trigger = definition["trigger"]["type"]
    schedule = None
    if trigger == "scheduled":
        try:
            schedule = parse_schedule(definition["trigger"].get("schedule"))
        except ScheduleError as exc:
            problems.add(f"trigger.schedule.{exc.key}" if exc.key else "trigger.schedule", exc.message)
    groups = {}
    table = functions()
    for group in ("all", "any"):
        groups[group] = []
        for i, raw in enumerate(definition["conditions"][group]):
            try:
                condition = compile_condition(entity, raw, table)
            except ConditionError as exc:
                problems.add(f"conditions.{group}[{i}].{exc.key}", exc.message)
                continue
            if condition.reads_change and trigger not in SAVE_TRIGGERS:
                problems.add(f"conditions.{group}[{i}].op",
                             _("Changes can only be watched by workflows that run when a record is saved."))
            groups[group].append(condition)
    tasks = compile_tasks(entity, definition["tasks"], trigger, problems)
    problems.raise_if_any()
    watched = {path for c in groups["all"] + groups["any"] for path in c.reads}
    return CompiledWorkflow(workflow_id, definition["name"], entity, trigger, schedule, groups["all"],
                            groups["any"], tasks, definition.get("log_all", False), definition.get("active", True),
                            watched, definition["trigger"].get("recheck", True))


def compile_tasks(entity: Entity, raw_tasks: list, trigger: str, problems: Problems) -> list[CompiledTask]:
    types = task_types()
    env = CompileEnv(entity, functions())
    compiled = []
    for i, raw in enumerate(raw_tasks):
        key = f"tasks[{i}]"
        task_type = types.get(raw.get("type"))
        if task_type is None:
            problems.add(f"{key}.type", _("Unknown task type %(name)s; use one of: %(choices)s.",
                                          name=raw.get("type"), choices=", ".join(sorted(types))))
            continue
        try:
            delay = parse_delay(entity, raw.get("delay"), env)
            compiled.append(CompiledTask(i, task_type, str(raw.get("title") or task_type.label),
                                         task_type.compile(entity, raw, env), delay))
        except TaskError as exc:
            problems.add(f"{key}.{exc.key}", exc.message)
    return compiled


def parse_delay(entity: Entity, raw, env: CompileEnv) -> Delay | None:
    if raw in (None, {}, 0):
        return None
    if not isinstance(raw, dict) or set(raw) - {"days", "hours", "minutes", "after_field", "before"}:
        raise TaskError("delay", _("A delay is {\"days\", \"hours\", \"minutes\", \"after_field\", \"before\"}."))
    amounts = {}
    for unit in ("days", "hours", "minutes"):
        value = raw.get(unit, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650 * 24 * 60:
            raise TaskError(f"delay.{unit}", _("Give a whole number of at least 0."))
        amounts[unit] = value
    offset = dt.timedelta(**amounts)
    if raw.get("before"):
        offset = -offset
    after_field = raw.get("after_field")
    if after_field is not None:
        resolved = env.field(after_field, "delay.after_field")
        if resolved.reference is not None or resolved.field.type not in ("date", "datetime"):
            raise TaskError("delay.after_field", _("%(name)s is not a date field of this record.", name=after_field))
    elif offset <= dt.timedelta(0):
        raise TaskError("delay", _("A delay needs a positive length or a date field."))
    return Delay(offset, after_field)

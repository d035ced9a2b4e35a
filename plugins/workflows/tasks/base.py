"""The task-type interface: what ``crm_workflow_task_types`` returns (``{name: TaskType()}``).

A task type checks its configuration when the workflow is saved
(:meth:`TaskType.compile` raises :class:`TaskError`), performs it when the
workflow fires (:meth:`TaskType.run`, inside the record's transaction: write
rows or enqueue durable jobs, never talk to the network) and describes what
it would do for the dry run (:meth:`TaskType.preview`).

Example (the sms plugin)::

    class SendSms(TaskType):
        name = "send_sms"
        label = _l("Send SMS")
        params = (Param("to_field", _l("Phone field"), "field", required=True),
                  Param("text", _l("Message"), "template", required=True))

        def compile(self, entity, config, env):
            return {"to_field": env.field(config.get("to_field"), "to_field"),
                    "text": env.template(config.get("text"), "text")}

        def run(self, compiled, ctx):
            job_id = enqueue("sms.send", {...})
            return {"status": "queued", "job_id": job_id}

``params`` declares the settings; the workflow designer renders its form from
them, so a plugin's task type gets a form without any UI code.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any

from core.entities.declaration import Entity
from core.plugin_api import translator
from plugins.workflows import expressions as ex
from plugins.workflows.fieldpaths import RecordView, expression_type_of, resolve

_, _l = translator("workflows")


PARAM_KINDS = ("text", "longtext", "template", "number", "boolean", "choice", "field", "expression", "email")


@dataclass(frozen=True)
class Param:
    """One setting of a task type, as the designer shows it.

    ``kind``: ``text``, ``longtext``, ``template`` (merge fields offered), ``number``, ``boolean``,
    ``choice`` (``choices`` are ``(value, label)`` pairs), ``field`` (a field of the workflow's
    entity), ``expression`` (checked as you type) or ``email``.
    """

    name: str
    label: Any
    kind: str = "text"
    required: bool = False
    help: Any = ""
    choices: tuple = ()

    def __post_init__(self):
        if self.kind not in PARAM_KINDS:
            raise ValueError(f"task parameter {self.name!r}: kind must be one of {', '.join(PARAM_KINDS)}")

    def as_json(self) -> dict:
        return {"name": self.name, "label": str(self.label), "kind": self.kind, "required": self.required,
                "help": str(self.help or ""), "choices": [[v, str(label)] for v, label in self.choices]}


class TaskError(ValueError):
    """A task configuration that cannot work; ``key`` names the offending setting."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass
class CompileEnv:
    """Helpers for :meth:`TaskType.compile`: fields, expressions and templates checked against ``entity``."""

    entity: Entity
    functions: dict[str, ex.Function]

    def field(self, name, key: str, *, writable: bool = False, entity: Entity | None = None):
        target = entity or self.entity
        resolved = resolve(target, name) if isinstance(name, str) and name else None
        if resolved is None or (writable and (resolved.reference is not None or resolved.field.readonly)):
            message = _("Unknown field %(name)s.", name=name) if resolved is None else \
                _("%(name)s cannot be written.", name=name)
            raise TaskError(key, message)
        return resolved

    def expression(self, source, key: str) -> ex.Expression:
        try:
            return ex.compile_expression(source, expression_type_of(self.entity), self.functions)
        except ex.ExpressionError as exc:
            raise TaskError(key, str(exc)) from None

    def template(self, source, key: str, *, required: bool = True):
        from plugins.workflows.templates import TemplateError, compile_template

        if source in (None, "") and not required:
            return None
        try:
            return compile_template(source, self.entity)
        except TemplateError as exc:
            raise TaskError(key, str(exc)) from None


@dataclass
class TaskContext:
    """What a running task sees.  ``values`` is the record being saved (before_save) or the stored record."""

    entity: Entity
    record: dict
    old: dict | None
    workflow_id: int
    workflow_name: str
    user: Any
    functions: dict[str, ex.Function]
    run_id: int | None = None
    task_index: int = 0
    _view: RecordView | None = dc_field(default=None, repr=False)

    @property
    def view(self) -> RecordView:
        if self._view is None or self._view.record is not self.record:
            self._view = RecordView(self.entity, self.record)
        return self._view

    def evaluate(self, expression: ex.Expression):
        return expression.evaluate(self.view.value, self.functions)


class TaskType:
    name = ""
    label: Any = ""
    #: the settings the designer's form shows (see :class:`Param`)
    params: tuple[Param, ...] = ()
    #: field updates run inside the save itself, before the row is written
    in_save = False

    def compile(self, entity: Entity, config: dict, env: CompileEnv) -> Any:
        """Check ``config``; return what :meth:`run` needs (raise :class:`TaskError`)."""
        return config

    def run(self, compiled, ctx: TaskContext) -> dict:
        """Do it in the current transaction; return ``{"status": "done"|"queued", "job_id"?, "detail"?}``."""
        raise TaskError("type", _("This task type cannot run."))

    def apply(self, compiled, values: dict, ctx: TaskContext) -> dict:
        """For ``in_save`` tasks: change ``values`` before the row is written; return the result."""
        return self.run(compiled, ctx)

    def preview(self, compiled, ctx: TaskContext) -> dict:
        """What :meth:`run` would do, without doing it (the dry run)."""
        return {}

    def writes(self, compiled) -> set[str]:
        """Fields of the workflow's entity this task changes (loop detection)."""
        return set()

    def creates(self, compiled) -> str | None:
        """The entity this task creates records of (loop detection)."""
        return None

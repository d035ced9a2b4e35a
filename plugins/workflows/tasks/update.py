"""Task "update fields": set fields to a value, another field, or an expression.

Run inside the save (``in_save``) the new values are written with the record
itself, so the user sees e.g. the forecast amount at once and no second save
is needed.  Run later (delayed, scheduled, manual) it saves through the
records service like any other change.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.entities.fields import FieldValueError
from core.money import round_money
from core.plugin_api import translator
from plugins.workflows import expressions as ex
from plugins.workflows.conditions import plain
from plugins.workflows.fieldpaths import EXPRESSION_TYPES
from plugins.workflows.tasks.base import TaskError, TaskType

_, _l = translator("workflows")


@dataclass(frozen=True)
class Assignment:
    field: object
    expression: ex.Expression


def literal_source(value) -> str:
    """A checked value written as an expression literal (dates as text, which date fields accept)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(abs(value)) if value >= 0 else f"-{abs(value)}"
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if isinstance(value, list):
        value = ";".join(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def compile_assignments(items, env, key: str, *, entity=None) -> list[Assignment]:
    """``[{"field", "value"|"field_from"|"expr"}]`` checked against the (target) entity's field types."""
    if not isinstance(items, list) or not items:
        raise TaskError(key, _("Give at least one field to set."))
    result = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise TaskError(where, _("Each entry names a field and a value, field_from or expr."))
        target = env.field(item.get("field"), where + ".field", writable=True, entity=entity)
        if "expr" in item:
            source = item["expr"]
        elif "field_from" in item:
            source = str(item["field_from"])
        elif "value" in item:
            source = literal_source(coerce_or_fail(target.field, item["value"], where))
        else:
            raise TaskError(where, _("Give a value, field_from or expr."))
        expression = env.expression(source, where + ".expr")
        wanted = EXPRESSION_TYPES.get(target.field.type, ex.ANY)
        if not ex.compatible(expression.type, wanted) and not (wanted in (ex.DATE, ex.DATETIME)
                                                               and expression.type == ex.TEXT):
            raise TaskError(where + ".expr", _("%(field)s needs %(wanted)s but the expression gives %(actual)s.",
                                               field=target.path, wanted=ex.type_name(wanted),
                                               actual=ex.type_name(expression.type)))
        result.append(Assignment(target.field, expression))
    return result


def coerce_or_fail(field, value, key):
    if value is None:
        return None
    try:
        return field.kind.coerce(field, value)
    except FieldValueError as exc:
        raise TaskError(key, str(exc)) from None


def computed_values(assignments: list[Assignment], ctx) -> dict:
    """The new values; an expression result that does not fit its field is an error for the run log."""
    out = {}
    for a in assignments:
        value = ctx.evaluate(a.expression)
        if value is not None and value != "":
            try:
                value = a.field.kind.coerce(a.field, value)
            except FieldValueError as exc:
                raise TaskError(a.field.name, f"{a.field.name}: {exc}") from None
            if a.field.type == "money":
                value = round_money(value)
        out[a.field.name] = None if value == "" else value
    return out


class UpdateFields(TaskType):
    name = "update_fields"
    label = _l("Update fields")
    in_save = True

    def compile(self, entity, config, env):
        return compile_assignments(config.get("fields"), env, "fields")

    def apply(self, compiled, values, ctx):
        changes = computed_values(compiled, ctx)
        values.update(changes)
        return {"status": "done", "detail": {k: plain(v) for k, v in changes.items()}}

    def run(self, compiled, ctx):
        from core.entities import records

        changes = computed_values(compiled, ctx)
        data = {k: (None if v is None else k_json(ctx.entity, k, v)) for k, v in changes.items()}
        records.update(ctx.entity, ctx.record["id"], data, ctx.user, check_rights=False)
        return {"status": "done", "detail": {k: plain(v) for k, v in changes.items()}}

    def preview(self, compiled, ctx):
        return {"set": {k: plain(v) for k, v in computed_values(compiled, ctx).items()}}

    def writes(self, compiled):
        return {a.field.name for a in compiled}


def k_json(entity, name, value):
    """The API form of a value (records.update takes request-shaped input)."""
    from core.entities.query import all_fields

    f = all_fields(entity)[name]
    return f.kind.to_json(value)

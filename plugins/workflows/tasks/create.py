"""Task "create a record": e.g. a follow-up activity, with values or expressions over the trigger record."""
from __future__ import annotations

from core.plugin_api import translator
from core.runtime import runtime
from plugins.workflows.conditions import plain
from plugins.workflows.tasks.base import TaskError, TaskType
from plugins.workflows.tasks.update import compile_assignments, computed_values, k_json

_, _l = translator("workflows")


class CreateRecord(TaskType):
    name = "create_record"
    label = _l("Create a record")

    def compile(self, entity, config, env):
        target_name = config.get("entity")
        if target_name not in runtime().registry.entities:
            raise TaskError("entity", _("Unknown entity %(name)s.", name=target_name))
        target = runtime().registry.get(target_name)
        assignments = compile_assignments(config.get("fields"), env, "fields", entity=target)
        missing = [f.name for f in target.fields if f.required and f.default is None
                   and f.name not in {a.field.name for a in assignments}]
        if missing:
            raise TaskError("fields", _("Required fields are missing: %(names)s.", names=", ".join(missing)))
        return {"entity": target, "fields": assignments}

    def data(self, compiled, ctx) -> dict:
        target = compiled["entity"]
        values = computed_values(compiled["fields"], ctx)
        return {k: (None if v is None else k_json(target, k, v)) for k, v in values.items()}

    def run(self, compiled, ctx):
        from core.entities import records
        from plugins.workflows.engine import nested

        target = compiled["entity"]
        data = self.data(compiled, ctx)
        with nested() as allowed:
            if not allowed:
                return {"status": "skipped", "detail": _("Not created: too many workflows triggered each other.")}
            created = records.create(target, data, ctx.user, check_rights=False)
        return {"status": "done", "detail": {"entity": target.name, "id": created["id"]}}

    def preview(self, compiled, ctx):
        return {"entity": compiled["entity"].name, "values": {k: plain(v) for k, v in self.data(compiled, ctx).items()}}

    def creates(self, compiled):
        return compiled["entity"].name

"""Built-in task types; plugins add more through ``crm_workflow_task_types``."""
from plugins.workflows.tasks.base import CompileEnv, Param, TaskContext, TaskError, TaskType  # noqa: F401
from plugins.workflows.tasks.create import CreateRecord
from plugins.workflows.tasks.email import SendEmail
from plugins.workflows.tasks.update import UpdateFields
from plugins.workflows.tasks.webhook import Webhook

__all__ = ["BUILTIN_TASK_TYPES", "CompileEnv", "Param", "TaskContext", "TaskError", "TaskType"]

BUILTIN_TASK_TYPES = {t.name: t for t in (UpdateFields(), SendEmail(), CreateRecord(), Webhook())}

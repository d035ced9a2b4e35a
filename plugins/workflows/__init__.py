"""workflows: Vtiger-style automation (워크플로 / 工作流) - triggers, conditions, tasks, run log.

Other plugins contribute task types (``crm_workflow_task_types``), expression
functions (``crm_workflow_functions``) and default workflows
(``crm_default_workflows``); :mod:`plugins.workflows.services` is the public
API for plugins that build on it (deal_alerts).
"""
from __future__ import annotations

from core.plugin_api import translator
from core.plugins import Manifest
from plugins.workflows import models  # noqa: F401  (tables in the shared metadata)
from hooks import hookimpl

_, _l = translator("workflows")

manifest = Manifest(name="workflows", version="0.1.0", label=_l("Workflows"), default_enabled=True,
                    description=_l("Triggers, conditions and tasks (update fields, email, create record, webhook) "
                                "with a run log per record."))


@hookimpl(trylast=True)
def crm_before_save(entity, values, old, user):
    """Last, so workflows see (and may override) what every plugin computed, e.g. the forecast amount."""
    from plugins.workflows import engine

    engine.before_save(entity, values, old, user)


@hookimpl
def crm_after_save(entity, record, old, user):
    from plugins.workflows import engine

    engine.after_save(entity, record, old, user)


@hookimpl
def crm_job_handlers():
    from plugins.workflows.jobs import HANDLERS

    return HANDLERS


@hookimpl
def crm_job_type_labels():
    from plugins.workflows import engine
    from plugins.workflows.jobs import SWEEP_JOB, WEBHOOK_JOB

    return {engine.DELAYED_JOB: _l("Delayed workflow task"), SWEEP_JOB: _l("Workflow schedule"),
            WEBHOOK_JOB: _l("Workflow web call")}


@hookimpl
def crm_blueprints():
    from plugins.workflows import designer  # noqa: F401  (its routes are on the pages blueprint)
    from plugins.workflows.api import bp
    from plugins.workflows.views import pages

    return [bp, pages]


@hookimpl
def crm_menu_items(user):
    if user is None or not user.is_admin:
        return []
    return [dict(label=_l("Workflows"), endpoint="workflows_pages.index", icon="bolt", order=90, group="more")]


@hookimpl
def crm_record_panels(entity):
    """The run-log panel, on records of entities that have workflows."""
    import sqlalchemy as sa
    from core.db import session

    if session().scalar(sa.select(models.Workflow.id).where(models.Workflow.entity == entity.name).limit(1)) is None:
        return []
    return [dict(title=_l("Workflow runs"), template="workflows/panel.html", order=90)]


@hookimpl
def crm_demo_data(demo):
    from plugins.workflows.demo import fill

    fill(demo)

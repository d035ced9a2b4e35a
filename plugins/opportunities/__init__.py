"""opportunities: the sales pipeline (영업기회 / 商机) - stages, revenue schedule, funnel, forecast."""
from __future__ import annotations

from core import signals

from core.plugin_api import translator
from core.plugins import Manifest
from core.security.permissions import can
from hooks import hookimpl
from plugins.opportunities import entities, models, picklists  # noqa: F401  (models: tables in the metadata)

_, _l = translator("opportunities")

manifest = Manifest(name="opportunities", version="0.1.0", label=_l("Opportunities"), default_enabled=True,
                    depends=["customers", "products"], uses=["workflows"],
                    description=_l("Opportunities with line items, billing methods and revenue schedules, stages with "
                                "required actions, stage history, kanban pipeline, funnel and forecast reports."))
CHILD_NAMES = {e.name for e in entities.CHILDREN}


@hookimpl
def crm_entities():
    return entities.ALL


@hookimpl
def crm_picklists():
    return picklists.PICKLISTS


@hookimpl
def crm_related_lists(entity):
    return entities.related.get(entity.name, [])


@hookimpl
def crm_blueprints():
    from plugins.opportunities.api import api
    from plugins.opportunities.stage_admin import stage_pages
    from plugins.opportunities.views import pages
    return [api, pages, stage_pages]


@hookimpl
def crm_list_filters(entity):
    from plugins.opportunities.filters import FILTERS
    return FILTERS.get(entity.name, {})


@hookimpl
def crm_visibility_condition(entity, user):
    """Line items, partners and competitors are visible exactly when their opportunity is."""
    if entity.name not in CHILD_NAMES:
        return None
    from core.entities.query import visible_select
    from plugins.opportunities.services import entity as entity_named

    opps = entity_named()
    return entity.table.c.opportunity_id.in_(visible_select(opps, user, opps.table.c.id))


@hookimpl
def crm_hidden_fields(entity, user):
    if entity.plugin != "opportunities":
        return None
    from plugins.products import services as products
    return None if products.has_cost_right(user) else products.cost_fields(entity)


@hookimpl
def crm_before_save(entity, values, old, user):
    if entity.name == "opportunities":
        from plugins.opportunities import services
        services.before_save(values, old, user)
    elif entity.name in CHILD_NAMES:
        from plugins.opportunities import line_items
        line_items.before_save(entity, values, old, user)


@hookimpl
def crm_after_save(entity, record, old, user, session):
    if entity.name == "opportunities":
        from plugins.opportunities import services
        services.after_save(record, old, user)
    elif entity.name == "opportunity_items":
        from plugins.opportunities import line_items
        line_items.refresh_parent(record["opportunity_id"], user)


@hookimpl
def crm_contract_added(opportunity_id, contract, user):
    from plugins.opportunities import services
    return services.contract_added(opportunity_id, contract, user)


@hookimpl
def crm_default_workflows():
    from plugins.opportunities.workflows import DEFAULT_WORKFLOWS
    return DEFAULT_WORKFLOWS


@hookimpl
def crm_record_panels(entity):
    if entity.name != "opportunities":
        return []
    return [dict(title=_l("Revenue schedule"), template="opportunities/panel_schedule.html", order=10),
            dict(title=_l("Stage history"), template="opportunities/panel_history.html", order=20)]


@hookimpl
def crm_menu_items(user):
    items = [dict(label=_l("Pipeline board"), endpoint="opportunities_pages.board", icon="columns", order=21,
                  group="sales"),
             dict(label=_l("Sales reports"), endpoint="opportunities_pages.reports_page", icon="chart", order=22,
                  group="sales")]
    if user is not None and user.is_admin:  # the stage editor (stage_admin.py)
        items.append(dict(label=_l("Stages"), endpoint="opportunities_stages.editor", icon="list", order=92,
                          group="more"))
    return items


@hookimpl
def crm_dashboard_widgets(user):
    """The pipeline figures, for users who may see opportunities."""
    from plugins.opportunities.services import entity
    from plugins.opportunities.widgets import WIDGETS
    return WIDGETS if can(user, entity(), "view") else []


@hookimpl
def crm_demo_data(demo):
    from plugins.opportunities.demo import fill
    fill(demo)


def item_removed_or_back(sender, entity=None, record=None, user=None, **_kw):
    """A deleted or restored line item changes the opportunity's amount too."""
    if sender == "opportunity_items" and record is not None:
        from plugins.opportunities import line_items
        line_items.refresh_parent(record["opportunity_id"], user)


signals.record_deleted.connect(item_removed_or_back, sender="opportunity_items", weak=False)
signals.record_restored.connect(item_removed_or_back, sender="opportunity_items", weak=False)


def purge_rows(sender, record=None, ids=None, session=None, **_kw):
    """Opportunities removed for good (one, or an undone import's) take their stage history and schedule along."""
    import sqlalchemy as sa

    gone = ids if ids is not None else [record["id"]]
    for model in (models.StageChange, models.RevenueMonth):
        session.execute(sa.delete(model).where(model.opportunity_id.in_(gone)))


signals.record_purged.connect(purge_rows, sender="opportunities", weak=False)
signals.records_purged.connect(purge_rows, sender="opportunities", weak=False)

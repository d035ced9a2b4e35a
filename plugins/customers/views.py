"""Pages under ``/customers``: the customer 360° page, the printable visit log; helpers for the record panels."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from core.entities import records
from core.entities.display import display_values
from core.entities.query import visible_fields
from core.plugin_api import translator
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.security.permissions import require_right

_, _l = translator("customers")

pages = Blueprint("customers", __name__, url_prefix="/customers", template_folder="templates",
                  static_folder="static")


@pages.get("/accounts/<int:account_id>/360")
def account_360_page(account_id):
    """The customer 360° page: the account's key facts and every related section, each row a link."""
    from plugins.customers.entities import accounts
    from plugins.customers.overview import account_360

    user = current_user_or_none()
    require_right(user, accounts, "view")
    view = account_360(account_id, user)
    sections = []
    for key, section in view["sections"].items():
        entity = runtime().registry.get(section["entity"]) if section.get("entity") else None
        columns, more_url = [], None
        if entity is not None:
            fields = visible_fields(entity, user)
            parents = [r.field for r in runtime().registry.related.get("accounts", []) if r.entity == entity.name]
            columns = [fields[n] for n in entity.default_columns if n in fields and n not in parents]
            more_url = url_for("ui.list_view", entity_name=entity.name, **{parents[0]: account_id})
        sections.append({**section, "key": key, "entity": entity, "columns": columns, "more_url": more_url})
    return render_template("customers/account_360.html", view=view, account=view["account"], sections=sections,
                           all_fields=visible_fields(accounts, user), entity=accounts)


@pages.get("/visit-logs/<int:visit_id>/print")
def print_visit_log(visit_id):
    """A print-ready page (A4) of a visit log's document; the shell is left out on purpose."""
    from plugins.customers.entities import visit_logs

    user = current_user_or_none()
    require_right(user, visit_logs, "view")
    visit = records.get(visit_logs, visit_id, user)
    return render_template("customers/visit_log_print.html", visit=visit,
                           shown=display_values(visit_logs, [visit], user)[0])


@pages.app_template_global("customers_account_summary")
def account_summary(record: dict) -> dict:
    """What the account panel shows: days since the last contact and other plugins' summaries."""
    from plugins.customers.overview import days_since

    user = current_user_or_none()
    extra = [s for group in runtime().hook.crm_account_summaries(account=record, user=user) for s in group or []]
    return {"days": days_since(record.get("last_contact_at")), "summaries": extra}


@pages.app_template_global("customers_related_activities")
def related_activities(entity_name: str, record_id: int) -> list:
    """Activities linked to any record through ``(related_entity, related_id)``, newest first (visible ones)."""
    import sqlalchemy as sa

    from core.db import session
    from core.entities.query import visible_select
    from plugins.customers.entities import activities

    table = activities.table
    stmt = (visible_select(activities, current_user_or_none(), table.c.id, table.c.subject, table.c.type,
                           table.c.status, table.c.start_at)
            .where(table.c.related_entity == entity_name, table.c.related_id == record_id)
            .order_by(table.c.start_at.desc(), table.c.id.desc()).limit(20))
    return session().execute(stmt).all()


ACTIVITIES_PANEL = {"title": _l("Activities"), "template": "customers/panels/related_activities.html", "order": 50}
OWN_TABS = {"accounts", "contacts", "activities"}  # these list activities in a related tab already

PANELS = {
    "accounts": [{"title": _l("Customer 360°"), "template": "customers/panels/account.html", "order": 10}],
    "visit_logs": [{"title": _l("Visit log"), "template": "customers/panels/visit_log.html", "order": 10}],
}

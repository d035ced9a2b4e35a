"""installed_base: products installed at a customer (NewZen 고객정보 > 제품관리 tab).

An example of a third-party plugcrm plugin: one entity, its own migrations and
translations, a related list and a record-page panel on accounts, a page, and a
workflow expression function.  ``docs/plugins.md`` walks through it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from core.db import session
from core.entities import Entity, Field, RelatedList
from core.entities.query import visible_select
from core.i18n import local_today
from core.plugins import Manifest
from core.security import current_user_or_none
from core.security.permissions import can, require_right
from hooks import hookimpl

HERE = Path(__file__).parent
manifest = Manifest(name="installed_base", version="1.0.0", label="Installed base", depends=("customers",),
                    description="Products installed at customers: licence keys, users, maintenance end dates.")

installations = Entity(
    name="installations", label=_l("Installed products"), label_singular=_l("Installed product"),
    title_field="product_name", numbering="INS-{YYYY}-{####}", icon="box",
    fields=[
        Field("account_id", "reference", label=_l("Account"), target="accounts", required=True, list=True),
        Field("product_name", "text", label=_l("Product"), required=True, search=True, list=True, max_length=200),
        Field("module", "text", label=_l("Module"), max_length=100),
        Field("licence_key", "text", label=_l("Licence key"), unique=True, search=True, list=True, max_length=100),
        Field("users", "integer", label=_l("Number of users"), min_value=1, default=1, list=True),
        Field("free_maintenance_end", "date", label=_l("Free maintenance until"), list=True),
        Field("paid_maintenance_end", "date", label=_l("Paid maintenance until"), list=True, index=True),
        Field("note", "longtext", label=_l("Note")),
    ],
)

pages = Blueprint("installed_base", __name__, url_prefix="/installed_base", template_folder="templates")


def maintenance_days_left(*end_dates, today: dt.date | None = None) -> int | None:
    """Days until the later maintenance end date (negative once it passed); None without any date."""
    dates = [dt.date.fromisoformat(d) if isinstance(d, str) else d for d in end_dates if d]
    return (max(dates) - (today or local_today())).days if dates else None


@pages.app_template_global()
def installed_products(account_id: int) -> list[dict]:
    """The installations of one account that the current user may see (for the account panel)."""
    user, table = current_user_or_none(), installations.table
    if not can(user, installations, "view"):
        return []
    stmt = visible_select(installations, user).where(table.c.account_id == account_id)
    rows = session().execute(stmt.order_by(table.c.product_name, table.c.id)).mappings()
    return [dict(row, days_left=maintenance_days_left(row["free_maintenance_end"], row["paid_maintenance_end"]))
            for row in rows]


@pages.get("/renewals")
def renewals():
    """Paid maintenance ending within ``days`` (default 60): the list a sales rep calls through."""
    user, table = current_user_or_none(), installations.table
    require_right(user, installations, "view")
    days = request.args.get("days", 60, type=int)
    until = local_today() + dt.timedelta(days=max(days, 0))
    stmt = (visible_select(installations, user)
            .where(table.c.paid_maintenance_end <= until).order_by(table.c.paid_maintenance_end))
    return render_template("installed_base/renewals.html", rows=session().execute(stmt).mappings().all(),
                           days=days)


@hookimpl
def crm_entities():
    return [installations]


@hookimpl
def crm_migrations():
    return HERE / "migrations" / "versions"


@hookimpl
def crm_translation_dirs():
    return [HERE / "translations"]


@hookimpl
def crm_blueprints():
    return [pages]


@hookimpl
def crm_related_lists(entity):
    if entity.name == "accounts":
        return [RelatedList("installations", "account_id", label=_l("Installed products"), order=30)]
    return []


@hookimpl
def crm_record_panels(entity):
    if entity.name == "accounts":
        return [dict(title=_l("Installed products"), template="installed_base/panel.html", order=30)]
    return []


@hookimpl
def crm_workflow_functions():
    return {"maintenance_days_left": maintenance_days_left}

"""A loose test plugin for the UI tests: one entity with every field type, its own catalogues,
a workflow task type (whose form the designer renders from its declared parameters) and a
workflow expression function."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.entities import Entity, Field, Picklist, PicklistValue, RelatedList
from core.i18n import local_today
from core.plugins import Manifest
from hooks import hookimpl
from plugins.workflows.tasks import Param, TaskError, TaskType
from plugins.workflows.templates import render

manifest = Manifest(name="uitest", version="1.0", label="UI test gadgets")


def labels(ko: str, zh: str, en: str) -> dict:
    return {"ko": ko, "zh_Hans": zh, "en": en}


gadgets = Entity(
    name="gadgets", label=_l("Gadgets"), label_singular=_l("Gadget"), numbering="GAD-{####}",
    list_columns=["number", "name", "qty", "price", "status", "due"],
    fields=[
        Field("name", "text", label=_l("Gadget name"), required=True, search=True, max_length=100),
        Field("note", "longtext", label=_l("Memo")),
        Field("email", "email", label=_l("Mail"), search=True),
        Field("site", "url", label=_l("Site")),
        Field("phone", "phone", label=_l("Tel"), search=True),
        Field("qty", "integer", label=_l("Quantity"), min_value=0),
        Field("weight", "decimal", label=_l("Weight")),
        Field("price", "money", label=_l("Price")),
        Field("rate", "percent", label=_l("Rate")),
        Field("active", "boolean", label=_l("In use"), default=True),
        Field("due", "date", label=_l("Due")),
        Field("seen_at", "datetime", label=_l("Seen")),
        Field("status", "picklist", label=_l("State"), picklist="gadget_status", default="new"),
        Field("tags", "multipicklist", label=_l("Tags"), picklist="gadget_tags"),
        Field("parent_id", "reference", label=_l("Parent gadget"), target="gadgets"),
        Field("keeper_id", "user", label=_l("Keeper")),
    ],
)


@hookimpl
def crm_entities():
    return [gadgets]


@hookimpl
def crm_picklists():
    return [Picklist("gadget_status", [PicklistValue("new", labels("신규", "新", "New"), colour="#1e88e5"),
                                       PicklistValue("used", labels("사용", "已用", "Used")),
                                       PicklistValue("broken", labels("고장", "损坏", "Broken"))]),
            Picklist("gadget_tags", [PicklistValue("red", labels("빨강", "红", "Red")),
                                     PicklistValue("blue", labels("파랑", "蓝", "Blue"))])]


@hookimpl
def crm_related_lists(entity):
    return [RelatedList("gadgets", "parent_id", label=_l("Child gadgets"))] if entity.name == "gadgets" else []


pages = Blueprint("uitest_pages", __name__, url_prefix="/uitest", template_folder="templates")


@pages.get("/shelf")
def shelf():
    """A plugin page inside the shell."""
    return render_template("uitest/shelf.html")


def gadget_totals(user) -> dict:
    import sqlalchemy as sa

    from core.db import session
    from core.entities.query import visible_select

    return {"count": session().scalar(visible_select(gadgets, user, sa.func.count()).order_by(None))}


@hookimpl
def crm_blueprints():
    return [pages]


@hookimpl
def crm_menu_items(user):
    return [dict(label=_l("Gadget shelf"), endpoint="uitest_pages.shelf", icon="box", order=15)]


@hookimpl
def crm_dashboard_widgets(user):
    return [dict(title=_l("Gadget totals"), template="uitest/widget.html", order=10, context=gadget_totals)]


@hookimpl
def crm_record_panels(entity):
    if entity.name != "gadgets":
        return []
    return [dict(title=_l("Gadget passport"), template="uitest/panel.html", order=5)]


@hookimpl
def crm_translation_dirs():
    return [Path(__file__).parent / "translations"]


def days_until(day, today=None):
    """Days from today (in the deployment's zone) until ``day``; None without a date."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        day = day.date()
    return (day - (today or local_today())).days


class PrintLabel(TaskType):
    """A third-party task type: "print a shelf label"; the designer builds its form from ``params``."""

    name = "uitest_print_label"
    label = _l("Print a shelf label")
    params = (Param("printer", _l("Printer"), "choice", required=True,
                    choices=(("front", _l("Front desk")), ("store", _l("Store room")))),
              Param("copies", _l("Copies"), "number", help=_l("1 to 5 labels.")),
              Param("caption", _l("Label text"), "template", required=True))

    def compile(self, entity, config, env):
        if config.get("printer") not in ("front", "store"):
            raise TaskError("printer", _("Choose a printer."))
        copies = config.get("copies") or 1
        if isinstance(copies, bool) or not str(copies).isdigit() or not 1 <= int(copies) <= 5:
            raise TaskError("copies", _("1 to 5 labels."))
        return {"printer": config["printer"], "copies": int(copies),
                "caption": env.template(config.get("caption"), "caption")}

    def preview(self, compiled, ctx):
        return {"printer": compiled["printer"], "copies": compiled["copies"],
                "caption": render(compiled["caption"], ctx)}

    def run(self, compiled, ctx):
        return {"status": "done", "detail": self.preview(compiled, ctx)}


@hookimpl
def crm_workflow_task_types():
    return {PrintLabel.name: PrintLabel()}


@hookimpl
def crm_workflow_functions():
    return {"days_until": days_until}

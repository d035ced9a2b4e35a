"""The recycle bin page over :mod:`core.recycle_bin`: deleted records the user may see, restore, admin purge."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import recycle_bin
from core.db import session
from core.entities import records
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.ui.blueprint import ui

PAGE = 50


@ui.get("/recycle-bin")
def recycle_bin_page():
    page = max(request.args.get("page", 1, type=int), 1)
    items, total = recycle_bin.list_deleted(current_user_or_none(), None, page, PAGE)
    entities = runtime().registry.entities
    for item in items:
        item["entity"] = entities[item["entity"]]
    return render_template("ui/recycle_bin.html", items=items, page=page, more=total > page * PAGE)


@ui.post("/recycle-bin/<entity_name>/<int:record_id>/restore")
def restore_record(entity_name, record_id):
    entity = runtime().registry.get(entity_name)
    record = records.restore(entity, record_id, current_user_or_none())
    session().commit()
    flash(_("%(title)s was restored.", title=record.get(entity.title_field) or record_id), "success")
    if request.form.get("back") == "record":  # the undo of a delete goes back to the record
        return redirect(url_for("ui.detail", entity_name=entity.name, record_id=record_id))
    return redirect(url_for("ui.recycle_bin_page"))


@ui.post("/recycle-bin/<entity_name>/<int:record_id>/purge")
def purge_record(entity_name, record_id):
    """Delete for good (the service refuses anyone but administrators)."""
    recycle_bin.purge(runtime().registry.get(entity_name), record_id, current_user_or_none())
    session().commit()
    flash(_("Deleted for good."), "success")
    return redirect(url_for("ui.recycle_bin_page"))

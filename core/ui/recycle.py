"""The recycle bin page: deleted records the user may see, across entities; restore; admins purge."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.db import session
from core.entities import records
from core.entities.query import visible_select
from core.runtime import runtime
from core.security.auth import current_user_or_none
from core.ui import ui
from core.ui.shell import visible_entities

PER_ENTITY = 100


def deleted_records(user) -> list[dict]:
    items = []
    for entity in visible_entities(user):
        table = entity.table
        stmt = (visible_select(entity, user, table.c.id, table.c[entity.title_field], table.c.deleted_at,
                               include_deleted=True)
                .where(table.c.deleted_at.is_not(None)).order_by(table.c.deleted_at.desc()).limit(PER_ENTITY))
        items += [{"entity": entity, "id": r[0], "title": r[1], "deleted_at": r[2]} for r in session().execute(stmt)]
    items.sort(key=lambda i: i["deleted_at"], reverse=True)
    return items


@ui.get("/recycle-bin")
def recycle_bin():
    return render_template("ui/recycle_bin.html", items=deleted_records(current_user_or_none()),
                           purge_available=purge_service() is not None)


def purge_service():
    """The security service's purge function, once it is installed."""
    try:
        from core.security.recycle import purge
    except ImportError:
        return None
    return purge


@ui.post("/recycle-bin/<entity_name>/<int:record_id>/restore")
def restore_record(entity_name, record_id):
    entity = runtime().registry.get(entity_name)
    record = records.restore(entity, record_id, current_user_or_none())
    session().commit()
    flash(_("%(title)s was restored.", title=record.get(entity.title_field) or record_id), "success")
    return redirect(url_for("ui.recycle_bin"))


@ui.post("/recycle-bin/<entity_name>/<int:record_id>/purge")
def purge_record(entity_name, record_id):
    """Delete for good (administrators only), through the security service's purge."""
    from core.errors import Forbidden

    user = current_user_or_none()
    if not user.is_admin:
        raise Forbidden(_("Only administrators may change this."))
    entity = runtime().registry.get(entity_name)
    purge_service()(entity, record_id, user)
    session().commit()
    flash(_("Deleted for good."), "success")
    return redirect(url_for("ui.recycle_bin"))

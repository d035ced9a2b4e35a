"""The public plugin API: what a plugin may import, in one place.

``from core.plugin_api import ...`` is the supported way to write a plugin; every name listed in
``__all__`` is documented in ``docs/plugin-api.md`` (generated from these docstrings by
``scripts/plugin_api_reference.py``) and kept compatible.  Everything else in ``core`` is internal
and may change.

Folders found by convention in a plugin package (no hook needed): ``migrations/versions`` (its
Alembic branch), ``translations/<lang>/LC_MESSAGES/messages.po``, ``templates/`` (name them
``<plugin>/...``) and ``static/`` (served without login at ``/static/plugins/<plugin>/<file>``,
``url_for("plugin_static", plugin=..., filename=...)``: styling and code, never data).

Templates: a page extends ``base.html`` and fills the blocks ``title``, ``head`` (styles),
``content`` and ``scripts``.  A record-page panel (``crm_record_panels``) is included in the record
page with ``record`` (the record as a dict) and ``entity`` in its context; wrap tables in
``<div class="table-wrap">``, right-align numbers with ``class="num"``, grey notes with
``class="muted"``, links styled as buttons with ``class="button"`` (``button primary``).
Jinja filters for the user's locale: ``money``, ``number``, ``date``, ``datetime`` and
``field_value(field, value, display)``, and ``reference_cell(label)`` for a label of
:func:`reference_labels` (a link to the record when the user can open it, else its label or "a record
that you cannot see"); ``_()`` reads the plugin's own catalogue (then the core's);
``picklist_label(name, value)`` is a picklist value's label (as :func:`picklist_label`).
Page endpoints: ``ui.list_view(entity_name)``, ``ui.detail(entity_name, record_id)``,
``ui.new_record(entity_name)``, ``ui.edit_record(entity_name, record_id)`` (see :func:`record_url`).
"""
from __future__ import annotations

import datetime as dt

from flask import url_for

from core import clock
from core.db import session
from core.entities import (Entity, Field, FieldValueError, Picklist, PicklistValue, RelatedList, language_labels,
                           picklist_value, picklist_values)
from core.entities import records
from core.entities.display import display_values, reference_labels
from core.entities.picklists import label_for as picklist_label
from core.entities.picklists import labels as picklist_labels
from core.entities.query import visible_select
from core.errors import BadRequest, Conflict, CRMError, Forbidden, NotFound, ValidationError
from core.importexport.formats import ExportFormat
from core.i18n import deployment_tz, local_today, pick_label, plugin_gettext, plugin_lazy_gettext, plugin_ngettext
from core.plugins import Manifest
from core.runtime import runtime
from core.security import current_user_or_none, public_endpoint
from core.security.permissions import can, require_admin, require_right
from core.ui.formatting import date as format_date
from core.ui.formatting import datetime as format_datetime
from core.ui.formatting import money as format_money
from core.ui.formatting import number as format_number
from hooks import hookimpl

SECTIONS = {
    "Declarations": ["Manifest", "hookimpl", "Entity", "Field", "Picklist", "PicklistValue", "picklist_value",
                     "picklist_values", "language_labels",
                     "RelatedList", "ExportFormat", "entity"],
    "Records": ["create_record", "get_record", "update_record", "delete_record", "visible_records",
                "visible_select", "reference_labels", "session"],
    "Permissions": ["current_user", "can", "require_right", "require_admin", "public_endpoint"],
    "Time": ["today", "now", "deployment_tz"],
    "Text": ["translator", "pick_label", "picklist_labels", "picklist_label"],
    "Formatting and pages": ["format_money", "format_number", "format_date", "format_datetime", "record_url"],
    "Errors": ["CRMError", "BadRequest", "ValidationError", "NotFound", "Forbidden", "Conflict",
               "FieldValueError"],
}
__all__ = [name for names in SECTIONS.values() for name in names]


def entity(name: str) -> Entity:
    """The enabled entity called ``name`` (raises :class:`NotFound` when no enabled plugin declares it)."""
    return runtime().registry.get(name)


def current_user():
    """The logged-in user (session or API token) of this request, or ``None``."""
    return current_user_or_none()


def create_record(entity_name: str, values: dict, user=None, *, check_rights: bool = True) -> dict:
    """Create a record as ``user`` (default: the current user), through the same checks, numbering,
    hooks, audit and workflows as the API; returns it in API form.  Bad values raise
    :class:`ValidationError` with ``fields``."""
    return records.create(entity(entity_name), values, user or current_user(), check_rights=check_rights)


def get_record(entity_name: str, record_id: int, user=None) -> dict:
    """One record the user may see (:class:`NotFound` otherwise), in API form."""
    return records.get(entity(entity_name), record_id, user or current_user())


def update_record(entity_name: str, record_id: int, changes: dict, user=None, *,
                  expected_version: int | None = None, check_rights: bool = True) -> dict:
    """Change some fields of a record; ``changes`` holds only the fields to change (API form:
    ``"2026-03-31"`` for a date).  ``crm_before_save`` then receives the whole record with the
    changes applied, as Python values (see ``hooks.crm_before_save``)."""
    return records.update(entity(entity_name), record_id, changes, user or current_user(),
                          expected_version=expected_version, check_rights=check_rights)


def delete_record(entity_name: str, record_id: int, user=None, *, check_rights: bool = True) -> dict:
    """Move a record to the recycle bin."""
    return records.delete(entity(entity_name), record_id, user or current_user(), check_rights=check_rights)


def visible_records(entity_name: str, *where, order_by=(), user=None, limit: int = 500, **equal) -> list[dict]:
    """Rows of ``entity_name`` the user (default: the current one) may see, none without the view right.

    Filter with keyword equalities (``account_id=7``) and/or SQLAlchemy conditions on
    ``entity(entity_name).table.c``; ``order_by`` is a field name (``"-paid_maintenance_end"`` for
    descending) or a list of them.  Each row is a dict of the stored values (dates as
    :class:`datetime.date`) plus ``"display"``: labels in the user's language (picklist labels as the
    administrator named them, reference titles, user names).  Also a Jinja global, for panels."""
    target, user = entity(entity_name), user or current_user()
    if not can(user, target, "view"):
        return []
    table = target.table
    names = [order_by] if isinstance(order_by, str) else list(order_by)
    order = [table.c[n[1:]].desc() if n.startswith("-") else table.c[n] for n in names]
    stmt = (visible_select(target, user).where(*where, *[table.c[k] == v for k, v in equal.items()])
            .order_by(*order, table.c.id).limit(limit))
    rows = [dict(row) for row in session().execute(stmt).mappings()]
    for row, shown in zip(rows, display_values(target, rows, user)):
        row["display"] = shown
    return rows


def today() -> dt.date:
    """Today in the deployment's time zone (``timezone`` in config, default Asia/Seoul), from the
    application clock (tests move it with ``crm_clock`` / :func:`core.clock.set_now`)."""
    return local_today()


def now() -> dt.datetime:
    """Now, timezone-aware, in the deployment's time zone (store :func:`core.clock.now`'s UTC)."""
    return clock.now().astimezone(deployment_tz())


class translator:
    """``_, _l = translator("my_plugin")``: gettext and lazy gettext in the plugin's own domain
    (its catalogue first, then the core's, then other plugins'), so another plugin's catalogue never
    changes its text, and its catalogue never changes the core's.  ``translator("my_plugin").ngettext``
    for a singular and a plural.  Extract and merge the plugin's messages into its catalogues with
    ``python -m core.translation_tables my_plugin``."""

    def __init__(self, plugin: str):
        self.plugin = plugin

    def __iter__(self):
        return iter((self.gettext, self.lazy_gettext))

    def gettext(self, string: str, **variables) -> str:
        return plugin_gettext(self.plugin, string, **variables)

    def lazy_gettext(self, string: str, **variables):
        return plugin_lazy_gettext(self.plugin, string, **variables)

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        return plugin_ngettext(self.plugin, singular, plural, num, **variables)


def record_url(entity_name: str, record_id: int | None = None) -> str:
    """The record page of a record, or the list page of the entity without ``record_id``."""
    if record_id is None:
        return url_for("ui.list_view", entity_name=entity_name)
    return url_for("ui.detail", entity_name=entity_name, record_id=record_id)


"""Human-readable companions of ids and codes: reference titles, user names, picklist labels."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from core import generations
from core.db import session
from core.entities import picklists
from core.entities.query import visible_select
from core.runtime import runtime
from core.security.users import names_of


class ReferenceLabel(str):
    """A referenced record's title that knows the record, so pages can link it (JSON gets the plain text).

    ``linkable`` is true when the record is visible to the user the label was made for and not in the
    recycle bin, i.e. its record page opens for them: a label is never a link that answers 404.
    """

    entity: str
    record_id: int
    linkable: bool

    def __new__(cls, title: str, entity: str, record_id: int, linkable: bool):
        label = super().__new__(cls, title)
        label.entity, label.record_id, label.linkable = entity, record_id, linkable
        return label


def reference_title(title, deleted_at) -> str:
    """A referenced record's title; one in the recycle bin says so rather than vanishing."""
    return _("%(title)s (in the recycle bin)", title=title) if deleted_at is not None else str(title)


def shown_values(f) -> list:
    """The values of the controlling field for which the conditional field ``f`` is shown (``Field.show_when``)."""
    _controlling, values = f.show_when
    if not isinstance(values, dict):
        return [v for v in values]
    match = {k: v for k, v in values.items() if k != "picklist"}
    return [row.value for row in picklists.values(values["picklist"])
            if all((row.extra or {}).get(k) == v for k, v in match.items())]


@dataclass(frozen=True)
class DisplayPlan:
    """Which fields of an entity have a display label, in field order (user fields last)."""

    # (field, "reference" | "picklist" | "multipicklist", the reference's target or the picklist's name)
    labelled: tuple[tuple[str, str, str | None], ...]
    users: tuple[str, ...]


def display_plan(entity) -> DisplayPlan:
    """The plan for ``entity``'s current fields, shared by the process until definitions change."""
    def build():
        fields = runtime().registry.fields(entity)
        labelled = tuple((f.name, f.type, f.target if f.type == "reference" else f.picklist) for f in fields
                         if f.type in ("reference", "picklist", "multipicklist"))
        users = tuple(f.name for f in fields if f.type == "user") + (("owner_id",) if entity.owned else ())
        return DisplayPlan(labelled, users)

    return generations.cached(picklists.GENERATION, ("display_plan", entity.name), build)


def display_values(entity, records: list[dict], user) -> list[dict]:
    """``{field: label}`` per record, with one query for the whole page's references (:func:`reference_titles`).

    ``records`` may be in Python or API form: the ids and codes read here are the same in both.
    A reference's label is a :class:`ReferenceLabel` (the permission check that finds the title is
    the one that allows the link); a reference the user may not see has the label None.
    """
    plan = display_plan(entity)
    result = [{} for _ in records]
    references = [(name, source) for name, kind, source in plan.labelled if kind == "reference"]
    titles = reference_titles(references, records, user) if references else {}
    for name, kind, source in plan.labelled:
        if kind == "reference":
            found = titles.get(source, {})
            for out, r in zip(result, records):
                if r.get(name) is not None:
                    out[name] = found.get(r[name])
            continue
        labels = picklists.labels(source)
        for out, r in zip(result, records):
            value = r.get(name)
            if value:
                out[name] = labels.get(value, value) if kind == "picklist" else [labels.get(v, v) for v in value]
    if plan.users:
        names = names_of({r.get(n) for r in records for n in plan.users})
        for out, r in zip(result, records):
            for name in plan.users:
                if r.get(name) is not None:
                    out[name] = names.get(r[name])
    return result


def reference_labels(target: str, ids, user) -> dict[int, ReferenceLabel]:
    """``{id: label}`` of the ``target`` records among ``ids`` that ``user`` may see (deleted ones say so).

    For pages that show ids of their own (a report's rows, a widget's list) rather than records of an
    entity: the same permission-filtered lookup as :func:`reference_titles`, so the labels link exactly
    when the record page would open; an id the user may not see is absent.
    """
    return reference_titles([("id", target)], [{"id": i} for i in set(ids) - {None}], user).get(target, {})


def reference_titles(references: list[tuple[str, str]], records: list[dict], user) -> dict[str, dict[int, ReferenceLabel]]:
    """``{target entity: {id: title}}`` for the values of ``references`` (``(field, target)`` pairs) in ``records``.

    One statement for the whole page whatever the number of reference fields: the ids are gathered per
    target (fields sharing a target share the lookup), each target's lookup goes through the user's
    permission filter, and several targets are read as one ``UNION ALL``, on the Core connection (the
    ORM session's per-statement machinery would only add time).
    """
    wanted: dict[str, set] = {}
    for name, target in references:
        ids = {r.get(name) for r in records} - {None}
        if ids:
            wanted.setdefault(target, set()).update(ids)
    if not wanted:
        return {}
    lookups, params = [], {}
    for n, (target_name, ids) in enumerate(wanted.items()):
        target = runtime().registry.get(target_name)
        table = target.table
        title = table.c[target.title_field]
        lookups.append(visible_select(target, user, sa.literal(n).label("target"), table.c.id,
                                      sa.cast(title, sa.String()) if len(wanted) > 1 else title,
                                      table.c.deleted_at, include_deleted=True)
                       .where(table.c.id.in_(sa.bindparam(f"ids_{n}", expanding=True))))
        params[f"ids_{n}"] = list(ids)
    targets = list(wanted)
    titles: dict[str, dict[int, str]] = {target: {} for target in targets}
    stmt = lookups[0] if len(lookups) == 1 else sa.union_all(*lookups)
    for n, rid, title_value, deleted_at in session().connection().execute(stmt, params):
        titles[targets[n]][rid] = ReferenceLabel(reference_title(title_value, deleted_at), targets[n], rid,
                                                 deleted_at is None)
    return titles

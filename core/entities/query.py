"""Reading records: the permission-filtered base query, filters, search, sort, paging.

:func:`visible_select` is the one place where "which rows may this user see"
becomes SQL; every read path (list, detail, search, related lists, reports,
exports, plugin queries) starts from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from types import MappingProxyType
from typing import Any, Mapping

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import generations, search_index
from core.bounds import MAX_PAGE
from core.entities.declaration import Entity
from core.entities.fields import Field, FieldValueError
from core.entities.picklists import GENERATION
from core.errors import BadRequest
from core.i18n import current_language
from core.phones import normalise_phone
from core.runtime import runtime
from core.search import search_terms
from core.security.fields import hidden_fields
from core.security.permissions import visibility_condition

CONTROL_PARAMS = {"q", "sort", "page", "per_page", "lang", "fields", "format"}
MAX_PER_PAGE = 200


def standard_fields(entity: Entity) -> list[Field]:
    """Columns every record has, exposed as read-only fields for filtering and sorting."""
    fields = [Field("id", "integer", label="ID", readonly=True)]
    if entity.numbering:
        fields.append(Field("number", "text", label=_l("No."), readonly=True, search=True, max_length=40))
    if entity.owned:
        fields.append(Field("owner_id", "user", label=_l("Owner")))
    fields += [Field("created_at", "datetime", label=_l("Created"), readonly=True),
               Field("updated_at", "datetime", label=_l("Updated"), readonly=True),
               Field("created_by_id", "user", label=_l("Created by"), readonly=True),
               Field("version", "integer", label=_l("Version"), readonly=True, sortable=False)]
    return fields


def all_fields(entity: Entity) -> Mapping[str, Field]:
    """Every field of ``entity`` by name: standard columns, declared fields, active custom fields (read-only)."""
    def build():
        fields = {f.name: f for f in standard_fields(entity)}
        fields.update(runtime().registry.field_map(entity))
        return MappingProxyType(fields)

    return generations.cached(GENERATION, ("all_fields", entity.name, current_language()), build)


def column_for(entity: Entity, f: Field):
    table = entity.table
    if f.custom:
        return f.kind.json_expr(table.c.custom[f.name])
    return table.c[f.name]


def visible_select(entity: Entity, user, *columns, include_deleted: bool = False) -> sa.Select:
    """``SELECT`` over ``entity`` restricted to what ``user`` may see (and not deleted)."""
    table = entity.table
    stmt = sa.select(*(columns or (table,))).select_from(table)
    if not include_deleted:
        stmt = stmt.where(table.c.deleted_at.is_(None))
    condition = visibility_condition(entity, user)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt


@dataclass
class ListParams:
    filters: list[tuple[Field, str, Any]] = dc_field(default_factory=list)
    conditions: list = dc_field(default_factory=list)  # from plugins' list filters (crm_list_filters)
    q: str = ""
    sort: list[tuple[Field, bool]] = dc_field(default_factory=list)
    page: int = 1
    per_page: int = 20


def visible_fields(entity: Entity, user) -> dict[str, Field]:
    """The fields of ``entity`` that ``user`` may see, filter and sort on (:mod:`core.security.fields`)."""
    hidden = hidden_fields(entity, user)
    return {name: f for name, f in all_fields(entity).items() if name not in hidden}


def parse_list_args(entity: Entity, args, user) -> ListParams:
    """Turn query-string arguments into :class:`ListParams`; anything unknown is a 400.

    This is where every filter and sort of every path (lists, reports, exports,
    vCards) is read, so a field hidden from ``user`` is refused here, exactly
    as a field that does not exist: filtering or sorting on it would reveal it.
    """
    fields = visible_fields(entity, user)
    params = ListParams(q=(args.get("q") or "").strip())
    errors: dict[str, str] = {}
    extra_filters = plugin_list_filters(entity)
    for key in args.keys():
        if key in CONTROL_PARAMS:
            continue
        if key in extra_filters and key not in fields:
            try:
                params.conditions += [extra_filters[key](raw) for raw in args.getlist(key)]
            except FieldValueError as exc:
                errors[key] = str(exc)
            continue
        name, _sep, op = key.partition("__")
        op = op or "eq"
        f = fields.get(name)
        if f is None:
            errors[key] = _("Unknown field.")
            continue
        if op not in f.kind.operators:
            errors[key] = _("Unknown operator %(op)s for this field; use one of: %(ops)s.",
                            op=op, ops=", ".join(f.kind.operators))
            continue
        for raw in args.getlist(key):
            try:
                params.filters.append((f, op, parse_filter_value(f, op, raw)))
            except FieldValueError as exc:
                errors[key] = str(exc)
    params.sort = parse_sort(fields, args.get("sort") or entity.default_sort, errors)
    params.page = parse_positive(args.get("page"), 1, "page", errors)
    params.per_page = parse_positive(args.get("per_page"), 20, "per_page", errors)
    if params.per_page > MAX_PER_PAGE:
        errors["per_page"] = _("At most %(n)s.", n=MAX_PER_PAGE)
    if errors:
        raise BadRequest(_("Invalid list parameters."), errors)
    return params


def plugin_list_filters(entity: Entity) -> dict:
    """``{param: callable(raw) -> condition}`` that plugins add to ``entity``'s list (``crm_list_filters``)."""
    cache = runtime().schema_cache  # the enabled plugins are fixed for the process: ask them once
    key = ("list_filters", entity.name)
    if key not in cache:
        found: dict = {}
        for group in runtime().hook.crm_list_filters(entity=entity):
            found.update(group or {})
        cache[key] = found
    return cache[key]


def parse_filter_value(f: Field, op: str, raw: str):
    if op == "isnull":
        return raw.strip().lower() in ("1", "true", "yes", "")
    if op == "in":
        return [f.kind.parse_filter(f, part) for part in raw.split(",") if part.strip()]
    if op in ("contains", "startswith"):
        return raw
    return f.kind.parse_filter(f, raw)


def parse_sort(fields: dict[str, Field], raw: str, errors: dict) -> list[tuple[Field, bool]]:
    result = []
    for part in [p.strip() for p in raw.split(",") if p.strip()]:
        desc = part.startswith("-")
        f = fields.get(part.lstrip("-+"))
        if f is None or not f.sortable or f.type == "multipicklist":
            errors["sort"] = _("Cannot sort by %(name)s.", name=part.lstrip("-+"))
            continue
        result.append((f, desc))
    return result


def parse_positive(raw, default: int, name: str, errors: dict, maximum: int = MAX_PAGE) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
        if value < 1:
            raise ValueError
    except ValueError:
        errors[name] = _("Must be a whole number of at least 1.")
        return default
    if value > maximum:
        errors[name] = _("At most %(n)s.", n=maximum)
        return default
    return value


def filter_condition(entity: Entity, f: Field, op: str, value):
    col = column_for(entity, f)
    if f.custom and f.type in ("date", "datetime") and op not in ("isnull", "contains", "startswith"):
        # stored as ISO text in the JSON column, which sorts and compares like the date itself
        value = [f.kind.to_json(v) for v in value] if op == "in" else f.kind.to_json(value)
    if f.type == "phone" and op in ("eq", "ne", "in") and not f.custom:
        col = entity.table.c[f"{f.name}_norm"]
        region = current_app.config["PLUGCRM_PHONE_REGION"]
        value = [normalise_phone(v, region) for v in value] if op == "in" else normalise_phone(value, region)
    if f.type == "multipicklist":
        if op == "isnull":
            return _multipicklist_empty(entity, f) if value else sa.not_(_multipicklist_empty(entity, f))
        return _json_array_contains(entity, f, value)
    if op == "eq":
        return col == value
    if op == "ne":
        return sa.or_(col != value, col.is_(None))
    if op == "gt":
        return col > value
    if op == "gte":
        return col >= value
    if op == "lt":
        return col < value
    if op == "lte":
        return col <= value
    if op == "in":
        return col.in_(value)
    if op == "isnull":
        if f.kind.name in ("text", "longtext", "email", "url", "phone"):
            empty = sa.or_(col.is_(None), col == "")
            return empty if value else sa.not_(empty)
        return col.is_(None) if value else col.is_not(None)
    if op == "contains":
        return col.ilike(f"%{escape_like(value)}%", escape="\\")
    if op == "startswith":
        return col.ilike(f"{escape_like(value)}%", escape="\\")
    raise BadRequest(_("Unknown operator %(op)s.", op=op))


def _multipicklist_column(entity: Entity, f: Field):
    table = entity.table
    return table.c.custom[f.name] if f.custom else table.c[f.name]


def _json_array_contains(entity: Entity, f: Field, value: str):
    # A portable test: the JSON text of the array contains the quoted value.
    col = sa.cast(_multipicklist_column(entity, f), sa.Text)
    return col.like(f'%"{escape_like(value)}"%', escape="\\")


def _multipicklist_empty(entity: Entity, f: Field):
    col = sa.cast(_multipicklist_column(entity, f), sa.Text)
    return sa.or_(col.is_(None), col.in_(["[]", "null"]))


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(entity: Entity, q: str):
    """Every term of ``q`` is in the record's search text (``LIKE '%term%'``), or None for no terms.

    The ``LIKE`` conditions decide the result; the text index (:mod:`core.search_index`) narrows the
    rows they are checked on, so a term matching few rows does not scan the table.
    """
    table = entity.table
    terms = search_terms(q)
    if not terms:
        return None
    likes = [table.c.search_text.like(f"%{escape_like(t)}%", escape="\\") for t in terms]
    narrowed = search_index.indexed_condition(table, terms, runtime().engine.dialect.name)
    return sa.and_(*([] if narrowed is None else [narrowed]), *likes)


def apply_params(entity: Entity, stmt: sa.Select, params: ListParams) -> sa.Select:
    for f, op, value in params.filters:
        stmt = stmt.where(filter_condition(entity, f, op, value))
    for condition in params.conditions:
        stmt = stmt.where(condition)
    if params.q:
        condition = search_condition(entity, params.q)
        if condition is not None:
            stmt = stmt.where(condition)
    return stmt


def order_by(entity: Entity, stmt: sa.Select, sort: list[tuple[Field, bool]]) -> sa.Select:
    clauses = []
    for f, desc in sort:
        col = column_for(entity, f)
        clauses.append(col.desc() if desc else col.asc())
    tiebreak = entity.table.c.id
    if not any(f.name == "id" for f, _desc in sort):
        last_desc = sort[-1][1] if sort else True
        clauses.append(tiebreak.desc() if last_desc else tiebreak.asc())
    return stmt.order_by(*clauses)


def capped_count(sess, stmt: sa.Select, cap: int) -> tuple[int, bool]:
    """Count matching rows, stopping at ``cap``: a list over a million rows must not wait for COUNT(*).

    ``sess`` is a session or a connection.
    """
    return capped(sess.execute(sa.select(capped_count_subquery(stmt, cap))).scalar_one(), cap)


def capped(total: int, cap: int) -> tuple[int, bool]:
    """``(total, exact)`` as a list reports it: a count past ``cap`` (which counted ``cap + 1``) shows ``cap``."""
    return (cap, False) if total > cap else (total, True)


def capped_count_subquery(stmt: sa.Select, cap: int):
    """``(SELECT count(*) FROM (<stmt> LIMIT cap + 1))`` as a scalar subquery."""
    inner = stmt.with_only_columns(sa.literal(1)).order_by(None).limit(cap + 1).subquery()
    return sa.select(sa.func.count()).select_from(inner).scalar_subquery()


TOTAL_COLUMN = "crm_total"


@dataclass
class Page:
    keys: list[str]  # the columns of ``rows``
    rows: list  # SQLAlchemy rows of the entity's table
    total: int  # matching rows, at most the cap
    exact: bool  # False when there are more than ``total``


def fetch_page(conn, entity: Entity, stmt: sa.Select, params: ListParams, cap: int) -> Page:
    """The page of ``stmt`` that ``params`` asks for, sorted, and the capped count of all its rows.

    The count rides along as a column holding a scalar subquery: one statement and one round trip
    instead of two, and the database evaluates the subquery once.  A page past the end has no row
    to carry it, so then it is counted on its own.
    """
    counted = stmt.add_columns(capped_count_subquery(stmt, cap).label(TOTAL_COLUMN))
    page_stmt = order_by(entity, counted, params.sort).limit(params.per_page).offset(
        (params.page - 1) * params.per_page)
    result = conn.execute(page_stmt)
    keys = list(result.keys())
    rows = result.all()
    if not rows:
        return Page(keys, rows, *capped_count(conn, stmt, cap))
    return Page(keys, rows, *capped(rows[0][-1], cap))

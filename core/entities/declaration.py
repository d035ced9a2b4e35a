"""What a plugin declares: entities, picklists, related lists."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any

import sqlalchemy as sa

from core import search_index
from core.db import UTCDateTime, index_name, json_type, metadata
from core.entities.fields import Field

RESERVED_NAMES = {"meta", "jobs", "recycle-bin", "openapi.json", "users", "roles", "audit", "auth",
                  "me", "imports", "exports", "search", "notes", "attachments",
                  "login-log", "sharing"}
STANDARD_COLUMNS = ("id", "number", "owner_id", "created_at", "updated_at", "created_by_id",
                    "updated_by_id", "version", "deleted_at", "custom", "search_text")
SHARING_MODELS = ("private", "public_read", "public_rw")


@dataclass
class Entity:
    """An entity declared once by a plugin.

    ``name`` is the plural API name (``accounts``).  ``numbering`` is a format
    such as ``ACC-{YYYY}-{#####}``; the number is stored in the ``number``
    field.  ``indexes`` lists extra composite indexes for common filter + sort
    pairs.  ``sharing`` is the default sharing model (administrators can
    change it): ``private``, ``public_read`` or ``public_rw``.  ``blocks``
    labels the groups that ``Field.block`` forms on record pages and forms,
    e.g. ``{"hot": _l("Hot customer")}``.  ``menu_group`` is the menu group the
    entity's list sits in (``customers``, ``sales``, ``products``, ... see
    :data:`core.ui.shell.MENU_GROUPS`; ``more`` is the administrators' area),
    ``menu_order`` its place there.  ``parent`` names the entity a child record
    belongs to (a deal's line items): such an entity has no menu entry and is
    reached from its parent's related list.
    """

    name: str
    label: Any
    fields: list[Field]
    label_singular: Any = None
    title_field: str = "name"
    numbering: str | None = None
    list_columns: list[str] | None = None
    default_sort: str = "-id"
    sharing: str = "private"
    owned: bool = True
    icon: str = "file"
    indexes: list[tuple[str, ...]] = dc_field(default_factory=list)
    description: Any = None
    blocks: dict = dc_field(default_factory=dict)
    menu_group: str = "other"
    menu_order: int = 100
    parent: str | None = None
    plugin: str = ""

    def __post_init__(self):
        names = [f.name for f in self.fields]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"entity {self.name}: duplicate fields {sorted(duplicates)}")
        clash = set(names) & set(STANDARD_COLUMNS)
        if clash:
            raise ValueError(f"entity {self.name}: {sorted(clash)} are standard columns")
        if self.sharing not in SHARING_MODELS:
            raise ValueError(f"entity {self.name}: sharing must be one of {SHARING_MODELS}")

    @property
    def table_name(self) -> str:
        """``<plugin>_<name>``, or ``name`` alone when it already starts with ``<plugin>_``
        (entity ``maintenance_contracts`` of plugin ``maintenance`` → ``maintenance_contracts``)."""
        if self.name.startswith(f"{self.plugin}_"):
            return self.name
        return f"{self.plugin}_{self.name}"

    @property
    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def search_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.search]

    @property
    def default_columns(self) -> list[str]:
        return self.list_columns or [f.name for f in self.fields if f.list] or [self.title_field]

    @property
    def table(self) -> sa.Table:
        return entity_table(self)


@dataclass
class PicklistValue:
    value: str
    labels: dict[str, str]
    colour: str | None = None
    extra: dict = dc_field(default_factory=dict)
    active: bool = True


def language_labels(ko: str, zh: str, en: str) -> dict[str, str]:
    """``{"ko": ko, "zh_Hans": zh, "en": en}``: a label in the three languages, as picklist values and
    :func:`core.i18n.pick_label` hold them."""
    return {"ko": ko, "zh_Hans": zh, "en": en}


def picklist_value(value: str, ko: str, zh: str, en: str, colour: str | None = None,
                   extra: dict | None = None) -> PicklistValue:
    """One default picklist value labelled in Korean, Chinese and English (``extra``: the plugin's own
    data on the value, e.g. a stage's probability)."""
    return PicklistValue(value, language_labels(ko, zh, en), colour=colour, extra=dict(extra or {}))


def picklist_values(*rows: tuple[str, str, str, str], colours: dict | None = None) -> list[PicklistValue]:
    """``(value, ko, zh-Hans, en)`` rows as a picklist's default values, ``colours`` by value."""
    colours = colours or {}
    return [picklist_value(value, ko, zh, en, colours.get(value)) for value, ko, zh, en in rows]


@dataclass
class Picklist:
    """Default values for a picklist; after the first install the database owns them."""

    name: str
    values: list[PicklistValue]
    label: Any = None


@dataclass
class RelatedList:
    """Child records of ``entity`` pointing at the parent through ``field``."""

    entity: str
    field: str
    label: Any = None
    order: int = 100


def entity_table(entity: Entity) -> sa.Table:
    """The table for ``entity`` in the shared metadata (built once per process)."""
    name = entity.table_name
    if name in metadata.tables:
        return metadata.tables[name]
    columns: list[Any] = [sa.Column("id", sa.Integer, primary_key=True)]
    if entity.numbering:
        columns.append(sa.Column("number", sa.String(40), unique=True))
    if entity.owned:
        columns.append(sa.Column("owner_id", sa.Integer, sa.ForeignKey("core_users.id"), index=True))
    for f in entity.fields:
        columns.extend(field_columns(entity, f))
    columns += [
        sa.Column("custom", json_type(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("search_text", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", UTCDateTime, nullable=False, index=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("core_users.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer, sa.ForeignKey("core_users.id"), nullable=True),
        sa.Column("deleted_at", UTCDateTime, nullable=True),
    ]
    table = sa.Table(name, metadata, *columns)
    # Every list reads live rows only (deleted_at IS NULL).  Partial indexes over the live rows let a
    # filter + sort page be read in index order and a capped count never touch the table; an index
    # over all rows would let the planner mistake "deleted_at IS NULL" (nearly every row) for selective.
    live = table.c.deleted_at.is_(None)
    for f in entity.fields:
        if (f.index or f.type == "picklist") and not f.unique and f.type not in FOREIGN_KEY_TYPES:
            sa.Index(f"ix_{name}_{f.name}_live", table.c[f.name], **partial(live))
    for cols in entity.indexes:
        sa.Index(index_name(f"ix_{name}_{'_'.join(cols)}_live"), *[table.c[c] for c in cols], **partial(live))
    sa.Index(f"ix_{name}_in_recycle_bin", table.c.deleted_at, **partial(table.c.deleted_at.is_not(None)))
    search_index.attach(table)  # the free-text index on search_text (kept outside the metadata)
    return table


# Reference columns keep a full index: the database's own foreign-key actions (a purge setting
# children's references to NULL) look rows up through it whether or not they are in the recycle bin.
FOREIGN_KEY_TYPES = ("reference", "user")


def partial(condition) -> dict:
    """Keyword arguments making an index partial on both SQLite and PostgreSQL."""
    return {"sqlite_where": condition, "postgresql_where": condition}


# Required references declared before they were made NOT NULL: their tables keep the nullable,
# ON DELETE SET NULL column their migrations made.  Making one NOT NULL takes a migration that first
# decides about the rows a purge already emptied.
LEGACY_NULLABLE_REFERENCES = frozenset({
    ("opportunity_competitors", "opportunity_id"), ("opportunity_items", "opportunity_id"),
    ("opportunity_items", "product_id"), ("opportunity_partners", "account_id"),
    ("opportunity_partners", "opportunity_id"), ("product_options", "product_id"),
    ("product_prices", "price_list_id"), ("product_prices", "product_id"), ("quote_lines", "quote_id"),
    ("quotes", "account_id"), ("sales_order_lines", "order_id"), ("sales_orders", "account_id"),
    ("visit_logs", "account_id"),
})


def field_columns(entity: Entity, f: Field) -> list[sa.Column]:
    """The columns of one field.  A ``required`` reference is NOT NULL and its foreign key has no
    ON DELETE action: purging the referenced record is refused while this one points at it (409).
    An optional reference falls back to empty (ON DELETE SET NULL)."""
    kind = f.kind
    args: list[Any] = [kind.column_type(f)]
    index = f.type in FOREIGN_KEY_TYPES  # the other indexed fields get a partial index (entity_table)
    not_null = f.type == "reference" and f.required and (entity.name, f.name) not in LEGACY_NULLABLE_REFERENCES
    if f.type == "reference":
        args.append(sa.ForeignKey(f"{target_table_name(entity, f)}.id", ondelete=None if not_null else "SET NULL"))
    elif f.type == "user":
        args.append(sa.ForeignKey("core_users.id"))
    columns = [sa.Column(f.name, *args, index=index and not f.unique, unique=f.unique or None,
                         nullable=not not_null)]
    if f.type == "phone":
        columns.append(sa.Column(f"{f.name}_norm", sa.String(40), index=True))
    return columns


def target_table_name(entity: Entity, f: Field) -> str:
    """The referenced entity's table, resolved by the registry (entity names are global)."""
    try:
        return f.extra["target_table"]
    except KeyError:
        raise ValueError(f"{entity.name}.{f.name}: reference target {f.target!r} is not a known entity") from None

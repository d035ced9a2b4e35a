"""The entities of the enabled plugins, plus the custom fields stored in the database."""
from __future__ import annotations

import pluggy
import sqlalchemy as sa

from core import generations
from core.db import session
from core.entities.declaration import RESERVED_NAMES, Entity, Picklist, RelatedList
from core.entities.fields import FIELD_TYPES, Field
from core.entities.picklists import GENERATION
from core.errors import NotFound, PluginError
from core.i18n import current_language, pick_label
from core.entities.models import CustomFieldRow


class EntityRegistry:
    def __init__(self, entities: dict[str, Entity], picklists: list[tuple[str, Picklist]],
                 related: dict[str, list[RelatedList]]):
        self.entities = entities
        self.picklists = picklists
        self.related = related

    @classmethod
    def from_plugins(cls, pm: pluggy.PluginManager) -> "EntityRegistry":
        entities: dict[str, Entity] = {}
        for impl in pm.hook.crm_entities.get_hookimpls():
            for entity in impl.function() or []:
                if entity.name in entities:
                    raise PluginError(f"entity {entity.name!r} is declared by {entities[entity.name].plugin!r} "
                                      f"and {impl.plugin_name!r}")
                if entity.name in RESERVED_NAMES:
                    raise PluginError(f"plugin {impl.plugin_name!r}: entity name {entity.name!r} is reserved")
                if entity.plugin and entity.plugin != impl.plugin_name:
                    raise PluginError(f"entity {entity.name!r} already belongs to plugin {entity.plugin!r}")
                entity.plugin = impl.plugin_name
                entities[entity.name] = entity
        for entity in entities.values():
            for f in entity.fields:
                if f.type not in FIELD_TYPES:
                    raise PluginError(f"{entity.name}.{f.name}: unknown field type {f.type!r}")
                if f.type == "reference":
                    if f.target not in entities:
                        raise PluginError(f"{entity.name}.{f.name}: reference target {f.target!r} is not an "
                                          f"entity of an enabled plugin (missing dependency?)")
                    f.extra["target_table"] = entities[f.target].table_name
            entity.table  # build the table now so that a bad declaration fails at start-up
        picklists = [(impl.plugin_name, p) for impl in pm.hook.crm_picklists.get_hookimpls()
                     for p in impl.function() or []]
        related: dict[str, list[RelatedList]] = {}
        for name in entities:
            items = [r for group in pm.hook.crm_related_lists(entity=entities[name]) for r in group or []]
            related[name] = sorted((r for r in items if r.entity in entities), key=lambda r: r.order)
        return cls(entities, picklists, related)

    def get(self, name: str) -> Entity:
        try:
            return self.entities[name]
        except KeyError:
            raise NotFound(f"unknown entity {name!r}") from None

    def fields(self, entity: Entity) -> list[Field]:
        """Built-in fields followed by the active custom fields (read once per request)."""
        return entity.fields + custom_fields(entity.name)

    def field_map(self, entity: Entity) -> dict[str, Field]:
        return {f.name: f for f in self.fields(entity)}


def custom_fields(entity_name: str) -> list[Field]:
    """The active custom fields of ``entity_name``, from the process-wide cache (:mod:`core.generations`)."""
    by_entity = generations.cached(GENERATION, ("custom_fields", current_language()), load_custom_fields)
    return by_entity.get(entity_name, [])


def load_custom_fields() -> dict[str, list[Field]]:
    rows = session().scalars(sa.select(CustomFieldRow).where(CustomFieldRow.active)
                             .order_by(CustomFieldRow.position, CustomFieldRow.id))
    result: dict[str, list[Field]] = {}
    for row in rows:
        result.setdefault(row.entity, []).append(custom_field_from_row(row))
    return result


def custom_field_from_row(row) -> Field:
    return Field(name=row.name, type=row.type, label=pick_label(row.labels, row.label),
                 required=row.required, picklist=row.picklist, target=row.target,
                 max_length=row.max_length, custom=True, position=row.position, block=row.block,
                 search=row.type in ("text", "email", "phone"))

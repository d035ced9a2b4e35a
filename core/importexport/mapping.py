"""Which column of a file goes into which field.

Headers are matched automatically against every importable field's API name
and its labels in Korean, Chinese and English (custom fields: every label the
administrator gave).  A mapping ``{header: field}`` can be saved per entity
(``core_import_mappings``) and reused.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import force_locale, gettext as _

from core.db import session
from core.entities.fields import Field
from core.errors import Forbidden, NotFound, ValidationError
from core.i18n import LANGUAGES
from core.importexport.models import ImportMapping
from core.entities.models import CustomFieldRow
from core.runtime import runtime

# Standard columns a file may carry, with the words users put in headers.
STANDARD_ALIASES = {
    "owner_id": ("owner", "owner_id", "담당사원", "담당자", "소유자", "负责人", "所有者"),
    "number": ("number", "no", "번호", "编号"),
}


def normalise(text) -> str:
    """Header text as compared: case, spaces and punctuation do not matter."""
    return re.sub(r"[\s_\-.:*()（）\[\]/]+", "", str(text or "")).casefold()


def importable_fields(entity, hidden: frozenset[str] = frozenset()) -> list[Field]:
    """Fields a file may fill; ``hidden`` (the user's hidden fields) left out when offering them."""
    return [f for f in runtime().registry.fields(entity) if not f.readonly and f.name not in hidden]


def field_labels(entity, f: Field) -> set[str]:
    """Every name a user may call ``f`` by: API name, labels in all languages and declared aliases."""
    names = {f.name, *f.aliases}
    if f.custom:
        row = session().scalar(sa.select(CustomFieldRow).where(CustomFieldRow.entity == entity.name,
                                                               CustomFieldRow.name == f.name))
        if row is not None:
            names.add(row.label)
            names.update(v for v in (row.labels or {}).values() if v)
        return names
    if f.label is not None:
        for lang in LANGUAGES:
            with force_locale(lang):
                names.add(str(f.label))
    return names


def alias_table(entity) -> dict[str, str]:
    """``{normalised header: field name}``; built-in labels win over custom ones on a clash."""
    table: dict[str, str] = {}
    fields = importable_fields(entity)
    for f in sorted(fields, key=lambda f: f.custom):
        for name in field_labels(entity, f):
            table.setdefault(normalise(name), f.name)
    for name, aliases in STANDARD_ALIASES.items():
        if name == "owner_id" and not entity.owned or name == "number" and not entity.numbering:
            continue
        for alias in aliases:
            table.setdefault(normalise(alias), name)
    return table


def auto_map(entity, headers: list[str]) -> dict[str, str]:
    """``{header: field}`` for the headers that name a field (each field taken once, first header wins)."""
    table = alias_table(entity)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = table.get(normalise(header))
        if header and name and name not in taken:
            mapping[header] = name
            taken.add(name)
    return mapping


def check_mapping(entity, mapping: dict, headers: list[str] | None = None,
                  hidden: frozenset[str] = frozenset()) -> dict[str, str]:
    """A user-given mapping, checked: known fields, each once; empty targets mean "ignore".

    ``hidden`` fields (the user's, :mod:`core.security.fields`) are unknown.
    """
    if not isinstance(mapping, dict):
        raise ValidationError(_("The mapping must be an object {column: field}."), {"mapping": _("Not an object.")})
    known = ({f.name for f in importable_fields(entity)} | set(alias_table(entity).values())) - hidden
    errors: dict[str, str] = {}
    result: dict[str, str] = {}
    for header, name in mapping.items():
        if name in (None, ""):
            continue
        if name not in known:
            errors[str(header)] = _("Unknown field %(name)s.", name=name)
        elif name in result.values():
            errors[str(header)] = _("The field %(name)s is mapped twice.", name=name)
        elif headers is not None and header not in headers:
            errors[str(header)] = _("The file has no column %(name)s.", name=header)
        else:
            result[str(header)] = str(name)
    if errors:
        raise ValidationError(_("The mapping is not valid."), errors)
    return result


# --- saved mappings ----------------------------------------------------------

def saved_mappings(entity) -> list[ImportMapping]:
    return list(session().scalars(sa.select(ImportMapping).where(ImportMapping.entity == entity.name)
                                  .order_by(ImportMapping.name)))


def saved_mapping(entity, name: str) -> ImportMapping:
    row = session().scalar(sa.select(ImportMapping).where(ImportMapping.entity == entity.name,
                                                         ImportMapping.name == name))
    if row is None:
        raise NotFound(_("No saved mapping named %(name)s.", name=name))
    return row


def check_mapping_owner(row: ImportMapping, user) -> None:
    """Only who saved a mapping, or an administrator, replaces or deletes it (others may use it)."""
    if getattr(user, "is_admin", False) or (row.user_id is not None and row.user_id == getattr(user, "id", None)):
        return
    raise Forbidden(_("This saved mapping belongs to someone else: save yours under another name."))


def delete_mapping(entity, name: str, user) -> None:
    row = saved_mapping(entity, name)
    check_mapping_owner(row, user)
    session().delete(row)


def save_mapping(entity, name, mapping: dict, user) -> ImportMapping:
    """Create the saved mapping ``name`` of ``entity``, or replace it if it is ``user``'s."""
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError(_("The mapping is not valid."), {"name": _("A name of 1 to 100 characters is required.")})
    checked = check_mapping(entity, mapping)
    row = session().scalar(sa.select(ImportMapping).where(ImportMapping.entity == entity.name,
                                                         ImportMapping.name == name))
    if row is None:
        row = ImportMapping(entity=entity.name, name=name, user_id=getattr(user, "id", None))
        session().add(row)
    else:
        check_mapping_owner(row, user)
    row.mapping = checked
    session().flush()
    return row


def mapping_json(row: ImportMapping) -> dict:
    return {"id": row.id, "entity": row.entity, "name": row.name, "mapping": row.mapping,
            "user_id": row.user_id}

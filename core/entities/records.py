"""The one service every record write goes through (API, UI, import, workflows).

It validates (schema, picklists, references the user can see, uniqueness),
lets plugins compute and refuse (``crm_before_save``), numbers new records,
keeps the search text and normalised phones, writes, lets plugins write
related rows (``crm_after_save``), audits and sends the signal, all in the
caller's transaction.  Callers commit.

Records travel as plain dicts in Python form (``Decimal``, ``date``);
:func:`to_json` (:mod:`core.entities.record_json`) turns one into its API form.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from core import signals
from core.audit import log_record_change
from core.db import session, utcnow
from core.entities import picklists
from core.entities.declaration import Entity
from core.entities.fields import FIELD_TYPES, Field, FieldValueError
from core.entities.numbering import next_number
from core.entities.query import visible_select
from core.entities.record_json import custom_from_storage, to_json  # noqa: F401  (records.to_json is public API)
from core.errors import Conflict, DuplicateWarning, NotFound, ValidationError
from core.phones import normalise_phone
from core.runtime import runtime
from core.search import search_text
from core.entities.disclosure import conflict_label, taken_error
from core.entities.schemas import schema_for
from core.security.fields import hidden_fields, strip_hidden
from core.security.models import User
from core.security.permissions import require_right

STANDARD_IN_BODY = {"id", "number", "version", "created_at", "updated_at", "created_by_id",
                    "updated_by_id", "deleted_at", "_display", "confirm_duplicate"}


# --- reading ---------------------------------------------------------------

def row_to_record(entity: Entity, row, fields: list[Field]) -> dict:
    """A database row as a record dict in Python form (custom fields flattened)."""
    data = row._mapping
    record: dict[str, Any] = {"id": data["id"]}
    if entity.numbering:
        record["number"] = data["number"]
    if entity.owned:
        record["owner_id"] = data["owner_id"]
    custom = data["custom"] or {}
    for f in fields:
        if f.custom:
            stored = custom.get(f.name)
            record[f.name] = custom_from_storage(f, stored)
        else:
            record[f.name] = data[f.name]
    for name in ("version", "created_at", "updated_at", "created_by_id", "updated_by_id", "deleted_at"):
        record[name] = data[name]
    return record


def entity_fields(entity: Entity) -> list[Field]:
    return runtime().registry.fields(entity)


def get(entity: Entity, record_id: int, user, *, include_deleted: bool = False) -> dict:
    """A record the user may see, else 404 (whether or not it exists)."""
    stmt = visible_select(entity, user, include_deleted=include_deleted).where(entity.table.c.id == record_id)
    row = session().execute(stmt).first()
    if row is None:
        raise NotFound(_("Record not found."))
    return row_to_record(entity, row, entity_fields(entity))


def fetch(entity: Entity, record_id: int, *, for_update: bool = False) -> dict | None:
    """A record regardless of permissions (for services that already checked)."""
    stmt = sa.select(entity.table).where(entity.table.c.id == record_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = session().execute(stmt).first()
    return None if row is None else row_to_record(entity, row, entity_fields(entity))


# --- validating ------------------------------------------------------------

def load_input(entity: Entity, data: dict, *, partial: bool, schema=None) -> dict:
    """Validate a request body against the entity's schema; 422 naming each bad field.

    ``schema`` replaces the marshmallow schema with an equivalent (the importer's
    :class:`~core.importexport.row_schema.RowSchema`).
    """
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    body = {k: v for k, v in data.items() if k not in STANDARD_IN_BODY and k != "owner_id"}
    try:
        values = (schema or schema_for(entity, entity_fields(entity))).load(body, partial=partial)
    except ma.ValidationError as exc:
        raise ValidationError(_("Some fields are not valid."), translate_errors(exc.messages)) from None
    if "owner_id" in data and entity.owned:
        values["owner_id"] = check_user_reference(data["owner_id"], "owner_id")
    return values


def load_body(schema: ma.Schema, data, *, partial: bool = False) -> dict:
    """A request body checked by a plugin's own marshmallow ``schema``: a 422 naming each bad field, in the
    user's language (the generic record routes use :func:`schema_for`)."""
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object with Content-Type: application/json."))
    try:
        return schema.load(data, partial=partial)
    except ma.ValidationError as exc:
        raise ValidationError(_("Some fields are not valid."), translate_errors(exc.messages)) from None


def translate_errors(messages: dict) -> dict:
    unknown = "Unknown field."
    return {k: (_("Unknown field.") if v == [unknown] else " ".join(map(str, v)) if isinstance(v, list) else v)
            for k, v in messages.items()}


def check_user_reference(value, name: str) -> int:
    try:
        user_id = FIELD_TYPES["user"].coerce(None, value)
    except FieldValueError:
        raise ValidationError(_("Some fields are not valid."), {name: _("Not a valid user.")}) from None
    user = session().get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(_("Some fields are not valid."), {name: _("Not a valid user.")})
    return user_id


class DatabaseChecks:
    """How :func:`check_values` asks the database about fields, picklists, references and uniqueness.

    One query per question; the importer passes a subclass that answers a
    whole batch from a few prefetched sets.
    """

    def fields(self, entity: Entity) -> dict[str, Field]:
        return {f.name: f for f in entity_fields(entity)}

    def checked_fields(self, entity: Entity) -> dict[str, Field]:
        """The fields :func:`check_values` has a rule for (picklists, references, users, unique values)."""
        return {name: f for name, f in self.fields(entity).items()
                if f.unique or f.type in ("picklist", "multipicklist", "reference", "user")}

    def allowed_values(self, picklist: str) -> set[str]:
        return picklists.active_values(picklist)

    def reference_visible(self, target: Entity, value, user) -> bool:
        found = session().execute(visible_select(target, user, target.table.c.id)
                                  .where(target.table.c.id == value)).first()
        return found is not None

    def duplicate_of(self, entity: Entity, f: Field, value, record_id: int | None, user) -> str | None:
        """The error when another record holds unique ``value`` (what it may say: :mod:`core.entities.disclosure`)."""
        return taken_error(entity, user, entity.table.c[f.name], value, record_id)


def check_values(entity: Entity, values: dict, changed: set[str], user, record_id: int | None,
                 checks: DatabaseChecks | None = None) -> None:
    """Rules that need the database: picklists, references, users, uniqueness."""
    checks = checks or DatabaseChecks()
    errors: dict[str, str] = {}
    fields = checks.checked_fields(entity)
    for name in changed:
        f = fields.get(name)
        value = values.get(name)
        if f is None or value in (None, "", []):
            continue
        if f.type == "picklist" and value not in checks.allowed_values(f.picklist):
            errors[name] = _("%(value)s is not an allowed value.", value=value)
        elif f.type == "multipicklist":
            bad = [v for v in value if v not in checks.allowed_values(f.picklist)]
            if bad:
                errors[name] = _("%(value)s is not an allowed value.", value=", ".join(bad))
        elif f.type == "reference":
            if not checks.reference_visible(runtime().registry.get(f.target), value, user):
                errors[name] = _("No such record, or you cannot see it.")
        elif f.type == "user":
            try:
                check_user_reference(value, name)
            except ValidationError as exc:
                errors.update(exc.fields)
        if f.unique and name not in errors:
            taken = checks.duplicate_of(entity, f, value, record_id, user)
            if taken:
                errors[name] = taken
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)


# --- writing ---------------------------------------------------------------

def create(entity: Entity, data: dict, user, *, check_rights: bool = True) -> dict:
    if check_rights:
        require_right(user, entity, "create")
    fields = entity_fields(entity)
    values = prepare_new(entity, data, user, fields)
    check_values(entity, values, set(values), user, None)
    if not (isinstance(data, dict) and data.get("confirm_duplicate") is True):
        check_duplicates(entity, values, user)
    sess = session()
    row = new_row(entity, fields, values, user, utcnow(), next_number(sess, entity) if entity.numbering else None)
    record_id = sess.execute(sa.insert(entity.table).values(**row).returning(entity.table.c.id)).scalar_one()
    record = fetch(entity, record_id)
    after_write(entity, record, None, set(values), user)
    signals.record_created.send(entity.name, entity=entity, record=record, user=user, session=sess)
    return record


def prepare_new(entity: Entity, data: dict, user, fields: list[Field], *, schema=None, before_save=None) -> dict:
    """Values of a new record: schema-validated, defaults and owner filled in, ``crm_before_save`` applied.

    Shared by :func:`create` and the importer's bulk path, so both validate
    identically; the database rules follow in :func:`check_values`.  The
    importer passes ``before_save``: the hook as a :class:`~core.plugins.BatchHook`.
    """
    values = load_input(entity, data, partial=False, schema=schema)
    for f in fields:
        if f.default is not None and f.name not in values:
            values[f.name] = f.default() if callable(f.default) else f.default
    if entity.owned:
        values.setdefault("owner_id", user.id if user is not None else None)
    (before_save or runtime().hook.crm_before_save)(entity=entity, values=values, old=None, user=user)
    return values


class NewRowPlan:
    """What :func:`new_row` needs besides a record's values, worked out once for many records of one entity."""

    def __init__(self, fields: list[Field]):
        self.expanders = search_expanders()
        self.region = phone_region()
        self.search_names = [f.name for f in fields if f.search]


def new_row(entity: Entity, fields: list[Field], values: dict, user, now, number: str | None,
            plan: NewRowPlan | None = None) -> dict:
    """The column values inserting a new record (standard columns, number, search text).

    ``plan``: given by a caller writing many records (:class:`NewRowPlan`).
    """
    plan = plan or NewRowPlan(fields)
    row = columns_for_write(entity, fields, values, {}, plan.region)
    row.update(created_at=now, updated_at=now, version=1,
               created_by_id=getattr(user, "id", None), updated_by_id=getattr(user, "id", None))
    if entity.numbering:
        row["number"] = number
    row["search_text"] = record_search_text(row.get("number"), values, plan.search_names, plan.expanders)
    return row


#: Attempts of a change sent without a version before a concurrent writer's conflict is reported.
UNVERSIONED_ATTEMPTS = 3


class StaleVersion(Conflict):
    """The record's version is no longer the one the change was based on (409 ``conflict``)."""


def update(entity: Entity, record_id: int, data: dict, user, *, expected_version: int | None = None,
           check_rights: bool = True) -> dict:
    """Change a record; 409 only when the caller named the version it changed (``If-Match`` or ``version``).

    Without a version the change applies to the record as it is now: when another writer commits
    between this read and this write, the change is read and applied again (the retry locks the row
    first, so it wins), inside a savepoint so nothing of the lost attempt stays.
    """
    if expected_version is None and isinstance(data, dict) and data.get("version") is not None:
        expected_version = parse_version(data["version"])
    if expected_version is not None:
        return update_once(entity, record_id, data, user, expected_version, check_rights)
    for attempt in range(1, UNVERSIONED_ATTEMPTS + 1):
        try:
            with session().begin_nested():
                if attempt > 1:
                    lock_row(entity, record_id)
                return update_once(entity, record_id, data, user, None, check_rights)
        except StaleVersion:
            if attempt == UNVERSIONED_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def lock_row(entity: Entity, record_id: int) -> None:
    """``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite's writers are serialised by the write lock already)."""
    table = entity.table
    session().execute(sa.select(table.c.id).where(table.c.id == record_id).with_for_update())


def update_once(entity: Entity, record_id: int, data: dict, user, expected_version: int | None,
                check_rights: bool) -> dict:
    old = get(entity, record_id, user)
    if check_rights:
        require_right(user, entity, "edit", old)
    if expected_version is not None and expected_version != old["version"]:
        raise_conflict(entity, old, user)
    values, changed = prepare_change(entity, old, load_input(entity, data, partial=True), user)
    if not changed:
        return old
    write_change(entity, old, values, changed, user)
    record = fetch(entity, record_id)
    after_write(entity, record, old, changed, user)
    announce_update(entity, record, old, changed, user)
    return record


def prepare_change(entity: Entity, old: dict, changes_in: dict, user) -> tuple[dict, set[str]]:
    """A stored record's values after a change, and the names that differ.

    ``crm_before_save`` runs (plugins compute, workflows apply their field
    updates, or refuse) and the database rules are checked.  Shared by
    :func:`update` and the ownership transfer (:mod:`core.transfer`).
    """
    values = {**old, **changes_in}
    runtime().hook.crm_before_save(entity=entity, values=values, old=old, user=user)
    changed = {k for k, v in values.items() if k in old and old[k] != v}
    if changed:
        check_values(entity, values, changed, user, old["id"])
    return values, changed


def write_change(entity: Entity, old: dict, values: dict, changed: set[str], user) -> None:
    """Write a prepared change to one record; 409 when someone else changed it since ``old`` was read."""
    fields = entity_fields(entity)
    row = columns_for_write(entity, fields, {k: values[k] for k in changed}, old)
    row.update(updated_at=utcnow(), updated_by_id=getattr(user, "id", None), version=old["version"] + 1,
               search_text=build_search_text(entity, fields, values))
    table = entity.table
    result = session().execute(sa.update(table).where(table.c.id == old["id"], table.c.version == old["version"])
                               .values(**row))
    if result.rowcount != 1:
        raise_conflict(entity, fetch(entity, old["id"]) or old, user)


def announce_update(entity: Entity, record: dict, old: dict, changed: set[str], user) -> None:
    """Send ``record_updated`` for a written change (receivers run in this transaction)."""
    signals.record_updated.send(entity.name, entity=entity, record=record, old=old, changes=changed,
                                user=user, session=session())


def delete(entity: Entity, record_id: int, user, *, check_rights: bool = True) -> dict:
    """Move a record to the recycle bin."""
    record = get(entity, record_id, user)
    if check_rights:
        require_right(user, entity, "delete", record)
    table = entity.table
    now = utcnow()
    session().execute(sa.update(table).where(table.c.id == record_id)
                      .values(deleted_at=now, updated_at=now, version=table.c.version + 1,
                              updated_by_id=getattr(user, "id", None)))
    record = fetch(entity, record_id)
    audit("delete", entity, record, user)
    signals.record_deleted.send(entity.name, entity=entity, record=record, user=user, session=session())
    return record


def restore(entity: Entity, record_id: int, user, *, check_rights: bool = True) -> dict:
    record = get(entity, record_id, user, include_deleted=True)
    if record["deleted_at"] is None:
        return record
    if check_rights:
        require_right(user, entity, "delete", record)
    table = entity.table
    session().execute(sa.update(table).where(table.c.id == record_id)
                      .values(deleted_at=None, updated_at=utcnow(), version=table.c.version + 1,
                              updated_by_id=getattr(user, "id", None)))
    record = fetch(entity, record_id)
    audit("restore", entity, record, user)
    signals.record_restored.send(entity.name, entity=entity, record=record, user=user, session=session())
    return record


def check_duplicates(entity: Entity, values: dict, user) -> None:
    """409 ``duplicate_warning`` naming the probable duplicates plugins find (``crm_duplicate_candidates``).

    The client shows the matches and repeats the call with ``"confirm_duplicate": true``.
    """
    matches = [m for group in runtime().hook.crm_duplicate_candidates(entity=entity, values=values, user=user)
               for m in group or []]
    if matches:
        names = ", ".join(conflict_label(m) for m in matches)
        raise DuplicateWarning(_("Already registered: %(names)s. Send confirm_duplicate to create it anyway.",
                                 names=names), matches=matches)


def parse_version(raw) -> int:
    try:
        return int(str(raw).strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise ValidationError(_("Some fields are not valid."), {"version": _("Not a valid version.")}) from None


def raise_conflict(entity: Entity, current: dict, user):
    """409 with the record as it is now, as much of it as ``user`` may see."""
    raise StaleVersion(_("Someone else changed this record. Review their change and save again."),
                       current=strip_hidden(to_json(entity, current), hidden_fields(entity, user)))


def phone_region() -> str:
    """The region phone numbers without a country code belong to (``KR``)."""
    return current_app.config["PLUGCRM_PHONE_REGION"]


def columns_for_write(entity: Entity, fields: list[Field], values: dict, old: dict,
                      region: str | None = None) -> dict:
    """Column values for an insert/update: built-ins as columns, custom fields merged into JSON.

    ``region``: :func:`phone_region` when the caller has it already."""
    row: dict[str, Any] = {}
    custom_changed = False
    custom = {}
    for f in fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.custom:
            custom_changed = True
            custom[f.name] = f.kind.to_storage(value) if value not in (None, []) else None
        else:
            row[f.name] = value
            if f.type == "phone":
                row[f"{f.name}_norm"] = normalise_phone(value, region or phone_region())
    if "owner_id" in values and entity.owned:
        row["owner_id"] = values["owner_id"]
    if custom_changed or not old:
        stored = {f.name: f.kind.to_storage(old[f.name]) for f in fields
                  if f.custom and old.get(f.name) not in (None, [])} if old else {}
        stored.update(custom)
        row["custom"] = {k: v for k, v in stored.items() if v is not None}
    return row


def build_search_text(entity: Entity, fields: list[Field], values: dict, expanders: list | None = None) -> str:
    return record_search_text(values.get("number"), values, [f.name for f in fields if f.search],
                              search_expanders() if expanders is None else expanders)


def record_search_text(number: str | None, values: dict, names: list[str], expanders: list) -> str:
    """A record's search text: its number and its searchable fields' values (``names``), expanded."""
    parts = [number] + [values.get(name) for name in names]
    return search_text([p for p in parts if p], expanders)


def search_expanders() -> list:
    """Plugins' extra forms of search text (``crm_search_expanders``)."""
    return [e for group in runtime().hook.crm_search_expanders() for e in group or []]


def after_write(entity: Entity, record: dict, old: dict | None, changed: set[str], user) -> None:
    after_save_hooks(entity, record, old, user)
    audit("create" if old is None else "update", entity, record, user, old=old, changed=changed)


def after_save_hooks(entity: Entity, record: dict, old: dict | None, user) -> None:
    """``crm_after_save``: plugins' related writes (and the workflows' tasks) for a written record."""
    runtime().hook.crm_after_save(entity=entity, record=record, old=old, user=user, session=session())


def audit(action: str, entity: Entity, record: dict, user, *, old: dict | None = None,
          changed: set[str] | None = None) -> None:
    """Write the audit trail (see :mod:`core.audit`)."""
    log_record_change(action, entity, record, user, old=old, changed=changed)

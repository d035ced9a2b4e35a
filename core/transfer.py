"""Handing every record one user owns to another (someone leaves the company).

Each moved record goes through the pieces of an ordinary owner change in
:mod:`core.entities.records`: ``crm_before_save`` (so workflows see the new
owner and apply their field updates), ``crm_after_save``, then the
``record_updated`` signal, in the caller's transaction, with one ``transfer``
audit entry per record.  Records in the recycle bin move with one statement
and their audit entries, unannounced.  Records are read by id, :data:`CHUNK` at a time.

Up to ``transfer_inline_max`` records (setting, default :data:`INLINE_MAX`)
move within the request; more move in the ``core.transfer`` job, which commits
chunk by chunk.  A record already moved is no longer owned by the source, so
a job that runs again carries on where it stopped and never moves or
announces a record twice.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from core.audit import log_transfer
from core.bounds import is_id
from core.db import session, utcnow
from core.entities import records
from core.errors import Conflict, CRMError, ValidationError
from core.jobs import PermanentJobError, enqueue, existing_job, register
from core.runtime import runtime
from core.security.models import User

JOB_TYPE = "core.transfer"
CHUNK = 500
INLINE_MAX = 2000


@dataclass
class Started:
    """What :func:`start` did: ``moved`` per entity (planned, while ``job_id`` runs them)."""

    moved: dict[str, int]
    job_id: int | None = None


def inline_max() -> int:
    return int(runtime().settings.extra.get("transfer_inline_max", INLINE_MAX))


def job_key(source: User) -> str:
    return f"{JOB_TYPE}:{source.id}"


def check_transfer(source: User, target_id, entity_names) -> tuple[User, list]:
    """The target user and the entities to move; 422 naming what is wrong, nothing changed."""
    errors: dict[str, str] = {}
    target = session().get(User, target_id) if is_id(target_id) else None
    if target is None or not target.active:
        errors["to_user_id"] = _("Not a valid user.")
    elif target.id == source.id:
        errors["to_user_id"] = _("Choose another user than the one whose records move.")
    owned = {e.name: e for e in runtime().registry.entities.values() if e.owned}
    if entity_names is not None:
        if not isinstance(entity_names, list) or not all(n in owned for n in entity_names):
            errors["entities"] = _("Name entities that have owners, e.g. [\"accounts\"].")
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    return target, [owned[n] for n in (entity_names if entity_names is not None else owned)]


def count_owned(source_id: int, entities) -> dict[str, int]:
    return {e.name: session().scalar(sa.select(sa.func.count()).select_from(e.table)
                                     .where(e.table.c.owner_id == source_id)) for e in entities}


def start(source: User, target_id, acting, entity_names=None) -> Started:
    """Move ``source``'s records now, or start the job when there are more than :func:`inline_max`."""
    target, entities = check_transfer(source, target_id, entity_names)
    running = existing_job(job_key(source))
    if running is not None:
        raise Conflict(_("The records of this user are already being handed over (job %(id)s).", id=running))
    planned = count_owned(source.id, entities)
    if sum(planned.values()) <= inline_max():
        return Started(move_all(source.id, target.id, entities, acting))
    payload = {"from_user_id": source.id, "to_user_id": target.id, "acting_user_id": acting.id,
               "entities": [e.name for e in entities], "total": sum(planned.values())}
    return Started(planned, enqueue(JOB_TYPE, payload, dedupe_key=job_key(source)))


def move_all(source_id: int, target_id: int, entities, acting, after_chunk=None) -> dict[str, int]:
    """Move every record of ``entities`` owned by ``source_id``; ``after_chunk(count)`` follows each chunk."""
    moved: dict[str, int] = {}
    for entity in entities:
        moved[entity.name] = 0
        after = 0
        while olds := owned_chunk(entity, source_id, after):
            after = olds[-1]["id"]
            count = move_chunk(entity, olds, source_id, target_id, acting)
            moved[entity.name] += count
            if after_chunk is not None:
                after_chunk(count)
    return moved


def owned_chunk(entity, source_id: int, after: int) -> list[dict]:
    """The next :data:`CHUNK` records owned by ``source_id`` (recycle bin included), locked, by id."""
    table = entity.table
    rows = session().execute(sa.select(table).where(table.c.owner_id == source_id, table.c.id > after)
                             .order_by(table.c.id).limit(CHUNK).with_for_update()).all()
    fields = records.entity_fields(entity)
    return [records.row_to_record(entity, row, fields) for row in rows]


def move_chunk(entity, olds: list[dict], source_id: int, target_id: int, acting) -> int:
    """Give ``olds`` to ``target_id`` as owner changes; returns how many were written.

    Records whose change is the owner alone (the usual case) are written in
    one statement; those that ``crm_before_save`` changed further one by one.
    Records in the recycle bin change owner too (restored, they belong to the
    heir) but are not announced: no workflow should e-mail about a deleted record.
    """
    binned = [old for old in olds if old.get("deleted_at") is not None]
    moved_binned = move_binned(entity, binned, source_id, target_id, acting)
    staged = [(old, *records.prepare_change(entity, old, {"owner_id": target_id}, acting))
              for old in olds if old.get("deleted_at") is None]
    staged = [(old, values, changed) for old, values, changed in staged if changed]
    if not staged:  # plugins kept every owner as it was
        return moved_binned
    plain = {old["id"] for old, values, changed in staged
             if changed == {"owner_id"} and values["owner_id"] == target_id}
    table = entity.table
    if plain:
        session().execute(sa.update(table).where(table.c.id.in_(plain), table.c.owner_id == source_id).values(
            owner_id=target_id, version=table.c.version + 1, updated_at=utcnow(), updated_by_id=acting.id))
    for old, values, changed in staged:
        if old["id"] not in plain:
            records.write_change(entity, old, values, changed, acting)
    fields = records.entity_fields(entity)
    written = {row.id: records.row_to_record(entity, row, fields) for row in session().execute(
        sa.select(table).where(table.c.id.in_([old["id"] for old, _v, _c in staged])))}
    moved = [(old, written[old["id"]], changed) for old, _values, changed in staged]
    for old, record, _changed in moved:
        records.after_save_hooks(entity, record, old, acting)
    log_transfer(entity, moved, acting)
    for old, record, changed in moved:
        records.announce_update(entity, record, old, changed, acting)
    return len(moved) + moved_binned


def move_binned(entity, olds: list[dict], source_id: int, target_id: int, acting) -> int:
    """Give records in the recycle bin to ``target_id`` quietly: one statement and the audit entries."""
    if not olds:
        return 0
    table = entity.table
    now = utcnow()
    session().execute(sa.update(table).where(table.c.id.in_([old["id"] for old in olds]),
                                             table.c.owner_id == source_id).values(
        owner_id=target_id, version=table.c.version + 1, updated_at=now, updated_by_id=acting.id))
    log_transfer(entity, [(old, dict(old, owner_id=target_id, version=old["version"] + 1, updated_at=now,
                                     updated_by_id=acting.id), {"owner_id"}) for old in olds], acting)
    return len(olds)


def handle_job(payload: dict, ctx) -> None:
    """The ``core.transfer`` job: move what the source still owns, committing (and reporting) chunk by chunk."""
    source, acting = session().get(User, payload["from_user_id"]), session().get(User, payload["acting_user_id"])
    total = payload["total"]
    try:
        target, entities = check_transfer(source, payload["to_user_id"], payload["entities"])
        done = max(total - sum(count_owned(source.id, entities).values()), 0)  # moved by an earlier attempt
        ctx.progress(done, total)

        def committed(count: int) -> None:
            nonlocal done
            done += count
            ctx.progress(done, max(done, total))
            session().commit()

        move_all(source.id, target.id, entities, acting, after_chunk=committed)
    except CRMError as exc:  # refused (target deactivated meanwhile, a plugin's rule): retrying cannot help
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise PermanentJobError(f"{exc.message} {details}".strip()) from exc


register(JOB_TYPE, handle_job)

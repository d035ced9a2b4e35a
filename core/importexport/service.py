"""Running an import: file rows → converted values → validated → created, updated, skipped or rejected.

Rows are processed in chunks of :data:`CHUNK` rows.  Each chunk's new records
go through the bulk path (:mod:`core.importexport.bulk`); a matched record is
updated through ``records.update``.  Every row ends in ``core_import_rows``
(created / updated with the overwritten values / rejected with its cells and
reasons), which is what undo and the error workbook read.  A row is written
whole or not at all; a file that turns out to be unreadable half-way is taken
back completely (:func:`core.importexport.undo.take_back`).  Each chunk commits
with the batch's counters and ``done``, the checkpoint a crashed import
resumes from (:mod:`core.importexport.ownership`).
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field as dc_field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from core.db import defer_wal_checkpoints, session, utcnow
from core.entities import records
from core.entities.fields import FieldValueError
from core.entities import numbering
from core.entities.query import all_fields, column_for, visible_select
from core.errors import CRMError, ValidationError
from core.importexport.bulk import BatchChecks, create_many, insert_many
from core.importexport.collector import ChunkedCollection
from core.importexport.convert import ConvertedRow, RowConverter
from core.importexport.models import CREATED, REJECTED, UPDATED, ImportBatch, ImportRow
from core.importexport.ownership import ImportLease, serialise
from core.importexport.readers import Sheet
from core.importexport.row_schema import RowSchema
from core.importexport.statistics import GrowingTable
from core.runtime import runtime

# Rows per transaction: smaller chunks repeat per-chunk work (counter blocks, lookups, commits) more
# often, larger ones hold SQLite's write lock longer (about half a second for 2,000 rows).
CHUNK = 2000
DUPLICATE_MODES = ("skip", "update", "merge")
MAX_REPORTED_ERRORS = 1000


@dataclass
class Options:
    """How to import: mapping ``{header: field}``, duplicate handling, silent (no workflows), dry run."""

    mapping: dict[str, str]
    on_duplicate: str = "skip"
    match: list[str] = dc_field(default_factory=list)
    silent: bool = False
    dry_run: bool = False


@dataclass
class Summary:
    total: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[dict] = dc_field(default_factory=list)  # first rejected rows: {row, errors: {column: reason}}

    def as_json(self) -> dict:
        return {"total": self.total, "created": self.created, "updated": self.updated, "skipped": self.skipped,
                "rejected": self.rejected, "errors": self.errors}


def default_match(entity, mapping: dict[str, str]) -> list[str]:
    """Unless told otherwise, match on the first unique field the file has (business registration number)."""
    mapped = set(mapping.values())
    return [f.name for f in runtime().registry.fields(entity) if f.unique and f.name in mapped][:1]


def check_options(entity, on_duplicate: str, match: list[str], hidden: frozenset[str]) -> None:
    """``hidden``: the user's hidden fields (:mod:`core.security.fields`), refused like unknown ones."""
    errors = {}
    if on_duplicate not in DUPLICATE_MODES:
        errors["on_duplicate"] = _("Use one of: %(modes)s.", modes=", ".join(DUPLICATE_MODES))
    fields = all_fields(entity)
    bad = [m for m in match if m not in fields or m in hidden or m in ("id", "created_at", "updated_at", "version")]
    if bad:
        errors["match"] = _("Unknown field %(name)s.", name=", ".join(bad))
    if errors:
        raise ValidationError(_("The import options are not valid."), errors)


class Importer:
    """One import of one opened file; :meth:`run` returns a :class:`Summary`."""

    def __init__(self, entity, user, sheet: Sheet, options: Options, batch: ImportBatch | None = None,
                 progress=None, lease: ImportLease | None = None, chunk_rows: int | None = None):
        self.entity, self.user, self.sheet, self.options, self.batch = entity, user, sheet, options, batch
        self.progress, self.lease = progress, lease
        self.chunk_rows = chunk_rows or CHUNK
        self.fields = runtime().registry.field_map(entity)
        self.field_list = list(self.fields.values())
        self.schema = RowSchema(entity, list(self.fields.values()))
        self.converter = RowConverter(entity, sheet.headers, options.mapping, user,
                                      formulas_are_errors=sheet.format == "xlsx")
        self.column_of = {name: header for header, name in options.mapping.items()}
        self.match = options.match
        self.known: dict[tuple, int] = {}  # match key → record id, for rows already written
        self.summary = Summary(total=sheet.total or 0)
        self.sess = session()
        self.statistics = None if options.dry_run else GrowingTable(self.sess, entity.table)
        self.before_save = runtime().batch_hook("crm_before_save")

    # --- driving -------------------------------------------------------------

    def run(self, limit: int | None = None, resume_after: int = 0) -> Summary:
        """Import the rows (the first ``limit``), or those after the first ``resume_after`` (a batch's checkpoint)."""
        rows = itertools.islice(self.sheet.rows, resume_after, limit)
        seen = resume_after
        if resume_after and self.batch is not None:
            b = self.batch
            self.summary.created, self.summary.updated, self.summary.skipped, self.summary.rejected = (
                b.created, b.updated, b.skipped, b.rejected)
        collection = ChunkedCollection()
        try:
            while chunk := list(itertools.islice(rows, self.chunk_rows)):
                with collection.paused():
                    self.process(chunk)
                seen += len(chunk)
        finally:
            collection.release()
        self.summary.total = seen
        return self.summary

    def process(self, raw_rows: list[tuple[int, list]]) -> None:
        if self.lease is not None:
            self.sess.commit()  # end what reading set-up began: the lease update must open the chunk's transaction
            self.lease.hold(self.sess)  # SQLite's write lock, and PostgreSQL's lock on the job row, for the chunk
        if self.match and not self.options.dry_run:
            serialise(self.sess, self.entity.name)
        if not self.options.dry_run:
            defer_wal_checkpoints(self.sess)  # SQLite: the log is folded in once at the end, not per chunk
        with numbering.reserved_blocks(self.sess):  # plugins' per-record counters (customer codes) advance per chunk
            outcomes = self.process_rows(raw_rows)
        self.finish_chunk(outcomes, len(raw_rows))

    def process_rows(self, raw_rows: list[tuple[int, list]]) -> list[dict]:
        converted = self.converter.convert(raw_rows)
        for row in converted:
            row.key = None if row.errors else self.key_of(row)
        existing = self.lookup_existing({row.key for row in converted if row.key is not None})
        checks = BatchChecks(self.entity, self.converter_visible_ids(converted))
        prepared: list[tuple[ConvertedRow, dict | None, tuple | None]] = []
        pending_keys: set[tuple] = set()
        for row in converted:
            key = row.key
            if row.errors or row.deferred or (key is not None and (key in existing or key in self.known
                                                                    or key in pending_keys)):
                prepared.append((row, None, key))
                continue
            values = self.prepare(row)
            prepared.append((row, values, key))
            if values is not None and key is not None:
                pending_keys.add(key)
        checks.prefetch([values for _row, values, _key in prepared if values is not None])
        pending: list[tuple[ConvertedRow, dict]] = []
        outcomes: list[dict | None] = []
        for row, values, key in prepared:
            if row.deferred:  # refers to a row above by name: write those first, then look it up
                outcomes += self.write_new(pending)
                pending = []
                self.converter.resolve_deferred(row)
                row.key = self.key_of(row)  # what it is remembered by once written
                if not row.errors and (key is None or (key not in existing and key not in self.known)):
                    values = self.prepare(row)
            if key is not None and values is None and not row.errors:  # a duplicate
                if key not in existing and key not in self.known:
                    outcomes += self.write_new(pending)  # the earlier row with this key is still pending
                    pending = []
                target = existing.get(key) or self.known.get(key)
                if target is not None:
                    outcomes.append(self.duplicate(row, target))
                    continue
                values = self.prepare(row)  # the earlier row was rejected: this one is new
            if row.errors or values is None:
                outcomes.append(self.rejected(row))
                continue
            try:
                records.check_values(self.entity, values, set(values), self.user, None, checks)
            except ValidationError as exc:
                self.reject_fields(row, exc)
                outcomes.append(self.rejected(row))
                continue
            checks.claim(values)
            pending.append((row, values))
        outcomes += self.write_new(pending)
        return [o for o in outcomes if o]

    def prepare(self, row: ConvertedRow) -> dict | None:
        """The row's values validated as ``records.create`` validates them (None, with errors, if invalid)."""
        try:
            return records.prepare_new(self.entity, self.input_of(row), self.user, self.field_list,
                                       schema=self.schema, before_save=self.before_save)
        except ValidationError as exc:
            self.reject_fields(row, exc)
            return None

    def converter_visible_ids(self, rows: list[ConvertedRow]) -> dict[str, set[int]]:
        """Reference ids the converter found through ``visible_select``: no need to ask again."""
        ids: dict[str, set[int]] = {}
        for f in self.fields.values():
            if f.type == "reference" and f.name in self.column_of:
                ids.setdefault(f.target, set()).update(r.data[f.name] for r in rows if isinstance(r.data.get(f.name), int))
        return ids

    def finish_chunk(self, outcomes: list[dict], count: int) -> None:
        if self.options.dry_run:
            return
        if self.batch is not None:
            insert_many(self.sess, ImportRow.__table__, [dict(o, batch_id=self.batch.id) for o in outcomes])
            s = self.summary
            created_before = self.batch.created or 0
            self.batch.created, self.batch.updated, self.batch.skipped, self.batch.rejected = (
                s.created, s.updated, s.skipped, s.rejected)
            self.batch.done = (self.batch.done or 0) + count
            self.sess.commit()
            self.statistics.grew(s.created - created_before)
            if self.progress is not None:
                self.progress(self.batch.done, self.sheet.total)

    # --- rows ----------------------------------------------------------------

    def input_of(self, row: ConvertedRow) -> dict:
        return {k: v for k, v in row.data.items() if k != "number"}

    def key_of(self, row: ConvertedRow) -> tuple | None:
        """The row's match key in stored form (None when a match field is empty or invalid)."""
        if not self.match:
            return None
        key = []
        for name in self.match:
            raw = row.data.get(name)
            if raw in (None, "", []):
                return None
            f = self.fields.get(name)
            if f is None:
                key.append(str(raw))
                continue
            try:
                value = f.kind.coerce(f, raw)
                for validator in f.validators:
                    value = validator(value) or value
            except FieldValueError:
                return None
            key.append(value)
        return tuple(key)

    def lookup_existing(self, keys: set[tuple]) -> dict[tuple, int]:
        """Stored records (that the user can see) with one of the chunk's match keys."""
        if not keys:
            return {}
        fields = all_fields(self.entity)
        cols = [column_for(self.entity, fields[name]) for name in self.match]
        first = sorted({k[0] for k in keys}, key=str)
        found: dict[tuple, int] = {}
        for start in range(0, len(first), 500):
            stmt = (visible_select(self.entity, self.user, self.entity.table.c.id, *cols)
                    .where(cols[0].in_(first[start:start + 500])).order_by(self.entity.table.c.id))
            for row in self.sess.connection().execute(stmt):
                key = tuple(row[1:])
                if key in keys:
                    found.setdefault(key, row[0])
        return found

    def write_new(self, pending: list[tuple[ConvertedRow, dict]]) -> list[dict]:
        if not pending:
            return []
        if self.options.dry_run:
            self.summary.created += len(pending)
            self.remember([(row, None) for row, _values in pending])
            return []
        try:
            with self.sess.begin_nested():
                created = create_many(self.entity, [values for _row, values in pending], self.user,
                                      silent=self.options.silent)
        except IntegrityError:  # a value taken meanwhile by someone else: find the row, one at a time
            return [self.write_one(row, values) for row, values in pending]
        self.summary.created += len(created)
        self.remember([(row, record["id"]) for (row, _values), record in zip(pending, created)])
        return [{"row_number": row.number, "action": CREATED, "record_id": record["id"], "version": 1}
                for (row, _values), record in zip(pending, created)]

    def write_one(self, row: ConvertedRow, values: dict) -> dict:
        try:
            with self.sess.begin_nested():
                record = create_many(self.entity, [values], self.user, silent=self.options.silent)[0]
        except IntegrityError:
            row.errors["*"] = _("The row could not be saved: a unique value is already used.")
            return self.rejected(row)
        self.summary.created += 1
        self.remember([(row, record["id"])])
        return {"row_number": row.number, "action": CREATED, "record_id": record["id"], "version": 1}

    def remember(self, written: list[tuple[ConvertedRow, int | None]]) -> None:
        for row, record_id in written:
            if row.key is not None:
                self.known.setdefault(row.key, record_id or 0)

    def duplicate(self, row: ConvertedRow, record_id: int) -> dict | None:
        mode = self.options.on_duplicate
        if mode == "skip":
            self.summary.skipped += 1
            return None
        if self.options.dry_run or not record_id:
            self.summary.updated += 1
            return None
        try:
            with self.sess.begin_nested():
                old = records.get(self.entity, record_id, self.user)
                changes = self.changes_for(row, old)
                if not changes:
                    self.summary.skipped += 1
                    return None
                new = records.update(self.entity, record_id, changes, self.user,
                                     expected_version=old["version"])
        except CRMError as exc:
            self.reject_fields(row, exc)
            return self.rejected(row)
        changed = [name for name in changes if old.get(name) != new.get(name)]
        if not changed:
            self.summary.skipped += 1
            return None
        self.summary.updated += 1
        fields = self.fields
        before = {name: (fields[name].kind.to_json(old[name]) if name in fields and old.get(name) is not None
                         else old.get(name)) for name in changed}
        return {"row_number": row.number, "action": UPDATED, "record_id": record_id, "version": new["version"],
                "data": before}

    def changes_for(self, row: ConvertedRow, old: dict) -> dict:
        data = self.input_of(row)
        if self.options.on_duplicate == "merge":
            data = {k: v for k, v in data.items() if old.get(k) in (None, "", [])}
        return data

    def reject_fields(self, row: ConvertedRow, exc: CRMError) -> None:
        if not exc.fields:
            row.errors["*"] = exc.message
        for name, reason in exc.fields.items():
            row.errors[self.column_name(name)] = str(reason)

    def column_name(self, name: str) -> str:
        if name in self.column_of:
            return self.column_of[name]
        f = self.fields.get(name)
        return f.display_label() if f is not None else name

    def rejected(self, row: ConvertedRow) -> dict:
        self.summary.rejected += 1
        if len(self.summary.errors) < MAX_REPORTED_ERRORS:
            self.summary.errors.append({"row": row.number, "errors": dict(row.errors)})
        return {"row_number": row.number, "action": REJECTED,
                "data": {"cells": [jsonable_cell(c) for c in row.cells]}, "errors": dict(row.errors)}


def jsonable_cell(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def batch_json(batch: ImportBatch) -> dict:
    def iso(value):
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    return {"id": batch.id, "entity": batch.entity, "status": batch.status, "file_name": batch.file_name,
            "total": batch.total, "done": batch.done, "created": batch.created, "updated": batch.updated,
            "skipped": batch.skipped, "rejected": batch.rejected, "message": batch.message,
            "options": batch.options, "job_id": batch.job_id, "user_id": batch.user_id,
            "created_at": iso(batch.created_at), "finished_at": iso(batch.finished_at),
            "undone_at": iso(batch.undone_at)}


def mark_finished(batch: ImportBatch, status: str, message: str | None = None) -> None:
    batch.status, batch.message, batch.finished_at = status, message, utcnow()

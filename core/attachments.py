"""File attachments on any record.

Files live under ``<instance>/attachments/`` (``attachment_dir`` in the
settings) with a random storage name, never the uploaded one, so a name can
neither escape the folder nor be guessed.  The uploaded name is sanitised and
kept only for display and the download's ``Content-Disposition``.  The
extension must be on the allow-list (``attachment_extensions``), the content
type is derived from it (never taken from the client), and files whose
contents do not match their extension are refused.  Downloads are always
``attachment`` with ``nosniff`` and a sandboxing CSP, so nothing is rendered
inline as HTML.

Like notes, attachments survive the record's move to the recycle bin and are
removed (files too, after the commit) only when the record is purged.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from core import clock, signals
from core.db import Base, UTCDateTime, session
from core.entities import records
from core.errors import CRMError, Forbidden, NotFound, ValidationError
from core.filenames import sanitise_filename
from core.instance_files import private_dir
from core.runtime import runtime
from core.security.permissions import require_right

DEFAULT_EXTENSIONS = (
    "pdf", "txt", "csv", "rtf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "hwp", "hwpx", "odt", "ods", "odp",
    "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "zip", "7z", "eml", "msg", "mp3", "m4a", "wav",
)
#: Types a browser could run or render as a page; served as plain bytes even if an admin allows the extension.
ACTIVE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                "application/javascript", "text/javascript")
SIGNATURES = {
    "pdf": (b"%PDF",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"), "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",), "hwpx": (b"PK\x03\x04",),
}
CHUNK = 64 * 1024


class FileTooLarge(CRMError):
    status, code = 413, "file_too_large"


class Attachment(Base):
    __tablename__ = "core_attachments"
    __table_args__ = (sa.Index("ix_core_attachments_record", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int] = mapped_column(sa.BigInteger)
    filename: Mapped[str] = mapped_column(sa.String(255))
    storage_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


# --- names, types, storage -------------------------------------------------------

def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def allowed_extensions() -> set[str]:
    configured = runtime().settings.attachment_extensions
    return {e.lower().lstrip(".") for e in (configured if configured is not None else DEFAULT_EXTENSIONS)}


def content_type_for(name: str) -> str:
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return "application/octet-stream" if guessed in ACTIVE_TYPES else guessed


def storage_root() -> Path:
    settings = runtime().settings
    configured = settings.extra.get("attachment_dir")
    return private_dir(Path(configured) if configured else settings.instance_path / "attachments")


def storage_path(storage_name: str) -> Path:
    return storage_root() / storage_name[:2] / storage_name


def check_type(name: str, head: bytes) -> None:
    ext = extension(name)
    if ext not in allowed_extensions():
        raise ValidationError(_("Files of this type (%(ext)s) cannot be attached.", ext=ext or "?"),
                              fields={"file": _("Allowed: %(list)s", list=", ".join(sorted(allowed_extensions())))})
    signatures = SIGNATURES.get(ext)
    if signatures and not head.startswith(signatures):
        raise ValidationError(_("The file's contents do not match its extension (.%(ext)s).", ext=ext),
                              fields={"file": _("The file looks damaged or renamed.")})


def store(stream, name: str) -> tuple[str, int, str]:
    """Copy ``stream`` to a new random file, enforcing the size limit; returns (storage name, size, sha256)."""
    limit = runtime().settings.attachment_max_bytes
    storage_name = secrets.token_hex(16)
    path = storage_path(storage_name)
    private_dir(path.parent)
    digest, size = hashlib.sha256(), 0
    head = stream.read(CHUNK)
    check_type(name, head)
    try:
        with open(path, "xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise FileTooLarge(_("The file is larger than the limit of %(mb)s MB.",
                                         mb=round(limit / 1024 / 1024, 1)), fields={"file": _("Too large.")})
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationError(_("The file is empty."), fields={"file": _("The file is empty.")})
    return storage_name, size, digest.hexdigest()


def remove_after_commit(storage_names: list[str]) -> None:
    """Delete stored files once the transaction that dropped their rows has committed."""
    pending = session().info.setdefault("crm_attachment_files_to_remove", [])
    pending.extend(storage_path(n) for n in storage_names)


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _remove_files(sess):
    for path in sess.info.pop("crm_attachment_files_to_remove", []):
        path.unlink(missing_ok=True)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _keep_files(sess):
    sess.info.pop("crm_attachment_files_to_remove", None)


# --- the service -------------------------------------------------------------

def attachment_json(att: Attachment, names: dict[int, str]) -> dict:
    return {"id": att.id, "entity": att.entity, "record_id": att.record_id, "filename": att.filename,
            "content_type": att.content_type, "size": att.size, "sha256": att.sha256,
            "uploaded_by_id": att.uploaded_by_id, "uploaded_by_name": names.get(att.uploaded_by_id, ""),
            "created_at": att.created_at.isoformat()}


def list_attachments(entity, record_id: int, user) -> list[Attachment]:
    records.get(entity, record_id, user)
    stmt = (sa.select(Attachment).where(Attachment.entity == entity.name, Attachment.record_id == record_id)
            .order_by(Attachment.created_at.desc(), Attachment.id.desc()))
    return list(session().scalars(stmt))


def add_attachment(entity, record_id: int, upload, user) -> Attachment:
    """Store an uploaded file on a record the user may edit (attaching a document changes the record)."""
    record = records.get(entity, record_id, user)
    require_right(user, entity, "edit", record)
    if upload is None:
        raise ValidationError(_("Choose a file to upload."), fields={"file": _("This field is required.")})
    name = sanitise_filename(upload.filename)
    storage_name, size, sha = store(upload.stream, name)
    att = Attachment(entity=entity.name, record_id=record_id, filename=name, storage_name=storage_name,
                     content_type=content_type_for(name), size=size, sha256=sha, uploaded_by_id=user.id,
                     created_at=clock.now())
    session().add(att)
    try:
        session().flush()
    except BaseException:
        storage_path(storage_name).unlink(missing_ok=True)
        raise
    return att


def get_attachment(entity, record_id: int, attachment_id: int, user) -> Attachment:
    records.get(entity, record_id, user)
    att = session().get(Attachment, attachment_id)
    if att is None or att.entity != entity.name or att.record_id != record_id:
        raise NotFound(_("Attachment not found."))
    return att


def delete_attachment(entity, record_id: int, attachment_id: int, user) -> None:
    att = get_attachment(entity, record_id, attachment_id, user)
    if att.uploaded_by_id != user.id and not user.is_admin:
        raise Forbidden(_("You can only delete files you uploaded."))
    session().delete(att)
    remove_after_commit([att.storage_name])


def count(entity_name: str, record_id: int) -> int:
    return session().scalar(sa.select(sa.func.count()).select_from(Attachment)
                            .where(Attachment.entity == entity_name, Attachment.record_id == record_id))


def purge_for(entity_name: str, record_ids: list[int]) -> None:
    cond = (Attachment.entity == entity_name, Attachment.record_id.in_(record_ids))
    names = list(session().scalars(sa.select(Attachment.storage_name).where(*cond)))
    session().execute(sa.delete(Attachment).where(*cond))
    remove_after_commit(names)


def _on_purge(_sender, *, entity, record, **_kw):
    purge_for(entity.name, [record["id"]])


def _on_bulk_purge(_sender, *, entity, ids, **_kw):
    purge_for(entity.name, ids)


signals.record_purged.connect(_on_purge)
signals.records_purged.connect(_on_bulk_purge)

"""An uploaded import file kept between the wizard's steps (mapping, preview, run).

The file waits in ``<instance>/imports/staged/``; the pages pass a signed token
naming the file, the user and the entity, so one upload serves every step and
nobody can use another person's upload (a foreign, forged or expired token is
a 404).  Files older than :data:`MAX_AGE` are swept at the next upload.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.errors import NotFound
from core.importexport import runs
from core.instance_files import private_dir

MAX_AGE = 24 * 3600
SALT = "plugcrm-import-upload"


@dataclass
class StagedUpload:
    path: Path
    file_name: str
    token: str


def staged_dir() -> Path:
    return private_dir(runs.upload_dir() / "staged")


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def stage(storage, user, entity) -> StagedUpload:
    """Save an uploaded file (werkzeug ``FileStorage``) for ``user`` importing into ``entity``."""
    sweep()
    file_name = Path(storage.filename or "upload").name
    path = staged_dir() / f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:10]}"
    storage.save(path)
    token = serializer().dumps({"user": user.id, "entity": entity.name, "file": path.name, "name": file_name})
    return StagedUpload(path, file_name, token)


def staged(token: str | None, user, entity) -> StagedUpload:
    """The upload a token names, if it is this user's for this entity and still there; else 404."""
    gone = NotFound(_("The uploaded file is no longer available; upload it again."))
    try:
        data = serializer().loads(token or "", max_age=MAX_AGE)
    except BadSignature:
        raise gone from None
    if data.get("user") != user.id or data.get("entity") != entity.name:
        raise gone
    path = staged_dir() / Path(str(data.get("file"))).name
    if not path.is_file():
        raise gone
    return StagedUpload(path, str(data.get("name")), token)


def sweep() -> None:
    """Remove staged files nobody came back for."""
    cutoff = time.time() - MAX_AGE
    for path in staged_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)

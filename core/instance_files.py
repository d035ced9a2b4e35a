"""The instance folder holds the database, the secret key and every uploaded file: only its owner may read it.

Folders plugcrm makes there are created (or tightened) to 0700 and the SQLite database file to 0600,
whatever the process's umask, so another account on the server cannot copy the customer data.
"""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` as a folder only its owner can open (made with its parents when missing).

    An existing folder is tightened when this process owns it (an older instance made 0755); a
    folder someone else provides (a mounted ``attachment_dir``) is left to its owner.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if path.stat().st_uid == os.getuid():
        path.chmod(PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner can read or write (created empty when missing)."""
    path = Path(path)
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    if path.stat().st_uid == os.getuid():
        path.chmod(PRIVATE_FILE)
    return path

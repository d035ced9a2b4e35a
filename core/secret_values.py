"""Secrets an administrator saves in the database (the SMTP password, a plugin's API key), sealed at rest.

A sealed value is ``{"$sealed": "<Fernet token>"}``: AES with an HMAC, under a key
derived by HKDF from the deployment's ``secret_key``, so a database dump or backup
alone does not reveal it.  A plain string is a value saved before sealing existed
(``core_0003`` seals those); :func:`reveal` still accepts it.

Reveal a secret only where it is used (logging in to the SMTP server), never to
show it: administrators see :func:`is_set`.  If ``secret_key`` changes, old
values cannot be opened and :func:`reveal` raises :class:`SecretUnreadable`,
which asks the administrator to enter the secret again.
"""
from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _

from core.errors import CRMError

SEALED = "$sealed"
HKDF_INFO = b"plugcrm settings secrets v1"


class SecretUnreadable(CRMError):
    """A stored secret was sealed under another ``secret_key``: it must be entered again."""

    status, code = 422, "secret_unreadable"


@functools.lru_cache(maxsize=4)
def fernet(secret_key: str) -> Fernet:
    """The Fernet box for this deployment (HKDF keeps it independent of the key's other uses, e.g. sessions)."""
    if not secret_key:
        raise RuntimeError("no secret key to seal secrets with")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def current_key() -> str:
    """The deployment's ``secret_key`` (the app factory puts it into the Flask config)."""
    return current_app.config["SECRET_KEY"]


def seal(plain: str, secret_key: str | None = None) -> dict | str:
    """The value to store for ``plain``; an empty value stays ``""`` (meaning: not set)."""
    if not plain:
        return ""
    token = fernet(secret_key or current_key()).encrypt(plain.encode("utf-8"))
    return {SEALED: token.decode("ascii")}


def is_sealed(stored) -> bool:
    return isinstance(stored, dict) and isinstance(stored.get(SEALED), str)


def is_set(stored) -> bool:
    return is_sealed(stored) or bool(stored)


def reveal(stored, label: str, secret_key: str | None = None) -> str:
    """The plain secret behind a stored value; ``label`` names it in the error (already translated)."""
    if not is_sealed(stored):
        return stored or ""  # not set, from config.toml, or saved before sealing existed
    try:
        return fernet(secret_key or current_key()).decrypt(stored[SEALED].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretUnreadable(_("The saved %(what)s cannot be read: the server's secret key has changed since "
                                 "it was saved. An administrator must enter the %(what)s again in the settings.",
                                 what=label)) from None

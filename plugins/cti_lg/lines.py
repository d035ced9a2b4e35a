"""Centrex lines (NewZen's API사용자등록): saving them, testing them, registering the ring callback.

Every function that talks to Centrex reads what it needs, commits (so no
transaction is open during the network call) and records the outcome in a
new transaction; the outcome (``last_error``) is a sentence the
administrator reads on the settings page.
"""
from __future__ import annotations

import ipaddress
import re
import secrets

import sqlalchemy as sa

from core import clock, secret_values
from core.db import session
from core.errors import NotFound, ValidationError
from core.plugin_api import translator
from plugins.cti_lg import centrex
from plugins.cti_lg.callback import key_hash
from plugins.cti_lg.models import Extension, Line

_, _l = translator("cti_lg")

LINE_NUMBER = re.compile(r"0\d{8,11}")
INNER = re.compile(r"\d{1,10}")
CALLBACK_PATH = "/cti_lg/ring/"


def get(line_id: int) -> Line:
    line = session().get(Line, line_id)
    if line is None:
        raise NotFound(_("This Centrex line does not exist."))
    return line


def digits(raw) -> str:
    return re.sub(r"[\s.-]", "", str(raw or ""))


def save(data: dict, line_id: int | None = None) -> Line:
    """Create or change a line from the settings form (the password is kept when left empty)."""
    errors = {}
    number = digits(data.get("number"))
    if not LINE_NUMBER.fullmatch(number):
        errors["number"] = _("Enter the Centrex number in digits, e.g. 07012345678.")
    base_url = str(data.get("base_url") or "https://centrex.uplus.co.kr/RestApi").strip()
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", base_url) or len(base_url) > 300:
        errors["base_url"] = _("Enter an address starting with https://.")
    password = str(data.get("password") or "")
    if line_id is None and not password:
        errors["password"] = _("Enter the password of the Centrex web site.")
    if len(password) > 200:
        errors["password"] = _("The password is too long.")
    label = str(data.get("label") or "").strip()[:100]
    if errors:
        raise ValidationError(_("Please correct the highlighted fields."), fields=errors)
    sess = session()
    clash = sess.execute(sa.select(Line.id).where(Line.number == number)).scalar_one_or_none()
    if clash is not None and clash != line_id:
        raise ValidationError(_("This number is already registered."),
                              fields={"number": _("This number is already registered.")})
    line = Line(number=number) if line_id is None else get(line_id)
    line.number, line.label, line.base_url = number, label, base_url
    line.active = data.get("active", True) not in (False, "0", "false", "off", "")
    if password:
        line.password_hash = secret_values.seal(centrex.password_hash(password))
    sess.add(line)
    sess.flush()
    return line


def credentials(line: Line) -> centrex.Credentials:
    return centrex.Credentials(line.base_url, line.number,
                               secret_values.reveal(line.password_hash, _("Centrex password")))


def talk(line_id: int, operation: str, **fields):
    """One Centrex call for a line with no transaction open; the outcome is recorded on the line."""
    creds = credentials(get(line_id))
    session().commit()
    try:
        datas = centrex.call(creds, operation, **fields)
    except centrex.CentrexError as exc:
        note(line_id, exc.stored)
        raise
    note(line_id, "")
    return datas


def note(line_id: int, error: str) -> None:
    line = get(line_id)
    line.last_error, line.checked_at = error[:500], clock.now()
    session().commit()


def test_connection(line_id: int) -> dict:
    datas = talk(line_id, "userinfo")
    return datas if isinstance(datas, dict) else {}


def register_callback(line_id: int, host: str, port) -> str:
    """Ask Centrex to call this server on every ring; the URL (with its new secret) is returned once."""
    errors = {}
    try:
        if not isinstance(ipaddress.ip_address(str(host).strip()), ipaddress.IPv4Address):
            raise ValueError
    except ValueError:
        errors["host"] = _("Enter this server's IPv4 address as Centrex reaches it, e.g. 203.0.113.10.")
    try:
        port = int(port)
        if not 1 <= port <= 65535:
            raise ValueError
    except (TypeError, ValueError):
        errors["port"] = _("Enter a port from 1 to 65535.")
    if errors:
        raise ValidationError(_("Please correct the highlighted fields."), fields=errors)
    secret = secrets.token_urlsafe(48)
    path = CALLBACK_PATH + secret
    talk(line_id, "setringcallback", callbackhost=str(host).strip(), callbackport=port, callbackurl=path)
    line = get(line_id)
    line.callback_key_hash = key_hash(secret)
    line.callback_url = f"http://{str(host).strip()}:{port}{CALLBACK_PATH}…"
    session().commit()
    return f"http://{str(host).strip()}:{port}{path}"


def unregister_callback(line_id: int) -> None:
    talk(line_id, "delringcallback")
    line = get(line_id)
    line.callback_key_hash, line.callback_url = None, ""
    session().commit()


def set_extension(line_id: int, inner_num: str, user_id: int | None) -> None:
    """Map an extension to a user (``None`` removes the mapping)."""
    get(line_id)
    inner_num = str(inner_num or "").strip()
    if not INNER.fullmatch(inner_num):
        raise ValidationError(_("Enter the extension in digits."), fields={"inner_num": _("Enter the extension in digits.")})
    sess = session()
    row = sess.execute(sa.select(Extension).where(Extension.line_id == line_id,
                                                  Extension.inner_num == inner_num)).scalar_one_or_none()
    if user_id is None:
        if row is not None:
            sess.delete(row)
        return
    if row is None:
        row = Extension(line_id=line_id, inner_num=inner_num, user_id=user_id)
    row.user_id = user_id
    sess.add(row)


def extension_of(user_id: int) -> Extension | None:
    """The extension (and line) a user dials from; the first one when mapped to several."""
    return session().execute(sa.select(Extension).where(Extension.user_id == user_id)
                             .order_by(Extension.id).limit(1)).scalar_one_or_none()

"""The LG U+ Centrex REST API: a form POST to ``<base_url>/<operation>`` answering ``{"SVC_RT", "DATAS"}``.

Every call carries ``id`` (the 070 number, digits) and ``pass`` (SHA-512 hex
of the web password).  ``SVC_RT`` ``0000`` is success; the other codes are
turned into a sentence an administrator can act on (:func:`explain`).  No
function here touches the database: callers read what they need first and
call with no transaction open.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from core.plugin_api import translator

_, _l = translator("cti_lg")

OK = "0000"
AUTH_FAILED = ("1003", "1004", "1007", "1008")
NO_PERMISSION = ("1005", "2002")
BAD_REQUEST = ("1001", "1002", "4001")
EMPTY = ("4002", "4004")
TIMEOUT = 10.0
MAX_ANSWER = 4 * 1024 * 1024
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


UNREACHABLE, HTTP_STATUS, NOT_JSON = "unreachable", "http", "not_json"


class CentrexError(Exception):
    """Centrex refused or could not be reached; ``str()`` is a sentence for an administrator, in their language.

    ``code`` is ``SVC_RT`` (or :data:`UNREACHABLE`, :data:`HTTP_STATUS`, :data:`NOT_JSON`) and ``detail``
    what goes with it; :attr:`stored` keeps both, so a line's last error is shown in the reader's language.
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code, self.detail = code, detail[:200]

    def __str__(self) -> str:
        return describe(self.code, self.detail)

    @property
    def stored(self) -> str:
        return f"{self.code}|{self.detail}"


def describe(code: str, detail: str = "") -> str:
    if code == UNREACHABLE:
        return _("Centrex could not be reached (%(reason)s).", reason=detail)
    if code == HTTP_STATUS:
        return _("Centrex answered HTTP %(status)s.", status=detail)
    if code == NOT_JSON:
        return _("Centrex answered something that is not JSON.")
    return explain(code)


def describe_stored(stored: str) -> str:
    """The sentence for a line's stored last error (empty: none)."""
    if not stored:
        return ""
    code, _sep, detail = stored.partition("|")
    return describe(code, detail)


def password_hash(password: str) -> str:
    return hashlib.sha512(password.encode("utf-8")).hexdigest()


def explain(code: str) -> str:
    """An administrator's sentence for a ``SVC_RT`` code."""
    if code in AUTH_FAILED:
        return _("Centrex refused the 070 number or password (code %(code)s). Check them in the Centrex web "
                 "site and enter them again.", code=code)
    if code in NO_PERMISSION:
        return _("This Centrex account may not use the API (code %(code)s). Ask LG U+ to allow API access "
                 "(API 사용 신청) for the number.", code=code)
    if code in BAD_REQUEST:
        return _("Centrex did not accept the request (code %(code)s): a number or address is not in the form "
                 "it expects.", code=code)
    return _("Centrex answered with the unknown code %(code)s.", code=code)


@dataclass(frozen=True)
class Credentials:
    base_url: str
    number: str
    password_hash: str


def call(creds: Credentials, operation: str, **fields) -> object:
    """``DATAS`` of a successful call; an empty list for 4002/4004 (nothing to list); else :class:`CentrexError`."""
    form = {"id": creds.number, "pass": creds.password_hash, **{k: str(v) for k, v in fields.items()}}
    url = f"{creds.base_url.rstrip('/')}/{operation}"
    req = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    try:
        with NO_PROXY.open(req, timeout=TIMEOUT) as answer:
            data = json.loads(answer.read(MAX_ANSWER).decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise CentrexError(HTTP_STATUS, str(exc.code)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise CentrexError(UNREACHABLE, str(getattr(exc, "reason", exc))) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CentrexError(NOT_JSON) from exc
    code = str(data.get("SVC_RT", "")) if isinstance(data, dict) else ""
    if code == OK:
        return data.get("DATAS")
    if code in EMPTY:
        return []
    raise CentrexError(code)

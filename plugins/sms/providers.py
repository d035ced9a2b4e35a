"""The SMS provider interface (what ``crm_sms_providers`` returns) and the HTTP call every adapter makes.

A provider adapter turns :class:`Outgoing` messages into the gateway's
protocol.  What matters is how a failure is classified, because that decides
whether a message may be tried again:

* :class:`ProviderDown` - the request never reached the gateway (connection
  refused, DNS, connect timeout) or the gateway said "not now" (HTTP 429, 502,
  503): nothing was sent, retrying is safe.
* :class:`Ambiguous` - the request was sent but no answer came (read timeout,
  connection dropped): the message may or may not be out.  It is never sent
  again blindly (other 5xx answers count as ambiguous too); :meth:`Provider.lookup` asks the gateway by the message's
  idempotency key, and without an answer the log says ``unknown``.
* A :class:`Result` with status ``failed`` - the gateway refused this message
  (bad number, no balance); final.
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import urllib.parse
from dataclasses import dataclass, field


class ProviderError(Exception):
    """Base of the failures that concern a whole request."""


class ProviderDown(ProviderError):
    """Nothing was sent: retry later."""


class Ambiguous(ProviderError):
    """The request went out and no answer came back: do not resend, reconcile."""


class ProviderConfigError(ProviderError):
    """The settings cannot work (missing key, credentials refused): a person must fix them."""


@dataclass(frozen=True)
class Capabilities:
    """What a gateway can do, shown to administrators and used by the sender.

    ``batch_size`` messages go in one request; ``rate_per_second`` is the
    gateway's request rate limit; ``lookup`` says whether a message can be
    found again by its idempotency key after an ambiguous result.
    """

    kinds: frozenset = frozenset({"SMS", "LMS"})
    templates: bool = False
    delivery_reports: bool = False
    lookup: bool = False
    batch_size: int = 1
    rate_per_second: float = 10.0
    rules: tuple = ("kr",)


@dataclass(frozen=True)
class Outgoing:
    """One message to one recipient, as the provider sends it."""

    key: str
    sender: str
    to: str
    text: str
    kind: str = "SMS"
    subject: str = ""


@dataclass(frozen=True)
class Result:
    """The gateway's answer for one message: ``sent``, ``delivered`` or ``failed``."""

    key: str
    status: str
    provider_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class SettingField:
    name: str
    secret: bool = False
    required: bool = True


class Provider:
    """Subclass per gateway.  ``settings`` holds the revealed values of :attr:`fields` (secrets opened)."""

    name = ""
    label = ""
    capabilities = Capabilities()
    fields: tuple[SettingField, ...] = ()
    default_base_url = ""

    def __init__(self, settings: dict, *, instance_path=None, timeout: float = 10.0):
        missing = [f.name for f in self.fields if f.required and not settings.get(f.name)]
        if missing:
            raise ProviderConfigError(f"{self.name}: missing settings {', '.join(missing)}")
        self.settings = settings
        self.base_url = (settings.get("base_url") or self.default_base_url).rstrip("/")
        self.instance_path = instance_path
        self.timeout = timeout

    def send(self, batch: list[Outgoing]) -> list[Result]:
        """Send up to ``capabilities.batch_size`` messages; one :class:`Result` per message."""
        raise NotImplementedError

    def lookup(self, message: Outgoing) -> Result | None:
        """The gateway's record of ``message`` (found by its key), ``None`` when it has none or cannot tell."""
        return None


NOT_ACCEPTED = (429, 502, 503)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict = field(default_factory=dict)

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ProviderError(f"the gateway answered HTTP {self.status} with a body that is not JSON") from None


def request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 10.0) -> Response:
    """One HTTP exchange, with failures sorted into "not sent" and "sent, no answer".

    ``http.client`` is used directly (not ``urllib``) because the two phases
    must be told apart: connecting may fail safely, waiting for the answer may not.
    """
    parts = urllib.parse.urlsplit(url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    extra = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    conn = conn_class(parts.hostname, parts.port, timeout=timeout, **extra)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()
        except OSError as exc:
            raise ProviderDown(f"cannot reach {parts.hostname}: {exc}") from exc
        try:
            conn.request(method, path or "/", body=body, headers=headers or {})
            answer = conn.getresponse()
            data = answer.read()
        except (socket.timeout, TimeoutError, http.client.RemoteDisconnected, ConnectionResetError,
                http.client.IncompleteRead) as exc:
            raise Ambiguous(f"{parts.hostname} did not answer after the request was sent: {exc!r}") from exc
        except OSError as exc:
            raise Ambiguous(f"{parts.hostname}: connection failed during the request: {exc!r}") from exc
    finally:
        conn.close()
    if answer.status in NOT_ACCEPTED:
        raise ProviderDown(f"{parts.hostname} answered HTTP {answer.status}")
    if answer.status >= 500:  # the gateway may have acted before it failed (504: its upstream timed out)
        raise Ambiguous(f"{parts.hostname} answered HTTP {answer.status}")
    return Response(answer.status, data, dict(answer.getheaders()))

"""Outbound HTTP to addresses that users type in (workflow webhooks): never into the server's own network.

A receiver's host name is resolved when the connection is made and every address it
resolves to must be public: loopback, private (RFC 1918, fc00::/7), link-local (the
cloud metadata service at 169.254.169.254 among them), shared, multicast and reserved
addresses are refused, so is a name that is only a metadata service's.  The check sits
in the connection itself, so it holds for the address actually dialled (no DNS
rebinding between a check and the call).  Redirects are not followed and proxies from
the environment are not used.  ``outbound_allow`` in the settings lists networks
(``10.20.0.0/16``) or host names (``erp.intranet``) that are allowed even so, for
receivers on the company's own network.

Failures read the same whether the port was closed, filtered or answered something that
is not HTTP, so a webhook cannot be used to map the network behind the server.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask_babel import gettext as _

from core.runtime import runtime

METADATA_HOSTS = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                  "instance-data.ec2.internal"}


class EgressError(Exception):
    """A call that did not reach a receiver, with a message fit to show (the same for every network failure)."""


class EgressRefused(EgressError):
    """The address is not one webhooks may call: trying again will not help."""


def allow_list() -> tuple[set[str], list]:
    """``(host names, networks)`` from the ``outbound_allow`` setting."""
    names, networks = set(), []
    for entry in runtime().settings.outbound_allow:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.strip().lower().rstrip("."))
    return names, networks


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour
    return ip.is_global and not ip.is_multicast


def refused_reason(host: str) -> str | None:
    """Why ``host`` (a name or an IP literal, before resolving) may not be called, or None."""
    host = (host or "").strip().lower().rstrip(".")
    names, networks = allow_list()
    if host in names:
        return None
    if host in METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        return refused_message()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None  # a name: its addresses are checked when connecting
    if any(ip in network for network in networks) or is_public(str(ip)):
        return None
    return refused_message()


def refused_message() -> str:
    return _("This address is on a private, loopback, link-local or metadata network, which webhooks may not call. "
             "An administrator can allow an intranet receiver with the outbound_allow setting.")


def unreachable_message() -> str:
    return _("The receiver could not be reached, or did not answer as an HTTP server.")


def checked_addresses(host: str, port: int) -> list[tuple]:
    """``getaddrinfo`` results for ``host``; refuses when any of them is not allowed."""
    reason = refused_reason(host)
    if reason:
        raise EgressRefused(reason)
    names, networks = allow_list()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise EgressError(unreachable_message()) from None
    if host.lower().rstrip(".") not in names:
        for *_ignored, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            if not any(ip in network for network in networks) and not is_public(sockaddr[0]):
                raise EgressRefused(refused_message())
    return infos


def guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """Like :func:`socket.create_connection`, dialling only the checked addresses."""
    host, port = address
    last_error = None
    for family, kind, proto, _name, sockaddr in checked_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    raise last_error or OSError("no address")


class GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connection


class GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = guarded_connection


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(GuardedHTTPConnection, req)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(GuardedHTTPSConnection, req, context=self._context)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx answer is returned as an HTTPError: the receiver must be the address given


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects, GuardedHTTPHandler,
                                     GuardedHTTPSHandler)


def post(url: str, body: bytes, headers: dict, timeout: float) -> int:
    """POST ``body`` to ``url``; the 2xx status, else :class:`EgressError` with a message to show."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise EgressRefused(_("Give an http:// or https:// address."))
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:
        raise EgressError(_("The receiver answered HTTP %(status)s.", status=exc.code)) from None
    except (OSError, http.client.HTTPException, ValueError):
        raise EgressError(unreachable_message()) from None

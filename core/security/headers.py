"""Security headers on every response, pages and API alike.

The Content-Security-Policy allows scripts, styles, images, fonts and fetches from this site
only: every asset is vendored and no template has inline script, event-handler attributes or
``javascript:`` links (JSON data blocks, ``<script type="application/json">``, are not scripts);
``<style>`` elements are not allowed either.  ``style="..."`` attributes are allowed, on purpose
(``style-src-attr 'unsafe-inline'``): visit-log documents keep the inline styles that
administrators' templates use for layout (cleaned to text and table properties by the
customers plugin), and inline styles cannot run code or, with ``img-src``/``font-src``
limited to this site, load anything from elsewhere.  ``img-src`` also allows ``data:`` (the
quote print view embeds the company seal as one): a ``data:`` image loads nothing from elsewhere.

A page that needs more says so with :func:`allow_on_this_page` and one of :data:`PAGE_EXCEPTIONS`,
each with its reason (``docs/security.md`` lists them); every other page keeps the strict policy.
Framing is refused (``frame-ancestors 'none'`` and ``X-Frame-Options``) against clickjacking.
A response that sets its own policy (attachment downloads: a sandbox) keeps it.
"""
from __future__ import annotations

from flask import g, has_request_context, request

DIRECTIVES = {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"], "style-src-elem": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"], "img-src": ["'self'", "data:"], "font-src": ["'self'"],
    "connect-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'none'"], "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # the hash of the empty string
PAGE_EXCEPTIONS = {
    # FullCalendar 6's bundle (the activities calendar) injects its CSS when it loads: it adds an empty
    # <style> element and fills it through the CSS object model (allowed by the hash of the empty string:
    # markup can only add an empty <style>, rules need script), and that CSS carries the toolbar's icon font
    # as a data: URL (which loads nothing from elsewhere).  FullCalendar 7 ships plain CSS files instead.
    "fullcalendar": {"style-src-elem": [EMPTY_STYLE], "font-src": ["data:"]},
}


def content_security_policy(exceptions=()) -> str:
    """The policy with the named :data:`PAGE_EXCEPTIONS` added (none: the strict policy of every page)."""
    directives = {name: list(sources) for name, sources in DIRECTIVES.items()}
    for exception in sorted(exceptions):
        for name, sources in PAGE_EXCEPTIONS[exception].items():
            directives[name] += [s for s in sources if s not in directives[name]]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()


def allow_on_this_page(exception: str) -> None:
    """Add the exception ``exception`` (a key of :data:`PAGE_EXCEPTIONS`) to this response's policy."""
    if exception not in PAGE_EXCEPTIONS:
        raise KeyError(exception)
    g.csp_exceptions = getattr(g, "csp_exceptions", frozenset()) | {exception}


HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # same-origin: other sites learn nothing from links, and the CSRF check over HTTPS still sees our own referrer
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def add_security_headers(response):
    """``after_request``: the headers above, unless the response chose its own."""
    exceptions = getattr(g, "csp_exceptions", ()) if has_request_context() else ()
    response.headers.setdefault("Content-Security-Policy",
                                content_security_policy(exceptions) if exceptions else CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # over HTTPS (directly or, with trusted_proxies, behind a proxy): stay on HTTPS
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response

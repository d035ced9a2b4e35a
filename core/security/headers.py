"""Security headers on every response, pages and API alike.

The Content-Security-Policy allows scripts, styles, images, fonts and fetches from this site
only: every asset is vendored and no template has inline script, event-handler attributes or
``javascript:`` links (JSON data blocks, ``<script type="application/json">``, are not scripts).
``<style>`` elements are not allowed either, except an empty one (the hash of the empty string):
the vendored calendar library adds its rules to an empty ``<style>`` through the CSS object model,
which is not an inline style a page could carry; its icon font is a ``data:`` URL (``font-src``
allows those: like ``data:`` images they load nothing from elsewhere).  ``style="..."`` attributes are allowed, on purpose
(``style-src-attr 'unsafe-inline'``): visit-log documents keep the inline styles that
administrators' templates use for layout (cleaned to text and table properties by the
customers plugin), and inline styles cannot run code or, with ``img-src``/``font-src``
limited to this site, load anything from elsewhere.
Framing is refused (``frame-ancestors 'none'`` and ``X-Frame-Options``) against clickjacking.
A response that sets its own policy (attachment downloads: a sandbox) keeps it.
"""
from __future__ import annotations

from flask import request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "style-src-elem 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "style-src-attr 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # same-origin: other sites learn nothing from links, and the CSRF check over HTTPS still sees our own referrer
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def add_security_headers(response):
    """``after_request``: the headers above, unless the response chose its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # over HTTPS (directly or, with trusted_proxies, behind a proxy): stay on HTTPS
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response

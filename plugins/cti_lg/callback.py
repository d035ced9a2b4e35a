"""The ring callback Centrex calls: ``GET /cti_lg/ring/<secret>?sender=&receiver=&kind=1&inner_num=``.

Centrex calls plain HTTP, so the long random secret in the path is what
tells a real ring from anyone else's request.  In order: the caller's address
is within its rate limit, the secret names an active line, the parameters
are well formed; then one call row and one event row are written and the
agent's streams woken.  Every refusal is logged (without the secret) and
writes nothing.  The answers say nothing about which secrets exist beyond
"not found".
"""
from __future__ import annotations

import hashlib
import logging
import re

import sqlalchemy as sa
from flask import Blueprint, Response, request

from core import rate_limits
from core.db import session, writes_on_get
from core.runtime import runtime
from core.security import public_endpoint
from core.security.login import client_ip
from plugins.cti_lg import calls, push
from plugins.cti_lg.models import Line

public = Blueprint("cti_lg_public", __name__, url_prefix="/cti_lg")
log = logging.getLogger("plugcrm.cti_lg")
NUMBER = re.compile(r"\+?\d(?:-?\d){2,19}")
INNER = re.compile(r"\d{1,10}")
SECRET = re.compile(r"[A-Za-z0-9_-]{32,100}")
RING = "1"
PER_IP_PER_MINUTE = 300
PER_LINE_PER_MINUTE = 600


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def refuse(status: int, why: str) -> Response:
    log.warning("cti_lg: ring callback refused (%s) from %s", why, client_ip())
    return Response(why, status=status, mimetype="text/plain")


@public.get("/ring/<secret>")
@public_endpoint
@writes_on_get
def ring(secret):
    if not rate_limits.allow(("cti_lg_ip", client_ip(), PER_IP_PER_MINUTE)):
        return refuse(429, "rate limited")
    if not SECRET.fullmatch(secret):
        return refuse(404, "unknown path")
    line = session().execute(sa.select(Line).where(Line.callback_key_hash == key_hash(secret),
                                                   Line.active.is_(True))).scalar_one_or_none()
    if line is None:
        return refuse(404, "unknown path")
    if not rate_limits.allow(("cti_lg_line", str(line.id), PER_LINE_PER_MINUTE)):
        return refuse(429, "rate limited")
    args = request.args
    sender, receiver = args.get("sender", "").strip(), args.get("receiver", "").strip()
    kind, inner_num = args.get("kind", "").strip(), args.get("inner_num", "").strip()
    if not NUMBER.fullmatch(sender) or len(sender) > 20 or (receiver and not NUMBER.fullmatch(receiver)) \
            or len(receiver) > 20 \
            or not INNER.fullmatch(inner_num) or not kind.isdigit():
        return refuse(400, "bad parameters")
    if kind != RING:
        return Response("ignored", status=200, mimetype="text/plain")  # answered, hung up: not a popup
    calls.record_ring(line, sender, receiver, inner_num)
    session().commit()
    push.hub_for(runtime().engine).wake()
    return Response("OK", status=200, mimetype="text/plain")

"""Click-to-call (clickdial): Centrex rings the agent's own phone and connects the customer when it is picked up.

A request is recorded before it is sent and never sent again by itself: a
second dial is the agent's decision, never a retry (a retry could ring a
customer twice).  Whether the call happened is confirmed later from the call
history by the reconciliation job (:mod:`plugins.cti_lg.reconcile`).
"""
from __future__ import annotations

from core import clock
from core.db import session
from core.errors import ValidationError
from core.phones import normalise_phone
from core.plugin_api import translator
from plugins.cti_lg import centrex, lines
from plugins.cti_lg.models import DIAL_FAILED, DIAL_REQUESTED, OUTBOUND, SOURCE_CLICKDIAL, Call

_, _l = translator("cti_lg")


def national(phone: str) -> str | None:
    """The digits Centrex dials: ``+82 2-1234-5678`` → ``0212345678``; None when it is no number."""
    norm = normalise_phone(phone)
    if not norm:
        return None
    if norm.startswith("+82"):
        norm = "0" + norm[3:]
    digits = norm.lstrip("+")
    return digits if digits.isdigit() and 3 <= len(digits) <= 20 else None


def dial(phone: str, user) -> Call:
    """Ask Centrex to connect ``user``'s extension to ``phone``; the call row says how the request went."""
    dest = national(phone)
    if dest is None:
        raise ValidationError(_("This is not a phone number."), fields={"phone": _("This is not a phone number.")})
    extension = lines.extension_of(user.id)
    if extension is None:
        raise ValidationError(_("Your user has no Centrex extension. An administrator maps extensions to users "
                                "in the CTI settings."))
    line = lines.get(extension.line_id)
    creds = lines.credentials(line)
    sess = session()
    call = Call(line_id=line.id, direction=OUTBOUND, source=SOURCE_CLICKDIAL, caller=line.number, receiver=dest,
                caller_norm=normalise_phone(dest), inner_num=extension.inner_num, user_id=user.id,
                started_at=clock.now(), status=DIAL_REQUESTED)
    sess.add(call)
    sess.commit()  # the request is on record before it leaves, and no transaction waits on Centrex
    try:
        centrex.call(creds, "clickdial", destnumber=dest)
    except centrex.CentrexError as exc:
        call.status, call.error = DIAL_FAILED, exc.stored[:300]
        sess.add(call)
        sess.commit()
    return call

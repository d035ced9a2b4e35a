"""Quote approval (U8's 审核): submit → approve / reject (with a reason) → withdraw.

Who approves (the rule, per deployment settings):

* never the quote's owner (a rep cannot approve their own quote);
* a user whose role is *above* the owner's in the role tree (the rep's 팀장,
  이사, 대표), or an administrator;
* when the quote's total exceeds ``approval_threshold``, the approver's role
  must be ``approval_role`` (default 이사 / director) or above it.

Every step is a save of the quote (``approval_status``, ``approver_id``,
``approved_at``, ``approval_note``), so it is in the record's history and
workflows see it.  Submitting notifies the nearest eligible approvers by
email (a durable job).  A quote awaiting approval or approved is read-only
until the approval is withdrawn.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from core import clock
from core.db import session
from core.entities import handover, records
from core.entities.query import visible_select
from core.errors import Forbidden, ValidationError
from core.mail import enqueue_email
from core.plugin_api import translator
from core.security.models import Role, User
from core.security.permissions import can, require_right
from core.security.roles import role_parents
from plugins.quotes import settings
from plugins.quotes.documents import entity
from plugins.quotes.services import OPEN

_, _l = translator("quotes")


def ancestors(role_id: int | None) -> list[int]:
    """The roles above ``role_id``, nearest first."""
    parents, out = role_parents(), []
    current = parents.get(role_id) if role_id is not None else None
    while current is not None and current not in out:
        out.append(current)
        current = parents.get(current)
    return out


def owner_role(quote: dict) -> int | None:
    return session().scalar(sa.select(User.role_id).where(User.id == quote["owner_id"]))


def eligible_roles(quote: dict) -> list[int]:
    """Roles whose members may approve ``quote``, nearest the owner first."""
    above = ancestors(owner_role(quote))
    conf = settings.quote_settings()
    if Decimal(quote["total"] or 0) > Decimal(conf["approval_threshold"]):
        senior = session().scalar(sa.select(Role.id).where(Role.name == conf["approval_role"]))
        allowed = {senior, *ancestors(senior)} if senior is not None else set()
        above = [r for r in above if r in allowed]
    return above


def can_approve(user, quote: dict) -> bool:
    if user is None or user.id is None or user.id == quote["owner_id"]:
        return False
    return bool(user.is_admin) or user.role_id in eligible_roles(quote)


def approvers(quote: dict) -> list[User]:
    """Who is notified: the active users of the nearest eligible role that has any, else the administrators."""
    for role_id in eligible_roles(quote):
        users = session().scalars(sa.select(User).where(User.role_id == role_id, User.active.is_(True),
                                                        User.id != quote["owner_id"])).all()
        if users:
            return list(users)
    return list(session().scalars(sa.select(User).where(User.is_admin.is_(True), User.active.is_(True),
                                                        User.id != quote["owner_id"])))


def save_step(quote_id: int, changes: dict, user) -> dict:
    """Write the approval fields (readonly for users) through the record service."""
    quotes = entity("quotes")
    old = records.get(quotes, quote_id, user)
    with handover.allowed("approval", **changes):
        return records.update(quotes, quote_id, {}, user, check_rights=False, expected_version=old["version"])


def apply_step(values: dict) -> None:
    """``crm_before_save`` part: the approval service's handed-over fields go into the save."""
    if handover.is_allowed("approval"):
        values.update(handover.handed("approval"))


def visible_quote(quote_id: int, user) -> dict:
    quotes = entity("quotes")
    require_right(user, quotes, "view")
    return records.get(quotes, quote_id, user)


def submit(quote_id: int, user) -> dict:
    quote = visible_quote(quote_id, user)
    require_right(user, entity("quotes"), "edit", quote)
    if quote["approval_status"] not in ("none", "rejected"):
        raise ValidationError(_("This quote was already submitted."))
    if quote["status"] not in OPEN:
        raise ValidationError(_("Only a draft or a quote in progress can be submitted for approval."))
    if not Decimal(quote["total"] or 0) and not has_lines(quote_id):
        raise ValidationError(_("Add the quote's lines before submitting it."))
    record = save_step(quote_id, {"approval_status": "pending", "approver_id": None, "approved_at": None,
                                  "approval_note": None}, user)
    notify(record, user)
    return record


def has_lines(quote_id: int) -> bool:
    t = entity("quote_lines").table
    return session().scalar(sa.select(sa.func.count()).where(t.c.quote_id == quote_id, t.c.deleted_at.is_(None))) > 0


def decide(quote_id: int, user, approve: bool, reason: str | None) -> dict:
    quote = visible_quote(quote_id, user)
    if quote["approval_status"] != "pending":
        raise ValidationError(_("This quote is not awaiting approval."))
    if not can_approve(user, quote):
        raise Forbidden(_("You cannot approve this quote: it needs a superior of its owner "
                          "(above the approval amount: the approval role or higher)."))
    reason = clean_reason(reason, required=not approve)
    if approve:
        changes = {"approval_status": "approved", "approver_id": user.id, "approved_at": clock.now(),
                   "approval_note": reason}
    else:
        changes = {"approval_status": "rejected", "approver_id": user.id, "approved_at": None, "approval_note": reason}
    return save_step(quote_id, changes, user)


def withdraw(quote_id: int, user, reason: str | None) -> dict:
    """Take back a submission (its owner or an approver) or an approval (an approver)."""
    quote = visible_quote(quote_id, user)
    status = quote["approval_status"]
    if status not in ("pending", "approved"):
        raise ValidationError(_("There is no submission or approval to withdraw."))
    if not (can_approve(user, quote) or (status == "pending" and user.id == quote["owner_id"])):
        raise Forbidden(_("Only an approver can withdraw this quote's approval."))
    if status == "approved" and quote["status"] == "accepted" and has_order(quote_id):
        raise ValidationError(_("A sales order was made from this quote; its approval cannot be withdrawn."))
    return save_step(quote_id, {"approval_status": "none", "approver_id": None, "approved_at": None,
                                "approval_note": clean_reason(reason, required=False)}, user)


def has_order(quote_id: int) -> bool:
    t = entity("sales_orders").table
    return session().scalar(sa.select(sa.func.count()).where(t.c.quote_id == quote_id, t.c.deleted_at.is_(None))) > 0


def clean_reason(reason, required: bool) -> str | None:
    if reason is not None and not isinstance(reason, str):
        raise ValidationError(_("Some fields are not valid."), {"reason": _("Enter text.")})
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(_("Say why the quote is rejected."), {"reason": _("Required.")})
    if len(reason) > 1000:
        raise ValidationError(_("Some fields are not valid."), {"reason": _("At most %(n)s characters.", n=1000)})
    return reason or None


def quote_link(quote_id: int) -> str:
    """The quote's page: a full URL within a request, its path otherwise (a job, ``plugcrm demo``)."""
    if has_request_context():
        return url_for("ui.detail", entity_name="quotes", record_id=quote_id, _external=True)
    return current_app.url_map.bind("").build("ui.detail", {"entity_name": "quotes", "record_id": quote_id})


def notify(quote: dict, submitter) -> None:
    """Email the approvers (a durable job in this transaction)."""
    to = [u.email for u in approvers(quote) if u.email]
    if not to:
        return
    link = quote_link(quote["id"])
    enqueue_email(to, _("Quote %(number)s awaits your approval", number=quote["number"]),
                  _("%(who)s submitted quote %(number)s \"%(title)s\" (total %(total)s) for approval.\n\n%(link)s",
                    who=submitter.name, number=quote["number"], title=quote["title"],
                    total=f"{Decimal(quote['total']):,}", link=link))


def pending_approvals(user) -> list[dict]:
    """Quotes awaiting a decision that ``user`` may take (the workbench widget and the API), oldest first."""
    quotes = entity("quotes")
    if user is None or not can(user, quotes, "view"):
        return []
    t = quotes.table
    rows = session().execute(visible_select(quotes, user).where(t.c.approval_status == "pending")
                             .order_by(t.c.updated_at).limit(200)).all()
    fields = records.entity_fields(quotes)
    return [q for q in (records.row_to_record(quotes, r, fields) for r in rows) if can_approve(user, q)][:20]

"""Service receipts beyond the generic record: defaults, the receipt from a call, linking a number, the order.

Every write goes through ``core.entities.records`` (validation, numbering,
audit, workflows); this module only fills in what the situation says.
"""
from __future__ import annotations

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities import records
from core.errors import NotFound, ValidationError
from core.phones import normalise_phone
from core.plugin_api import translator
from core.runtime import runtime
from core.security.permissions import record_visible, require_right
from plugins.cti_lg.entities import DONE, service_receipts
from plugins.cti_lg.models import Call, Number

_, _l = translator("cti_lg")


def before_save(values: dict, old: dict | None, user) -> None:
    """The receiver is who typed it; marking it done notes when and (unless named) by whom."""
    if old is None and not values.get("receiver_id") and user is not None:
        values["receiver_id"] = user.id
    if old is None and not values.get("received_at"):
        values["received_at"] = clock.now()
    if values.get("status") == DONE and (old is None or old.get("status") != DONE):
        values["handled_at"] = clock.now()
        if not values.get("handler_id") and not (old or {}).get("handler_id") and user is not None:
            values["handler_id"] = user.id


def own_call(call_id: int, user) -> Call:
    """A call that rang for ``user`` (anyone else's is "not found")."""
    call = session().get(Call, call_id)
    if call is None or call.user_id != user.id:
        raise NotFound(_("This call does not exist."))
    return call


def create_from_call(call_id: int, data: dict, user) -> dict:
    """The popup's "new receipt": path phone, the caller's number, linked to the call."""
    call = own_call(call_id, user)
    values = {"path": "phone", "phone": call.caller, **{k: v for k, v in data.items() if k != "call_id"}}
    record = records.create(service_receipts, values, user)
    session().execute(sa.update(service_receipts.table).where(service_receipts.table.c.id == record["id"])
                      .values(call_id=call.id))
    return {**record, "call_id": call.id}


def link_number(call_id: int, data: dict, user) -> Number:
    """NewZen's 고객번호: tie the caller's number to an account or contact, so later calls match it."""
    call = own_call(call_id, user)
    phone_norm = call.caller_norm or normalise_phone(call.caller)
    registry = runtime().registry.entities
    target = {}
    for key, entity_name in (("account_id", "accounts"), ("contact_id", "contacts")):
        raw = data.get(key)
        if raw in (None, ""):
            continue
        if not isinstance(raw, int) or isinstance(raw, bool) or not record_visible(registry[entity_name], raw, user):
            raise ValidationError(_("Choose a customer you can see."), fields={key: _("Choose a customer you can see.")})
        target[key] = raw
    if not target:
        raise ValidationError(_("Choose an account or a contact."), fields={"account_id": _("Choose an account or a contact.")})
    if "contact_id" in target and "account_id" not in target:
        target["account_id"] = records.get(registry["contacts"], target["contact_id"], user).get("account_id")
    sess = session()
    number = sess.execute(sa.select(Number).where(Number.phone_norm == phone_norm)).scalar_one_or_none()
    number = number or Number(phone_norm=phone_norm)
    number.account_id, number.contact_id = target.get("account_id"), target.get("contact_id")
    number.created_by_id = user.id
    sess.add(number)
    sess.flush()
    return number


def orders_enabled() -> bool:
    return "sales_orders" in runtime().registry.entities


def create_order(receipt_id: int, user) -> dict:
    """NewZen's 주문등록: a draft sales order for the receipt's customer."""
    if not orders_enabled():
        raise NotFound(_("Sales orders are not switched on."))
    orders = runtime().registry.entities["sales_orders"]
    require_right(user, orders, "create")
    receipt = records.get(service_receipts, receipt_id, user)
    if not receipt.get("account_id"):
        raise ValidationError(_("Choose the receipt's account first: an order needs a customer."),
                              fields={"account_id": _("Choose the receipt's account first: an order needs a customer.")})
    return records.create(orders, {"title": _("Order from service receipt %(number)s", number=receipt["number"]),
                                   "account_id": receipt["account_id"], "contact_id": receipt.get("contact_id"),
                                   "order_date": clock.now().date().isoformat(),
                                   "remarks": receipt.get("content") or ""}, user)

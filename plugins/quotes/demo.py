"""Demo quotes and orders for ``plugcrm demo``: every status, one awaiting approval, orders in each state.

Quotes are written by the reps (as the records service would for them), approved
by their 팀장, and some become orders that are confirmed and partly shipped.
"""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from core.db import session
from core.i18n import local_today
from core.runtime import runtime
from core.security.models import User
from plugins.quotes import approval, expiry, orders, settings

COMPANY = {"name": "(주)플러그씨알엠", "business_number": "220-81-12345", "representative": "김대표",
           "address": "서울특별시 강남구 테헤란로 152, 12층", "phone": "02-555-0100", "fax": "02-555-0101",
           "email": "sales@plugcrm.example", "bank_account": "국민은행 123456-01-234567 (주)플러그씨알엠"}
TITLES = ["ERP 도입 견적", "그룹웨어 구축 견적", "서버 교체 견적", "네트워크 고도화 견적", "보안 솔루션 견적",
          "유지보수 갱신 견적"]
FREE_TEXT = ["- 설치비 포함", "- 무상 유지보수 3개월", "- 엑셀자료 업로드 무상제공", "- 납기: 발주 후 2주"]
# (status, approval) of each demo quote, in NewZen's tabs
PLAN = (["draft"] * 3 + ["in_progress"] * 4 + ["pending"] + ["rejected"] + ["accepted"] * 6 + ["cancelled"] * 2
        + ["expired"] * 3)


def fill(demo) -> None:
    rnd = random.Random(16)
    settings.save_company(COMPANY, demo.admin)
    reps = demo.users.get("sales") or [demo.admin]
    accounts = account_ids()
    products = product_rows()
    today = local_today()
    accepted = []
    for index, plan in enumerate(PLAN):
        rep = reps[index % len(reps)]
        day = today - dt.timedelta(days=rnd.randint(40, 60) if plan == "expired" else rnd.randint(0, 25))
        values = {"title": TITLES[index % len(TITLES)], "account_id": rnd.choice(accounts), "owner_id": rep.id,
                  "quote_date": day.isoformat(), "valid_until": (day + dt.timedelta(days=30)).isoformat(),
                  "delivery_site": rnd.choice(["본사 전산실", "물류센터", "2공장", None]),
                  "payment_terms": "납품 후 30일 이내 현금", "delivery_terms": "발주 후 2주 이내"}
        quote = demo.create("quotes", values)  # by the administrator for the rep, who may not see every account
        for product in rnd.sample(products, k=min(len(products), rnd.randint(1, 4))):
            demo.create("quote_lines", {"quote_id": quote["id"], "product_id": product,
                                        "quantity": rnd.randint(1, 10)}, rep)
        demo.create("quote_lines", {"quote_id": quote["id"], "kind": "text", "name": rnd.choice(FREE_TEXT)}, rep)
        if plan == "expired":
            continue
        if plan in ("in_progress", "pending", "rejected", "accepted", "cancelled"):
            update(quote["id"], {"status": "in_progress"}, rep)
        if plan in ("pending", "rejected", "accepted"):
            submitted = approval.submit(quote["id"], rep)
            approver = approval.approvers(submitted)[0]
        if plan == "rejected":
            approval.decide(quote["id"], approver, False, "할인율이 내부 기준을 넘습니다.")
        if plan == "accepted":
            approval.decide(quote["id"], approver, True, None)
            update(quote["id"], {"status": "accepted"}, rep)
            accepted.append((quote["id"], rep))
        if plan == "cancelled":
            update(quote["id"], {"status": "cancelled"}, rep)
    expiry.expire_due(today)
    make_orders(accepted)


def update(quote_id: int, changes: dict, user) -> None:
    from core.entities import records
    records.update(runtime().registry.get("quotes"), quote_id, changes, user)


def make_orders(accepted: list) -> None:
    """Four orders: confirmed and partly shipped, confirmed, paid, and one not yet confirmed."""
    boss = session().scalar(sa.select(User).where(User.is_admin.is_(True)).order_by(User.id))
    for index, (quote_id, rep) in enumerate(accepted[:4]):
        order = orders.create_from_quote(quote_id, boss, {"owner_id": rep.id})
        if index == 3:
            continue
        orders.confirm(order["id"], boss, "데모: 신용한도 초과 승인" if needs_override(order) else None)
        if index == 0:
            from plugins.quotes.documents import live_lines
            line = next(ln for ln in live_lines("sales_order_lines", order["id"]) if ln["kind"] == "item")
            orders.record_shipment(line["id"], 1, boss)


def needs_override(order: dict) -> bool:
    from core.entities import records
    account = records.fetch(runtime().registry.get("accounts"), order["account_id"])
    limit = account["credit_limit"]
    return limit is not None and orders.exposure(order["account_id"]) + order["total"] > limit


def account_ids() -> list[int]:
    t = runtime().registry.get("accounts").table
    return list(session().scalars(sa.select(t.c.id).where(t.c.deleted_at.is_(None)).order_by(t.c.id).limit(20)))


def product_rows() -> list[int]:
    t = runtime().registry.get("products").table
    return list(session().scalars(sa.select(t.c.id).where(t.c.discontinued.is_(False), t.c.deleted_at.is_(None),
                                                          t.c.list_price.is_not(None)).order_by(t.c.id)))

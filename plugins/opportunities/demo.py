"""A believable pipeline for ``plugcrm demo``: several owners, every stage, a year of expected months.

Deals are walked through their stages with the clock moved back, so stage
history, dwell days and "stuck" deals look like a real quarter's work.
"""
from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager

import sqlalchemy as sa

from core import clock
from core.db import session
from core.entities.query import visible_select
from core.runtime import runtime
from plugins.opportunities import services, stages

TITLES = ["그룹웨어 도입", "서버 교체", "네트워크 고도화", "보안 솔루션 구축", "백신 라이선스 갱신", "유지보수 계약",
          "클라우드 전환", "무선랜 구축", "ERP 연동", "데이터센터 이전", "방화벽 교체", "통합 유지보수"]
SOURCES = ["campaign", "website", "referral", "partner", "exhibition", "cold_call", "existing"]
COMPETITORS = ["한빛정보", "대성시스템", "누리텍"]
DEALS = 72


@contextmanager
def clock_at(moment: dt.datetime):
    """Pretend it is ``moment`` while writing one step of a deal's past, then put the clock back."""
    frozen = clock.now() if clock.is_frozen() else None
    clock.set_now(moment)
    try:
        yield
    finally:
        clock.set_now(frozen) if frozen else clock.reset()


def fill(demo) -> None:
    rnd = random.Random(8)
    owners = [u for role in ("sales", "manager") for u in sales_team(demo).get(role, [])]
    accounts = account_ids(demo)
    products = product_rows()
    pipeline = [s for s in stages.stages_for("new")]
    now = clock.now()
    for index in range(DEALS):
        owner = owners[index % len(owners)]
        target = pipeline[index % len(pipeline)]
        started = now - dt.timedelta(days=rnd.randint(20, 150))
        month = (now + dt.timedelta(days=30 * rnd.randint(0, 11))).date().replace(day=1)
        values = {"title": f"{rnd.choice(TITLES)} #{index + 1}", "account_id": rnd.choice(accounts),
                  "owner_id": owner.id, "type": rnd.choice(["new", "new", "upsell", "renewal"]),
                  "source": rnd.choice(SOURCES), "expected_close_date": month.isoformat(),
                  "revenue_month": month.isoformat(), "stage": pipeline[0].value}
        if index % 5 == 3:
            values.update(billing_method="monthly", revenue_end=month.replace(year=month.year + 1).isoformat())
        with clock_at(started):
            # entered by the administrator for the rep (the rep may not see every demo account)
            deal = demo.create("opportunities", values)
            for product in rnd.sample(products, k=min(len(products), rnd.randint(1, 3))):
                demo.create("opportunity_items", {"opportunity_id": deal["id"], "product_id": product,
                                                  "quantity": rnd.randint(1, 20)})
        walk(demo, deal["id"], target, started, now, owner, rnd)


def walk(demo, deal_id: int, target, started: dt.datetime, now: dt.datetime, owner, rnd) -> None:
    """Advance a deal stage by stage (completing each stage's required actions) until ``target``."""
    open_path = [s for s in stages.stages_for("new") if s.is_open]
    if target.kind == "won":
        steps = open_path[1:] + [target]
    elif target.kind == "lost":
        steps = open_path[1:rnd.randint(1, len(open_path))]
    else:
        steps = open_path[1:open_path.index(target) + 1]
    done: list[str] = []
    current, moment = open_path[0], started
    for stage in steps:
        done += list(current.required_actions)
        moment = min(moment + dt.timedelta(days=rnd.randint(3, 25)), now)
        with clock_at(moment):
            services.change_stage(deal_id, {"stage": stage.value, "completed_actions": done}, owner)
        current = stage
    if target.kind == "lost":
        with clock_at(min(moment + dt.timedelta(days=7), now)):
            services.change_stage(deal_id, {"stage": target.value, "lost_to": rnd.choice(COMPETITORS),
                                            "lost_reason": rnd.choice(["price", "competitor", "no_budget"])}, owner)


def sales_team(demo) -> dict:
    """The demo's sales reps and manager; a team is created when no plugin has made one yet."""
    from core.demo import DEMO_PASSWORD
    from core.security.models import Role, User

    if not demo.users.get("sales"):
        for role_name, people in (("manager", [("kim.manager", "김팀장")]),
                                  ("sales", [("lee.sales", "이영업"), ("park.sales", "박영업"), ("choi.sales", "최영업")])):
            role_id = session().scalar(sa.select(Role.id).where(Role.name == role_name))
            for login, name in people:
                user = User(email=f"{login}@example.com", name=name, role_id=role_id)
                user.set_password(DEMO_PASSWORD)
                session().add(user)
                demo.users.setdefault(role_name, []).append(user)
        session().flush()
    return demo.users


def account_ids(demo) -> list[int]:
    accounts = runtime().registry.get("accounts")
    ids = list(session().scalars(visible_select(accounts, demo.admin, accounts.table.c.id).limit(50)))
    if not ids:
        ids = [demo.create("accounts", {"name": name})["id"] for name in ("해동통신", "서울물산", "미래정밀", "한성유통")]
    return ids


def product_rows() -> list[int]:
    products = runtime().registry.get("products")
    t = products.table
    return list(session().scalars(sa.select(t.c.id).where(t.c.discontinued.is_(False), t.c.deleted_at.is_(None),
                                                          t.c.list_price.is_not(None))))

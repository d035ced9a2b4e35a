"""How the customers lists behave with many rows.

    python -m plugins.customers.benchmarks.bench_lists [accounts] [database_url]

Fills a scratch database (default: SQLite in a temporary folder) with
``accounts`` accounts, 3 activities each, then times the calls a sales rep
makes all day: the "not contacted for 30 days" list, 초성 search, the 360°
view, and saving an activity (which recomputes the account's last contact).
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa


def timed(label: str, call, repeat: int = 5) -> float:
    best = min(_once(call) for _ in range(repeat))
    print(f"{label:<45} {best * 1000:8.1f} ms")
    return best


def _once(call) -> float:
    start = time.perf_counter()
    response = call()
    assert response.status_code in (200, 201), response.json
    return time.perf_counter() - start


def fill(app, count: int) -> None:
    from core.db import session
    from core.search import hangul_initials
    from core.runtime import runtime

    rng = random.Random(7)
    syllables = "가나다라마바사아자차카타파하해동통신대한정밀유통건설"
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        registry = runtime().registry
        accounts, activities = registry.get("accounts").table, registry.get("activities").table
        rows = []
        for i in range(count):
            name = "".join(rng.choice(syllables) for _ in range(4)) + f" {i}"
            rows.append({"id": i + 1, "number": f"ACC-B-{i:07d}", "name": name, "customer_code": f"B-{i:07d}",
                         "status": "normal", "kind": "company", "is_hot": i % 50 == 0, "owner_id": 1,
                         "registered_on": (now - dt.timedelta(days=400)).date(), "custom": {},
                         "search_text": f"{name} | {hangul_initials(name)}", "version": 1,
                         "created_at": now, "updated_at": now})
        for start in range(0, len(rows), 5000):
            session().execute(sa.insert(accounts), rows[start:start + 5000])
        acts = []
        for i in range(count * 3):
            when = now - dt.timedelta(days=rng.randint(0, 120))
            acts.append({"subject": "통화", "type": "call", "status": "done", "account_id": i % count + 1,
                         "owner_id": 1, "start_at": when, "custom": {}, "version": 1, "created_at": now,
                         "updated_at": now, "all_day": False, "confirmed": False})
        for start in range(0, len(acts), 5000):
            session().execute(sa.insert(activities), acts[start:start + 5000])
        latest = (sa.select(sa.func.max(activities.c.start_at)).where(activities.c.account_id == accounts.c.id)
                  .scalar_subquery())
        session().execute(sa.update(accounts).values(last_contact_at=latest))
        session().commit()


def main(count: int, url: str | None) -> None:
    from core.app import create_app
    from core.config import Settings
    from core.testing import ApiClient, make_user, reset_database
    from core.migrate import install_defaults

    folder = Path(tempfile.mkdtemp())
    app = create_app(Settings(instance_path=folder, database_url=url or f"sqlite:///{folder / 'bench.db'}",
                              testing=True, plugins=["customers"], embedded_worker=False))
    runtime = app.extensions["plugcrm"]
    reset_database(runtime.engine)
    install_defaults(runtime)
    _uid, token = make_user(app, "bench@example.com", admin=True)
    api = ApiClient(app.test_client(), token)
    started = time.perf_counter()
    fill(app, count)
    print(f"filled {count} accounts, {count * 3} activities in {time.perf_counter() - started:.1f} s")
    timed("accounts?not_contacted_days=30", lambda: api.get("/api/v1/accounts?not_contacted_days=30"))
    timed("accounts?q=ㅎㄷㅌㅅ (초성)", lambda: api.get("/api/v1/accounts?q=ㅎㄷㅌㅅ"))
    timed("accounts?q=해동 통신 (two keywords)", lambda: api.get("/api/v1/accounts?q=해동 통신"))
    timed("customers/accounts/<id>/360", lambda: api.get(f"/api/v1/customers/accounts/{count // 2}/360"))
    timed("POST activities (recomputes last contact)",
          lambda: api.post("/api/v1/activities", json={"subject": "통화", "status": "done",
                                                       "account_id": count // 3}))
    runtime.engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, sys.argv[2] if len(sys.argv) > 2 else None)

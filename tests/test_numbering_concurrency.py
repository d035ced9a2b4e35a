"""Concurrent creates get distinct, consecutive numbers (the counter row is locked per transaction).

Each thread has its own app context, so its own session and connection, exactly
like concurrent requests of a threaded server.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.testing import is_postgres


def create_concurrently(app, admin_id: int, threads: int, per_thread: int) -> list[str]:
    """Start ``threads`` workers together; each creates ``per_thread`` accounts, one commit each."""
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    start = threading.Barrier(threads, timeout=60)

    def worker(index: int) -> list[str]:
        numbers = []
        with app.app_context():
            accounts = runtime().registry.get("accounts")
            start.wait()  # before touching the pool, so every thread races for the counter
            for n in range(per_thread):
                admin = session().get(User, admin_id)
                numbers.append(records.create(accounts, {"name": f"동시상사 {index}-{n}"}, admin)["number"])
                session().commit()
        return numbers

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(worker, range(threads)))
    return [number for numbers in results for number in numbers]


def assert_consecutive(app, numbers: list[str], expected: int) -> None:
    import sqlalchemy as sa
    from core.db import session
    from core.runtime import runtime

    assert len(numbers) == len(set(numbers)) == expected
    prefixes = {n.rsplit("-", 1)[0] for n in numbers}
    assert len(prefixes) == 1, prefixes
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, expected + 1))
    with app.app_context():
        table = runtime().registry.get("accounts").table
        stored = session().scalars(sa.select(table.c.number)).all()
    assert sorted(stored) == sorted(numbers)


@pytest.mark.postgres_only
@pytest.mark.skipif(not is_postgres(), reason="row-lock concurrency needs PostgreSQL "
                                              "(set PLUGCRM_TEST_DATABASE_URL; .ci/run does)")
def test_fifty_concurrent_creates_on_postgresql(crm_app, crm_admin):
    numbers = create_concurrently(crm_app, crm_admin[0], threads=50, per_thread=1)
    assert_consecutive(crm_app, numbers, 50)


def test_concurrent_creates_on_this_database_never_collide(crm_app, crm_admin):
    """On SQLite, writers queue on the database lock (BEGIN IMMEDIATE + busy timeout): no 'database is locked'."""
    numbers = create_concurrently(crm_app, crm_admin[0], threads=4, per_thread=5)
    assert_consecutive(crm_app, numbers, 20)

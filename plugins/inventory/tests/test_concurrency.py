"""Many people issuing and transferring at once (PostgreSQL): the row locks keep stock exact.

Documents are drafted first (numbering takes its own counter lock); then several processes, each with
threads and its own connections, post them together.  Bounded in time: every wait has a timeout.
"""
from __future__ import annotations

import multiprocessing
from decimal import Decimal

import pytest

from core.db import session
from core.security.models import User
from core.testing import is_postgres
from plugins.inventory import ledger, stock
from plugins.inventory.tests.concurrent_posting import post_documents

PROCESSES, THREADS = 4, 10
pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(not is_postgres(), reason="row-lock concurrency needs PostgreSQL "
                                                           "(set PLUGCRM_TEST_DATABASE_URL; .ci/run does)")]


def draft_all(app, user_id, bodies: list[tuple[str, dict]]) -> list[int]:
    with app.app_context():
        user = session().get(User, user_id)
        ids = [stock.draft(kind, body, user).id for kind, body in bodies]
        session().commit()
        return ids


def run_in_processes(app, user_id, document_ids: list[int]) -> list[str]:
    """Post the documents from PROCESSES processes at once; the outcome of each."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    url = str(app.extensions["plugcrm"].engine.url.render_as_string(hide_password=False))
    shares = [document_ids[n::PROCESSES] for n in range(PROCESSES)]
    workers = [ctx.Process(target=post_documents, args=(url, str(app.instance_path), user_id, share, THREADS,
                                                        ready, start, results)) for share in shares]
    for w in workers:
        w.start()
    try:
        for _w in workers:
            ready.get(timeout=120)
        start.set()
        outcomes = [o for _w in workers for o in results.get(timeout=120)]
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():
                w.kill()
    return outcomes


def on_hand(app, product_id, warehouse_id) -> Decimal:
    with app.app_context():
        return ledger.on_hand(product_id, warehouse_id)


def test_two_hundred_concurrent_issues_of_one_against_150_give_150_and_50_refusals(app, team, shop):
    shop.move("keeper_a", "receipt", shop.a, [{"product_id": shop.router, "quantity": "150"}])
    issue = {"warehouse_id": shop.a, "lines": [{"product_id": shop.router, "quantity": "1"}]}
    ids = draft_all(app, team.id("admin"), [("issue", issue)] * 200)
    outcomes = run_in_processes(app, team.id("admin"), ids)
    assert len(outcomes) == 200
    assert outcomes.count("posted") == 150, sorted(set(outcomes))
    assert outcomes.count("insufficient_stock") == 50, sorted(set(outcomes))
    assert on_hand(app, shop.router, shop.a) == 0
    with app.app_context():
        assert ledger.drift() == []
    refused = team["admin"].post(f"/api/v1/inventory/documents/{ids[0]}/post")
    assert refused.status_code == 422  # posted already, or refused: never twice


def test_transfers_in_both_directions_at_once_neither_deadlock_nor_lose_stock(app, team, shop):
    for product in (shop.router, shop.switch):
        for house in (shop.a, shop.b):
            who = "keeper_a" if house == shop.a else "keeper_b"
            shop.move(who, "receipt", house, [{"product_id": product, "quantity": "100"}])
    both = [{"product_id": shop.router, "quantity": "1"}, {"product_id": shop.switch, "quantity": "2"}]
    there = {"warehouse_id": shop.a, "to_warehouse_id": shop.b, "lines": both}
    back = {"warehouse_id": shop.b, "to_warehouse_id": shop.a, "lines": list(reversed(both))}
    ids = draft_all(app, team.id("admin"), [("transfer", there), ("transfer", back)] * 60)
    outcomes = run_in_processes(app, team.id("admin"), ids)
    assert outcomes == ["posted"] * 120, sorted(set(outcomes))
    for product in (shop.router, shop.switch):
        assert on_hand(app, product, shop.a) + on_hand(app, product, shop.b) == 200
    assert on_hand(app, shop.router, shop.a) == 100  # as many there as back
    with app.app_context():
        assert ledger.drift() == []

"""Inventory benchmark: stock movements per second through the plugin, against a bare raw-SQL ledger.

    python -m bench.inventory                      # SQLite
    python -m bench.inventory --database-url postgresql://postgres@127.0.0.1/plugcrm_inventory_bench
    python -m bench.inventory --database-url sqlite:///... --database-url postgresql://... --write-docs

Each transaction moves one unit of one product (an issue), spread over ``--products`` products in one
warehouse, and commits.  Four ways, timed in the same run on the same database:

* **document**: ``stock.draft`` + ``stock.post`` (the numbered document and its line, the keeper's
  right, the product and warehouse checks, then the ledger) - what an API call does;
* **ledger**: ``ledger.apply`` alone (lock the balance row, refuse below zero, insert the movement,
  update the balance);
* **raw SQL**: the bare baseline - ``SELECT quantity ... FOR UPDATE`` (PostgreSQL), ``INSERT`` the
  movement, ``UPDATE`` the balance, commit, on a plain connection;
* **ledger, N threads**: ``ledger.apply`` from ``--threads`` threads at once (each its own
  connection), the throughput under contention for the same rows.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from bench.common import markdown_table, write_docs_section

PLUGINS = ["customers", "products", "opportunities", "quotes", "inventory"]


def make_app(url: str, workdir: Path):
    from core.app import create_app
    from core.config import Settings

    return create_app(Settings(instance_path=workdir / "instance", database_url=url, testing=True,
                               plugins=PLUGINS, embedded_worker=False, secret_key="bench"))


def reset(app, products: int) -> tuple[int, int, list[int]]:
    """An empty database with an administrator, a warehouse and products with plenty of stock."""
    from core.db import metadata, session
    from core.entities import records
    from core.migrate import install_defaults
    from core.runtime import runtime
    from core.security.models import User
    from plugins.inventory import ledger
    from plugins.inventory.ledger import Entry

    rt = app.extensions["plugcrm"]
    with rt.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    if rt.engine.dialect.name == "sqlite":
        metadata.drop_all(rt.engine)
    metadata.create_all(rt.engine)  # a benchmark database (deployments migrate with Alembic)
    install_defaults(rt)
    with app.app_context():
        user = User(email="admin@example.com", name="관리자", is_admin=True)
        user.set_password("bench-password")
        session().add(user)
        session().flush()
        house = records.create(runtime().registry.get("warehouses"), {"name": "본사창고", "code": "HQ"}, user)["id"]
        ids = [records.create(runtime().registry.get("products"), {"name": f"상품 {n}"}, user)["id"]
               for n in range(products)]
        ledger.apply([Entry(p, house, "opening", Decimal(1_000_000)) for p in ids], document_id=None,
                     user_id=user.id)
        session().commit()
        return user.id, house, ids


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def time_documents(app, user_id, house, ids, count) -> float:
    from core.db import session
    from core.security.models import User
    from plugins.inventory import stock

    with app.app_context():
        user = session().get(User, user_id)
        start = time.perf_counter()
        for n in range(count):
            doc = stock.draft("issue", {"warehouse_id": house,
                                        "lines": [{"product_id": ids[n % len(ids)], "quantity": "1"}]}, user)
            stock.post(doc.id, user)
            session().commit()
        return time.perf_counter() - start


def time_ledger(app, user_id, house, ids, count, offset=0) -> float:
    from core.db import session
    from plugins.inventory import ledger
    from plugins.inventory.ledger import Entry

    with app.app_context():
        start = time.perf_counter()
        for n in range(count):
            ledger.apply([Entry(ids[(n + offset) % len(ids)], house, "issue", Decimal(-1))], document_id=None,
                         user_id=user_id)
            session().commit()
        return time.perf_counter() - start


def time_raw(app, user_id, house, ids, count) -> float:
    """The bare ledger: lock, insert the movement, update the balance, commit - plain SQL."""
    engine = app.extensions["plugcrm"].engine
    postgres = engine.dialect.name == "postgresql"
    lock = ("SELECT quantity FROM inventory_balances WHERE product_id = %s AND warehouse_id = %s FOR UPDATE"
            if postgres else "SELECT quantity FROM inventory_balances WHERE product_id = ? AND warehouse_id = ?")
    mark = "%s" if postgres else "?"
    insert = (f"INSERT INTO inventory_movements (product_id, warehouse_id, kind, quantity, moved_on, user_id, "
              f"created_at) VALUES ({mark}, {mark}, 'issue', -1, CURRENT_DATE, {mark}, CURRENT_TIMESTAMP)")
    update = (f"UPDATE inventory_balances SET quantity = quantity - 1 "
              f"WHERE product_id = {mark} AND warehouse_id = {mark}")
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for n in range(count):
            product = ids[n % len(ids)]
            if not postgres:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(lock, (product, house))
            if Decimal(cursor.fetchone()[0]) < 1:
                raise RuntimeError("the baseline ran out of stock")
            cursor.execute(insert, (product, house, user_id))
            cursor.execute(update, (product, house))
            raw.commit() if postgres else cursor.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        raw.close()


def time_threads(app, user_id, house, ids, count, threads) -> float:
    share = count // threads
    barrier = threading.Barrier(threads)

    def run(offset):
        barrier.wait()
        return time_ledger(app, user_id, house, ids, share, offset)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, range(threads)))
    return time.perf_counter() - start


def bench(url: str, workdir: Path, count: int, products: int, threads: int) -> dict:
    from core.db import session
    from plugins.inventory import ledger

    app = make_app(url, workdir)
    user_id, house, ids = reset(app, products)
    time_ledger(app, user_id, house, ids, 50)  # warm up
    time_raw(app, user_id, house, ids, 50)
    results = {"document": per_second(count, time_documents(app, user_id, house, ids, count)),
               "ledger": per_second(count, time_ledger(app, user_id, house, ids, count)),
               "raw": per_second(count, time_raw(app, user_id, house, ids, count)),
               "threads": per_second(count // threads * threads,
                                     time_threads(app, user_id, house, ids, count, threads))}
    with app.app_context():
        assert ledger.drift() == [], "the raw baseline and the ledger disagree"
        session().rollback()
    app.extensions["plugcrm"].engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--movements", type=int, default=2000)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        urls = args.database_url or [f"sqlite:///{Path(tmp) / 'bench.db'}"]
        for url in urls:
            name = "PostgreSQL" if url.startswith("postgres") else "SQLite"
            r = bench(url, Path(tmp), args.movements, args.products, args.threads)
            rows.append([name, f"{r['document']:,.0f}", f"{r['ledger']:,.0f}", f"{r['raw']:,.0f}",
                         f"{r['raw'] / r['ledger']:.2f}x", f"{r['raw'] / r['document']:.2f}x",
                         f"{r['threads']:,.0f}"])
            print(rows[-1], flush=True)
    headers = ["database", "document (draft + post) /s", "ledger.apply /s", "raw SQL /s",
               "raw ÷ ledger", "raw ÷ document", f"ledger.apply, {args.threads} threads /s"]
    table = markdown_table(headers, rows)
    print(table)
    if args.write_docs:
        load = os.getloadavg()[0]
        write_docs_section("Inventory: stock movements per second", f"""
`python -m bench.inventory --database-url sqlite:///... --database-url postgresql://... --write-docs`:
{args.movements:,} one-unit issues, each its own transaction, over {args.products} products in one warehouse
(see the module docstring for the four ways).  The raw-SQL baseline takes the same lock, inserts the same
movement and updates the same balance on a plain connection; the ratios say what the plugin costs on top.
Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, 2 cores shared
with other work (load average {load:.1f} when written).

{table}

Reading it: `ledger.apply` adds SQLAlchemy Core statement building, the insert-if-missing of the balance row,
the refusal check and the warehouse's negative-stock rule to the bare three statements; a document adds
numbering (a counter row lock), the record checks (product, warehouse, keeper right) and the document and
line rows, so it is several statements more per movement.  On SQLite the bare transaction costs about
0.2 ms (WAL, `synchronous=NORMAL`: no fsync per commit), so the Python side (SQLAlchemy's statement and
session machinery, a few milliseconds on this loaded machine) is most of the ratio; on PostgreSQL, where
the round trips dominate, the ledger costs under 2x the bare SQL.  With threads, SQLite serialises writers
(`core.db.WriteGate`); PostgreSQL serialises only transactions that lock the same balance row.  Every run
ends by checking that the balances still equal the sums of their movements (`ledger.drift()`).
""")


if __name__ == "__main__":
    main()

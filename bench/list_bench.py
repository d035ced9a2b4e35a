"""List-view benchmark: the accounts list with a filter, a sort and a page, against the same query in raw SQL.

    python -m bench.list_bench                          # 1,000,000 accounts on SQLite
    python -m bench.list_bench --rows 100000            # fewer
    python -m bench.list_bench --database-url postgresql://postgres@127.0.0.1/plugcrm_bench
                                                        # PostgreSQL too (the database is emptied!)
    python -m bench.list_bench --write-docs             # update "List views" in docs/performance.md

The data is bulk-loaded straight into the table (realistic Korean names, statuses, phones, owners,
1 % in the recycle bin), then three things are timed, each the median of ``--runs`` calls:

* the endpoint ``GET /api/v1/accounts?status=vip&sort=name&page=3&per_page=20`` through the Flask
  test client with an API token (auth, parsing, permission filter, query, count, JSON);
* the service call behind it (:func:`core.api.records.list_page`);
* the same statement in raw SQL on the DBAPI connection: the page, with the capped count of all
  matching rows as a scalar subquery column (the endpoint asks for both in one statement).

A database already holding ``--rows`` accounts is reused (``--rebuild`` forces a new one).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.common import interleaved_medians_ms, markdown_table, write_docs_section

QUERY = "status=vip&sort=name&page=3&per_page=20"
URL = f"/api/v1/accounts?{QUERY}"
STATUSES = [("normal", 45), ("prospect", 30), ("partner", 10), ("vip", 5), ("agent", 5), ("invalid", 5)]
INDUSTRIES = ["manufacturing", "it", "distribution", "construction", "service", "public", "other"]
SYLLABLES = "한국대동서남북신성우진명세광영태화중앙해동제일삼보현정인유경"
SUFFIXES = ["상사", "물산", "테크", "전자", "건설", "통신", "유통", "식품", "산업", "엔지니어링"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서준예도윤지하현우수영진성철희"
CITIES = ["서울시 강남구", "서울시 금천구", "부산시 해운대구", "인천시 남동구", "대구시 달서구", "경기도 성남시",
          "경기도 안산시", "대전시 유성구", "광주시 북구", "울산시 남구"]
OWNERS = 20
BENCH_USERS = [f"bench{i}@example.com" for i in range(OWNERS)]


# --- building the database ---------------------------------------------------

def make_app(url: str, workdir: Path):
    from core.app import create_app
    from core.config import Settings

    return create_app(Settings(instance_path=workdir / "instance", database_url=url, testing=True,
                               plugins=["customers"], embedded_worker=False))


def account_count(engine) -> int:
    if not sa.inspect(engine).has_table("customers_accounts"):
        return -1
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM customers_accounts")).scalar_one()


def rebuild(app, rows: int) -> float:
    """Fresh schema, users and ``rows`` accounts; returns the seconds the load took."""
    from core import search_index
    from core.db import metadata
    from core.migrate import install_defaults

    runtime = app.extensions["plugcrm"]
    engine = runtime.engine
    metadata.drop_all(engine)
    metadata.create_all(engine)  # a benchmark database, like the tests' (deployments migrate with Alembic)
    install_defaults(runtime)
    owner_ids = create_users(app)
    table = runtime.registry.get("accounts").table
    indexes = list(table.indexes)
    started = time.perf_counter()
    for index in indexes:  # loading first and indexing after is several times faster
        index.drop(engine)
    with engine.begin() as conn:
        search_index.drop(conn, table.name)
    load_accounts(engine, table, rows, owner_ids)
    for index in indexes:
        index.create(engine)
    with engine.begin() as conn:
        search_index.ensure(conn, table.name)
    # Statistics as a running deployment has them (PostgreSQL's autovacuum also sets the visibility
    # map, without which an index-only count visits the table).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if engine.dialect.name == "sqlite" else f"VACUUM ANALYZE {table.name}")
    return time.perf_counter() - started


def create_users(app) -> list[int]:
    from core.db import session
    from core.security.models import User

    with app.app_context():
        users = []
        for i, email in enumerate(BENCH_USERS):
            user = User(email=email, name=f"벤치{i}", is_admin=(i == 0))
            user.set_password("bench-password")
            session().add(user)
            users.append(user)
        session().commit()
        return [u.id for u in users]


def account_rows(rows: int, owner_ids: list[int], seed: int = 20261122):
    """``rows`` realistic accounts as tuples in :data:`COLUMNS` order."""
    from core.search import search_text

    rnd = random.Random(seed)
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    for i in range(1, rows + 1):
        name = "".join(rnd.choice(SYLLABLES) for _ in range(2)) + rnd.choice(SUFFIXES)
        if rnd.random() < 0.4:
            name = "(주)" + name
        representative = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        exchange, line = rnd.randint(200, 999), rnd.randint(1000, 9999)
        phone = f"02-{exchange}-{line}"
        number = f"ACC-2026-{i:07d}"
        created = now - dt.timedelta(minutes=rows - i)
        deleted = created if rnd.random() < 0.01 else None
        yield (number, rnd.choice(owner_ids), name, representative, rnd.choice(statuses), rnd.choice(INDUSTRIES),
               phone, f"+822{exchange}{line}", f"{rnd.choice(CITIES)} {rnd.randint(1, 999)}-{rnd.randint(1, 99)}",
               search_text([number, name, representative, phone]), "{}", 1, created, created, deleted)


COLUMNS = ("number", "owner_id", "name", "representative", "status", "industry", "phone", "phone_norm",
           "address", "search_text", "custom", "version", "created_at", "updated_at", "deleted_at")


def load_accounts(engine, table, rows: int, owner_ids: list[int]) -> None:
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            with raw.driver_connection.cursor() as cur:
                with cur.copy(f"COPY {table.name} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in account_rows(rows, owner_ids):
                        copy.write_row(row)
            raw.driver_connection.commit()
        else:
            sqlite = raw.driver_connection
            sqlite.execute("PRAGMA synchronous=OFF")
            sqlite.execute("BEGIN")
            sql = f"INSERT INTO {table.name} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
            sqlite.executemany(sql, (sqlite_row(r) for r in account_rows(rows, owner_ids)))
            sqlite.execute("COMMIT")
            sqlite.execute("PRAGMA synchronous=NORMAL")
    finally:
        raw.close()


def sqlite_row(row: tuple) -> tuple:
    """Datetimes in the text form SQLAlchemy's SQLite dialect stores (naive UTC)."""
    return tuple(v.replace(tzinfo=None).isoformat(" ") if isinstance(v, dt.datetime) else v for v in row)


# --- measuring -----------------------------------------------------------------

def raw_sql(engine, count_cap: int):
    """The statement the endpoint runs, hand-written on the DBAPI connection: the page, with the capped
    count of all matching rows as a scalar subquery column."""
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    live_vip = f"FROM customers_accounts WHERE deleted_at IS NULL AND status = {mark}"
    page = (f"SELECT *, (SELECT count(*) FROM (SELECT 1 {live_vip} LIMIT {count_cap + 1}) AS capped) AS total "
            f"{live_vip} ORDER BY name, id LIMIT 20 OFFSET 40")
    raw = engine.raw_connection()
    cursor = raw.cursor()

    def run():
        cursor.execute(page, ("vip", "vip"))
        rows = cursor.fetchall()
        names = [d[0] for d in cursor.description]
        return rows, rows[0][-1], names

    return run, raw


def bare_endpoint(run):
    """The thinnest HTTP endpoint over the same raw SQL: a plain Flask route answering the rows as JSON.

    This is the bare baseline for the endpoint: what any web endpoint pays (WSGI, routing, JSON) on
    top of the query, without plugcrm's authentication, permission filter, validation and labels.
    """
    from flask import Flask, jsonify

    bare = Flask("bare")

    @bare.get("/accounts")
    def accounts():
        rows, total, names = run()
        return jsonify({"data": [dict(zip(names, row)) for row in rows], "meta": {"total": total}})

    return bare.test_client()


def sql_timer(engine) -> list[float]:
    """Milliseconds of every statement executed on ``engine`` from now on (appended to the list returned)."""
    spent: list[float] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def before(conn, _cursor, _statement, _params, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def after(conn, _cursor, _statement, _params, _context, _many):
        spent.append((time.perf_counter() - conn.info.pop("bench_started")) * 1000)

    return spent


def measure(app, runs: int) -> dict[str, float]:
    import statistics

    from flask import g

    from flask import request

    from core.api.records import list_page
    from core.db import session
    from core.security.models import ApiToken, User

    runtime = app.extensions["plugcrm"]
    with app.app_context():
        admin = session().scalar(sa.select(User).where(User.email == BENCH_USERS[0]))
        token = ApiToken.issue(session(), admin, "bench")
        session().commit()
        admin_id = admin.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get(URL, headers=headers)
    assert first.status_code == 200, first.get_json()
    entity = runtime.registry.get("accounts")

    def service_call():
        with app.test_request_context(URL):
            g.crm_user = session().get(User, admin_id)
            return list_page(entity, g.crm_user, request.args)

    spent = sql_timer(runtime.engine)
    sql_per_call = []

    def service_sql():
        """The database time inside one service call: the SQL the ORM generated, as the database ran it."""
        spent.clear()
        service_call()
        sql_per_call.append(sum(spent))

    raw_run, raw_conn = raw_sql(runtime.engine, runtime.settings.list_count_cap)
    try:
        assert [r[1] for r in raw_run()[0]] == [a["number"] for a in first.get_json()["data"]], \
            "raw SQL and the endpoint disagree"
        bare_client = bare_endpoint(raw_run)
        assert bare_client.get("/accounts").status_code == 200
        result = interleaved_medians_ms({"endpoint": lambda: client.get(URL, headers=headers),
                                         "bare_endpoint": lambda: bare_client.get("/accounts"),
                                         "service": service_call, "raw": raw_run}, runs)
        for _ in range(runs):
            service_sql()
        result["service_sql"] = statistics.median(sql_per_call[3:] or sql_per_call)
        return result
    finally:
        raw_conn.close()


def explain(engine) -> str:
    sql = ("SELECT * FROM customers_accounts WHERE deleted_at IS NULL AND status = 'vip' "
           "ORDER BY name, id LIMIT 20 OFFSET 40")
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        return "\n".join(" ".join(str(c) for c in row) for row in conn.exec_driver_sql(prefix + sql))


# --- the command -----------------------------------------------------------------

def run_one(label: str, url: str, rows: int, args, workdir: Path) -> tuple[list[list[object]], dict]:
    app = make_app(url, workdir)
    engine = app.extensions["plugcrm"].engine
    if args.rebuild or account_count(engine) != rows:
        print(f"[{label}] loading {rows:,} accounts ...", flush=True)
        print(f"[{label}] loaded and indexed in {rebuild(app, rows):.1f} s", flush=True)
    if args.explain:
        print(explain(engine))
    result = measure(app, args.runs)
    engine.dispose()
    raw, bare = result["raw"], result["bare_endpoint"]
    table = [[label, f"{rows:,}", what, f"{result[key]:.2f}", f"{result[key] / raw:.1f}×",
              f"{result[key] / bare:.1f}×" if key in ("endpoint", "bare_endpoint") else ""]
             for key, what in (("endpoint", "`GET /api/v1/accounts` (test client, token)"),
                               ("bare_endpoint", "bare Flask route: the raw SQL below as JSON"),
                               ("service", "`list_page()` service call"),
                               ("service_sql", "… of which SQL (the ORM's statements)"),
                               ("raw", "raw SQL: the page with its capped count"))]
    return table, {"label": label, "rows": rows, **result}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000],
                        help="accounts to load (several sizes: one database each)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", help="also measure on this PostgreSQL database (it is emptied)")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "plugcrm-bench"))
    parser.add_argument("--rebuild", action="store_true", help="reload the data even if the row count matches")
    parser.add_argument("--explain", action="store_true", help="print the page query's plan")
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("PLUGCRM_SECRET_KEY", "bench")
    table, results = [], []
    for rows in args.rows:
        workdir = Path(args.workdir) / f"rows-{rows}"
        workdir.mkdir(parents=True, exist_ok=True)
        runs = [("SQLite", f"sqlite:///{workdir / 'bench.db'}")]
        if args.database_url:
            runs.append(("PostgreSQL", args.database_url))
        for label, url in runs:
            part, result = run_one(label, url, rows, args, workdir)
            table += part
            results.append(result)
    headers = ["database", "accounts", "what", "median ms", "× raw SQL", "× bare endpoint"]
    print(markdown_table(headers, table))
    for line in verdicts(results):
        print(line)
    if args.write_docs:
        write_docs_section("List views", docs_body(args, markdown_table(headers, table), verdicts(results)))


def verdicts(results: list[dict]) -> list[str]:
    """The targets (SQLite at the largest size measured): within 3× of raw SQL, under 100 ms."""
    sqlite = [r for r in results if r["label"] == "SQLite"]
    if not sqlite:
        return []
    r = max(sqlite, key=lambda r: r["rows"])
    ratio, sql_ratio, bare_ratio = r["endpoint"] / r["raw"], r["service_sql"] / r["raw"], r["endpoint"] / r["bare_endpoint"]
    return [f"* At {r['rows']:,} accounts on SQLite the endpoint takes {r['endpoint']:.2f} ms: "
            f"{'under' if r['endpoint'] < 100 else 'over'} 100 ms, and **{ratio:.1f}× raw SQL "
            f"({'within' if ratio <= 3 else 'not within'} 3×)**; the SQL it runs is {sql_ratio:.1f}× raw SQL, "
            f"and the endpoint is {bare_ratio:.1f}× a bare Flask route serving the raw SQL."]


def docs_body(args, table: str, verdict: list[str]) -> str:
    sizes = " ".join(str(r) for r in args.rows)
    lines = "\n".join(verdict)
    return f"""`python -m bench.list_bench --rows {sizes}{' --database-url ...' if args.database_url else ''}` \
({dt.date.today().isoformat()}, {platform.python_implementation()} {platform.python_version()}, \
{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} when it finished, median of {args.runs} runs,
the four timed calls taking turns in blocks of 100 so that the machine's drift cannot enter a ratio).

The accounts list with a filter, a sort and a page — `GET /api/v1/accounts?{QUERY}` — against the
same statement hand-written in SQL: the page, with the capped count of all matching rows as a scalar
subquery column. Targets: within 3× of raw SQL and under 100 ms on SQLite at 1,000,000 accounts.

{table}

{lines}

Reading the table (compare rows of the same run; absolute times vary with the machine's load):

* **The endpoint's cost does not grow with the table.** The page is read in index order and the
  count stops at the cap, so only the capped count (a walk over 10,001 index entries) makes the
  1,000,000-row case slower than a small table.
* **The SQL the service generates is as cheap as the hand-written query** ("… of which SQL" also
  includes the token lookup and the one-row read of the cache counters).
* **The rest is a fixed cost per request in Python**: the WSGI request, the session and transaction,
  the token check, parameter parsing, the permission filter, building the SQLAlchemy statement,
  20 records with display labels, JSON. A bare Flask route answering the same raw SQL is already
  about 1.6× the raw SQL on its own. Why that fixed cost is slower than its instruction count
  suggests is measured in "List views: where the endpoint's time goes" below.
* Per request the endpoint runs three statements: the token with its user, the cache counters, and
  the page with its capped count. Picklists and their labels, custom fields, the field map, the JSON
  conversion plan and user names come from a process-wide cache (`core.generations`) that a change
  made by any process invalidates; API-token use is written at most once a minute, after the
  response.

What keeps it fast:

* Every list filters `deleted_at IS NULL`, so indexed fields and declared composite indexes such as
  accounts' `(status, name)` are built as *partial* indexes over the live rows: the page is read in
  index order and stops after `page × per_page` rows, and the capped count is answered from the index
  alone. (With a plain index on `deleted_at`, SQLite's planner took "deleted_at IS NULL" — true for
  nearly every row — for a selective condition and sorted the whole table: 110 ms for the raw query
  at 100,000 rows before the change, 0.3 ms after.)
* The recycle bin has its own partial index over the deleted rows.
* The total is a capped count (`list_count_cap`, 10,000 by default): past the cap the response says
  `"total_exact": false` instead of counting a million rows.
"""


if __name__ == "__main__":
    main()

"""Pipeline reports benchmark: funnel and forecast over many opportunities vs the same GROUP BY in raw SQL.

    python -m bench.reports                         # 1,000,000 opportunities on SQLite
    python -m bench.reports --rows 50000            # fewer, while developing
    python -m bench.reports --database-url postgresql://postgres@127.0.0.1/plugcrm_opp_bench
                                                    # PostgreSQL too (the database is emptied!)
    python -m bench.reports --write-docs            # update "Reports" in docs/performance.md

Opportunities are bulk-loaded straight into their tables (owners, types, sources, all stages, amounts,
probabilities, forecast amounts, 1 % in the recycle bin) with their revenue schedules (80 % lump sum,
20 % monthly over 3 to 12 months).  Then, each the median of ``--runs`` calls:

* :func:`plugins.opportunities.reports.funnel` and ``forecast`` as the administrator (no owner filter)
  and as a manager who sees a quarter of the owners (the permission filter is part of the query);
* :func:`plugins.opportunities.board.columns` (the pipeline board: totals per stage, the first 50 cards of
  each, owner and customer names) against its GROUP BY and seven ``LIMIT 50`` selects by hand;
* the equivalent hand-written GROUP BY on the DBAPI connection, with the same conditions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench.common import markdown_table, median_ms, write_docs_section

PLUGINS = ["customers", "products", "opportunities"]
OWNERS = 40
STAGES = [("prospecting", 10, 30), ("qualification", 20, 20), ("needs_analysis", 30, 15), ("proposal", 50, 12),
          ("negotiation", 80, 8), ("won", 100, 8), ("lost", 0, 7)]
TYPES = ["new", "new", "upsell", "renewal"]
SOURCES = ["campaign", "website", "referral", "partner", "exhibition", "cold_call", "existing"]
FIRST_MONTH = dt.date(2026, 1, 1)
FROM, TO = "2026-01", "2027-12"


def make_app(url: str, workdir: Path):
    from core.app import create_app
    from core.config import Settings

    return create_app(Settings(instance_path=workdir / "instance", database_url=url, testing=True,
                               plugins=PLUGINS, embedded_worker=False))


def opportunity_count(engine) -> int:
    if not sa.inspect(engine).has_table("opportunities_opportunities"):
        return -1
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM opportunities_opportunities")).scalar_one()


# --- building the database ----------------------------------------------------

def rebuild(app, rows: int) -> float:
    from core.db import metadata
    from core.migrate import install_defaults

    runtime = app.extensions["plugcrm"]
    engine = runtime.engine
    metadata.drop_all(engine)
    metadata.create_all(engine)  # a benchmark database (deployments migrate with Alembic)
    install_defaults(runtime)
    owner_ids, manager_role = create_users(app)
    tables = [runtime.registry.get("opportunities").table, sa.Table("opportunities_revenue_schedule", metadata)]
    indexes = [i for t in tables for i in t.indexes]
    started = time.perf_counter()
    for index in indexes:
        index.drop(engine)
    load(engine, rows, owner_ids)
    for index in indexes:
        index.create(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def create_users(app):
    """An administrator, a manager and ``OWNERS`` sales reps, a quarter of them under the manager."""
    from core.db import session
    from core.security.models import Role, User

    with app.app_context():
        sales = session().scalar(sa.select(Role).where(Role.name == "sales"))
        manager_role = session().scalar(sa.select(Role).where(Role.name == "manager"))
        team_role = Role(name="bench_team", label="bench team", parent_id=manager_role.id)
        session().add(team_role)
        session().flush()
        admin = User(email="bench-admin@example.com", name="관리자", is_admin=True)
        manager = User(email="bench-manager@example.com", name="팀장", role_id=team_role.id)
        manager.role_id = manager_role.id
        reps = [User(email=f"bench{i}@example.com", name=f"영업{i}",
                     role_id=team_role.id if i % 4 == 0 else sales.id) for i in range(OWNERS)]
        for user in [admin, manager] + reps:
            user.set_password("bench-password")
            session().add(user)
        session().commit()
        return [u.id for u in reps], manager_role.id


OPP_COLUMNS = ("id", "number", "owner_id", "title", "type", "source", "stage", "stage_changed_at",
               "completed_actions", "probability", "probability_manual", "amount", "amount_manual",
               "forecast_amount", "cost_total", "expected_close_date", "billing_method", "revenue_month",
               "revenue_end", "revenue_last_month", "month_amount", "last_month_amount", "month_forecast",
               "last_month_forecast",
               "custom", "search_text", "version", "created_at", "updated_at", "deleted_at")
SCHEDULE_COLUMNS = ("opportunity_id", "month", "amount", "weighted")


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def generate(rows: int, owner_ids: list[int], seed: int = 8):
    """``(opportunity row, [schedule rows])`` pairs, realistic enough for the planner."""
    rnd = random.Random(seed)
    stages = [(s, p) for s, p, weight in STAGES for _ in range(weight)]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    for i in range(1, rows + 1):
        stage, probability = rnd.choice(stages)
        amount = Decimal(rnd.randint(10, 5000) * 100_000)
        forecast = amount * probability / 100
        start = add_months(FIRST_MONTH, rnd.randint(0, 23))
        draw = rnd.random()
        method = "monthly" if draw < 0.2 else "installments" if draw < 0.23 else "lump_sum"
        months = rnd.randint(3, 12) if method == "monthly" else rnd.randint(2, 4) if method == "installments" else 1
        end = add_months(start, months - 1) if method == "monthly" else None
        each = (amount / months).quantize(Decimal(1))
        plan = [(add_months(start, m), each) for m in range(months - 1)]
        plan.append((add_months(start, months - 1), amount - each * (months - 1)))
        compressed = ((None,) + (Decimal(0),) * 4 if method == "installments" else
                      (plan[-1][0], each, plan[-1][1], (each * probability / 100).quantize(Decimal(1)),
                       (plan[-1][1] * probability / 100).quantize(Decimal(1))))
        created = now - dt.timedelta(minutes=rows - i)
        deleted = created if rnd.random() < 0.01 else None
        opp = (i, f"OPP-202611-{i:07d}", rnd.choice(owner_ids), f"영업기회 {i}", rnd.choice(TYPES),
               rnd.choice(SOURCES), stage, created - dt.timedelta(days=rnd.randint(0, 120)), "[]", probability,
               False, amount, False, forecast, Decimal(0), start, method, start, end, *compressed,
               "{}", f"opp-202611-{i:07d} 영업기회 {i}", 1, created, created, deleted)
        yield opp, [(i, month, value, (value * probability / 100).quantize(Decimal(1))) for month, value in plan]


def load(engine, rows: int, owner_ids: list[int]) -> None:
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            with raw.driver_connection.cursor() as cur:
                schedule = []
                with cur.copy(f"COPY opportunities_opportunities ({', '.join(OPP_COLUMNS)}) FROM STDIN") as copy:
                    for opp, plan in generate(rows, owner_ids):
                        copy.write_row(opp)
                        schedule += plan
                with cur.copy(f"COPY opportunities_revenue_schedule ({', '.join(SCHEDULE_COLUMNS)}) "
                              f"FROM STDIN") as copy:
                    for row in schedule:
                        copy.write_row(row)
                cur.execute("SELECT setval(pg_get_serial_sequence('opportunities_opportunities', 'id'), %s)",
                            (rows,))
            raw.driver_connection.commit()
        else:
            sqlite = raw.driver_connection
            sqlite.execute("PRAGMA synchronous=OFF")
            sqlite.execute("BEGIN")
            opp_sql = (f"INSERT INTO opportunities_opportunities ({', '.join(OPP_COLUMNS)}) "
                       f"VALUES ({', '.join('?' * len(OPP_COLUMNS))})")
            plan_sql = (f"INSERT INTO opportunities_revenue_schedule ({', '.join(SCHEDULE_COLUMNS)}) "
                        f"VALUES (?, ?, ?, ?)")
            batch_opps, batch_plan = [], []
            for opp, plan in generate(rows, owner_ids):
                batch_opps.append(sqlite_row(opp))
                batch_plan += [sqlite_row(p) for p in plan]
                if len(batch_opps) >= 20_000:
                    sqlite.executemany(opp_sql, batch_opps)
                    sqlite.executemany(plan_sql, batch_plan)
                    batch_opps, batch_plan = [], []
            sqlite.executemany(opp_sql, batch_opps)
            sqlite.executemany(plan_sql, batch_plan)
            sqlite.execute("COMMIT")
            sqlite.execute("PRAGMA synchronous=NORMAL")
    finally:
        raw.close()


def sqlite_row(row: tuple) -> tuple:
    """Values in the form SQLAlchemy's SQLite dialect stores (naive UTC text, ISO dates, decimals as text)."""
    def plain(v):
        if isinstance(v, dt.datetime):
            return v.replace(tzinfo=None).isoformat(" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return float(v)
        return v
    return tuple(plain(v) for v in row)


# --- measuring ------------------------------------------------------------------

def raw_queries(engine, lost: list[str], owner_ids: list[int] | None):
    """The reports' SQL written by hand on the DBAPI connection, with the same conditions.

    ``forecast`` is the same pair of statements the report runs (the per-deal schedule GROUP BY and
    the installment join); ``schedule_join`` is the plain join over every schedule row, used once
    to check the report's months (it is the slow way the forecast is *not* computed).
    """
    mark = "%s" if engine.dialect.name == "postgresql" else "?"
    owners = "" if owner_ids is None else f" AND o.owner_id IN ({', '.join(str(i) for i in owner_ids)})"
    not_lost = f"o.stage NOT IN ({', '.join(mark for _ in lost)})"
    funnel = ("SELECT o.stage, count(*), sum(o.amount), sum(o.forecast_amount) FROM opportunities_opportunities o "
              f"WHERE o.deleted_at IS NULL{owners} GROUP BY o.stage")
    compressed = ("SELECT o.revenue_month, o.revenue_last_month, count(*), sum(o.month_amount), "
                  "sum(o.last_month_amount), sum(o.month_forecast), sum(o.last_month_forecast) "
                  f"FROM opportunities_opportunities o WHERE o.deleted_at IS NULL{owners} AND {not_lost} "
                  f"AND o.billing_method != 'installments' AND o.revenue_month <= {mark} "
                  "GROUP BY o.revenue_month, o.revenue_last_month")
    installments = ("SELECT s.month, sum(s.amount), sum(s.weighted), count(*) FROM opportunities_revenue_schedule s "
                    "WHERE s.opportunity_id IN (SELECT o.id FROM opportunities_opportunities o "
                    f"WHERE o.deleted_at IS NULL{owners} AND o.billing_method = 'installments' AND {not_lost}) "
                    f"AND s.month >= {mark} AND s.month <= {mark} GROUP BY s.month")
    schedule_join = ("SELECT s.month, sum(s.amount), count(*) FROM opportunities_opportunities o "
                     "JOIN opportunities_revenue_schedule s ON s.opportunity_id = o.id "
                     f"WHERE o.deleted_at IS NULL{owners} AND {not_lost} AND s.month >= {mark} AND s.month <= {mark} "
                     "GROUP BY s.month")
    start, end = dt.date(2026, 1, 1), dt.date(2027, 12, 1)
    first, last = (start.isoformat(), end.isoformat()) if engine.dialect.name == "sqlite" else (start, end)
    raw = engine.raw_connection()
    cursor = raw.cursor()

    def run_funnel():
        cursor.execute(funnel)
        return cursor.fetchall()

    def run_forecast():
        cursor.execute(compressed, tuple(lost) + (last,))
        rows = cursor.fetchall()
        cursor.execute(installments, tuple(lost) + (first, last))
        return rows, cursor.fetchall()

    def run_schedule_join():
        cursor.execute(schedule_join, tuple(lost) + (first, last))
        return cursor.fetchall()

    board_totals = ("SELECT o.stage, count(*), sum(o.amount), sum(o.forecast_amount) FROM opportunities_opportunities o "
                    f"WHERE o.deleted_at IS NULL{owners} AND o.type = 'new' GROUP BY o.stage")
    board_cards = (f"SELECT * FROM opportunities_opportunities o WHERE o.deleted_at IS NULL{owners} AND o.type = 'new' "
                   f"AND o.stage = {mark} ORDER BY o.expected_close_date, o.id LIMIT 50")

    def run_board():
        cursor.execute(board_totals)
        rows = cursor.fetchall()
        for stage, *_rest in STAGES:
            cursor.execute(board_cards, (stage,))
            rows += cursor.fetchall()
        return rows

    return run_funnel, run_forecast, run_schedule_join, run_board, raw


def measure(app, runs: int) -> dict[str, dict[str, float]]:
    from flask import g
    from werkzeug.datastructures import MultiDict

    from core.db import session
    from core.security.models import User
    from core.security.permissions import visible_owner_ids
    from plugins.opportunities import board, reports

    engine = app.extensions["plugcrm"].engine
    args = MultiDict({"from": FROM, "to": TO})
    board_args = {"type": "new", "owner_id": "", "month": ""}  # the pipeline board's columns and first cards
    results = {}
    for email, who in (("bench-admin@example.com", "administrator"), ("bench-manager@example.com", "manager")):
        with app.test_request_context("/"):
            user = session().scalar(sa.select(User).where(User.email == email))
            owners = None if user.is_admin else visible_owner_ids(user)

        def service(report):
            def call():
                with app.test_request_context("/"):
                    g.crm_user = session().get(User, user.id)
                    return report(g.crm_user, args)
            return call

        run_funnel, run_forecast, run_schedule_join, run_board, raw = raw_queries(engine, ["lost"], owners)
        try:
            check(service(reports.funnel)(), run_funnel(), service(reports.forecast)(), run_schedule_join())
            results[who] = {
                "funnel": median_ms(service(reports.funnel), runs),
                "funnel_raw": median_ms(run_funnel, runs),
                "forecast": median_ms(service(reports.forecast), runs),
                "forecast_raw": median_ms(run_forecast, runs),
                "board": median_ms(service(lambda u, _a: board.columns(u, board_args)), runs),
                "board_raw": median_ms(run_board, runs),
            }
        finally:
            raw.close()
    return results


def check(funnel: dict, funnel_raw: list, forecast: dict, schedule_join: list) -> None:
    """The reports must agree with plain SQL over the stored rows before their times are compared."""
    counts = {r["stage"]: r["count"] for r in funnel["data"] if r["count"]}
    assert counts == {row[0]: row[1] for row in funnel_raw}, "funnel and raw SQL disagree"
    months = {m["month"]: (Decimal(m["amount"]), m["deals"]) for m in forecast["data"] if m["deals"]}
    joined = {str(row[0])[:7]: (Decimal(str(row[1])).quantize(Decimal("0.01")), row[2]) for row in schedule_join}
    assert months == joined, "forecast and the schedule rows disagree"


# --- the command ----------------------------------------------------------------------

def run_one(label: str, url: str, args, workdir: Path) -> list[list[object]]:
    app = make_app(url, workdir)
    engine = app.extensions["plugcrm"].engine
    if args.rebuild or opportunity_count(engine) != args.rows:
        print(f"[{label}] loading {args.rows:,} opportunities ...", flush=True)
        print(f"[{label}] loaded and indexed in {rebuild(app, args.rows):.1f} s", flush=True)
    results = measure(app, args.runs)
    engine.dispose()
    table = []
    for who, r in results.items():
        for report in ("funnel", "forecast", "board"):
            ratio = r[report] / r[f"{report}_raw"]
            table.append([label, f"{args.rows:,}", who, report, f"{r[report]:.1f}", f"{r[f'{report}_raw']:.1f}",
                          f"{ratio:.2f}×"])
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database-url", help="also measure on this PostgreSQL database (it is emptied)")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "plugcrm-bench-reports"))
    parser.add_argument("--rebuild", action="store_true", help="reload the data even if the row count matches")
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("PLUGCRM_SECRET_KEY", "bench")
    workdir = Path(args.workdir) / f"rows-{args.rows}"
    workdir.mkdir(parents=True, exist_ok=True)
    table = run_one("SQLite", f"sqlite:///{workdir / 'bench.db'}", args, workdir)
    if args.database_url:
        table += run_one("PostgreSQL", args.database_url, args, workdir)
    headers = ["database", "opportunities", "as", "report", "report ms", "raw SQL ms", "× raw SQL"]
    print(markdown_table(headers, table))
    if args.write_docs:
        write_docs_section("Reports", docs_body(args, markdown_table(headers, table), verdict(table)))


def verdict(table: list[list[object]]) -> str:
    """The targets (≤ 1.5× raw SQL; under 1 s on SQLite), checked row by row, misses named."""
    misses = []
    for database, _rows, who, report, ms, _raw, ratio in table:
        if float(ratio.rstrip("×")) > 1.5:
            misses.append(f"{report} as {who} on {database} is {ratio} raw SQL")
        if database == "SQLite" and float(ms) >= 1000:
            misses.append(f"{report} as {who} on SQLite takes {float(ms) / 1000:.1f} s")
    return "Targets met." if not misses else "Targets missed: " + "; ".join(misses) + "."


def docs_body(args, table: str, targets: str = "") -> str:
    return f"""Command: `python -m bench.reports --rows {args.rows} --runs {args.runs}` \
({platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores shared, {dt.date.today()}).

{table}

{targets}

"report" is the service behind `GET /api/v1/opportunities/reports/funnel` / `.../forecast`
(`plugins/opportunities/reports.py`): it starts from `visible_select` (permission filter, recycle bin
excluded), groups in SQL and adds shares, conversions and month gaps in Python.  "raw SQL" is the same
GROUP BY hand-written on the DBAPI connection.  The manager sees the deals of a quarter of the
{OWNERS} owners.

The deals bill 77 % lump sum, 20 % monthly over 3-12 months and 3 % in 2-4 installments: about
2.3 million revenue-schedule rows.  Joining every schedule row to its deal (for the permission and
stage conditions) took 4-6 s on SQLite here, so the forecast does not: each lump-sum or monthly deal
stores its schedule as four numbers (each month's amount and the last month's, unweighted and
weighted), and one GROUP BY over the deals by (first month, last month) plus a running total in
Python gives every month; only installment deals are joined to their schedule rows.  Before timing,
the benchmark checks that the report's months equal the plain join over all schedule rows.  Forecast
window: 24 months.
"""


if __name__ == "__main__":
    main()

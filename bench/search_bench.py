"""Free-text search benchmark: ``GET /api/v1/accounts?q=...`` through the text index, against the LIKE scan it replaced.

    python -m bench.search_bench --rows 1000000         # SQLite (the list benchmark's database, built if missing)
    python -m bench.search_bench --rows 200000 --database-url postgresql://postgres@127.0.0.1/plugcrm_bench
                                                        # PostgreSQL too (the database is emptied!)
    python -m bench.search_bench --write-docs           # update "Free-text search" in docs/performance.md

For each query three things are timed (medians): the endpoint (test client, API token: first page
and capped count), the same page and capped count in raw SQL as the endpoint now runs it (with the
index), and the raw SQL as it ran before the index — ``search_text LIKE '%term%'`` scanning the
table (PostgreSQL: the same statement with bitmap scans, the only way it uses a GIN index, turned off).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
from pathlib import Path

from bench.common import markdown_table, median_ms, write_docs_section
from bench.list_bench import BENCH_USERS, account_count, make_app, rebuild

SEARCHES = [  # (what, q): bench.list_bench's names are two random syllables + a suffix, 40 % with (주)
    ("few matches", "통신 12345"),
    ("a few hundred matches, 초성", "ㅎㄷㅌㅅ"),
    ("many matches, 3+ characters (index)", "(주)"),
    ("many matches, 2 characters (LIKE only)", "통신"),
]


def raw_search(engine, q: str, count_cap: int, *, indexed: bool):
    """The page (newest first) and the capped count for ``q`` in hand-written SQL on the DBAPI connection."""
    from core.search import search_terms
    from core.search_index import MIN_INDEXED_TERM, fts_phrase

    postgres = engine.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    terms = search_terms(q)
    assert not any(c in t for t in terms for c in "%_\\"), "bench terms need no LIKE escaping"
    where = ["deleted_at IS NULL"] + [f"search_text LIKE {mark}" for _ in terms]
    params: list[str] = [f"%{t}%" for t in terms]
    long_terms = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
    if indexed and not postgres and long_terms:
        where.insert(1, "id IN (SELECT rowid FROM customers_accounts_fts WHERE customers_accounts_fts MATCH ?)")
        params.insert(0, " ".join(fts_phrase(t) for t in long_terms))
    condition = " AND ".join(where)
    page = f"SELECT * FROM customers_accounts WHERE {condition} ORDER BY id DESC LIMIT 20"
    count = f"SELECT count(*) FROM (SELECT 1 FROM customers_accounts WHERE {condition} LIMIT {count_cap + 1}) AS c"
    raw = engine.raw_connection()
    cursor = raw.cursor()
    if postgres and not indexed:
        cursor.execute("SET enable_bitmapscan = off")

    def run():
        cursor.execute(page, params)
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(count, params)
        return ids, cursor.fetchone()[0]

    return run, raw


def measure(app, runs: int, scan_runs: int) -> list[dict]:
    from core.db import session
    from core.security.models import ApiToken, User
    import sqlalchemy as sa

    runtime = app.extensions["plugcrm"]
    with app.app_context():
        admin = session().scalar(sa.select(User).where(User.email == BENCH_USERS[0]))
        token = ApiToken.issue(session(), admin, "bench")
        session().commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    cap = runtime.settings.list_count_cap
    results = []
    for what, q in SEARCHES:
        def endpoint(q=q):
            return client.get("/api/v1/accounts", query_string={"q": q}, headers=headers)

        answer = endpoint().get_json()
        indexed, indexed_conn = raw_search(runtime.engine, q, cap, indexed=True)
        scan, scan_conn = raw_search(runtime.engine, q, cap, indexed=False)
        try:
            expected = ([item["id"] for item in answer["data"]], answer["meta"]["total"])
            capped = [(ids, min(count, cap)) for ids, count in (indexed(), scan())]
            assert capped == [expected, expected], f"{q}: the endpoint, the indexed and the LIKE SQL disagree"
            results.append({"what": what, "q": q, "matches": answer["meta"]["total"],
                            "exact": answer["meta"]["total_exact"],
                            "endpoint": median_ms(endpoint, runs), "indexed": median_ms(indexed, runs),
                            "scan": median_ms(scan, scan_runs, warmup=1)})
        finally:
            indexed_conn.close()
            scan_conn.close()
    return results


def run_one(label: str, url: str, rows: int, args, workdir: Path) -> list[list[object]]:
    app = make_app(url, workdir)
    engine = app.extensions["plugcrm"].engine
    if args.rebuild or account_count(engine) != rows:
        print(f"[{label}] loading {rows:,} accounts ...", flush=True)
        print(f"[{label}] loaded and indexed in {rebuild(app, rows):.1f} s", flush=True)
    results = measure(app, args.runs, args.scan_runs)
    engine.dispose()
    return [[label, f"{rows:,}", r["what"], f"`q={r['q']}`", f"{r['matches']:,}{'' if r['exact'] else '+'}",
             f"{r['endpoint']:.1f}", f"{r['indexed']:.1f}", f"{r['scan']:.1f}",
             f"{r['scan'] / r['endpoint']:.0f}×" if r["scan"] >= r["endpoint"] else
             f"{r['endpoint'] / r['scan']:.1f}× slower"]
            for r in results]


HEADERS = ["database", "accounts", "search", "query", "matches", "endpoint ms", "raw SQL, index ms",
           "raw SQL, LIKE scan ms (before)", "endpoint vs. LIKE scan"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scan-runs", type=int, default=5, help="runs of the slow LIKE scan")
    parser.add_argument("--database-url", help="also measure on this PostgreSQL database (it is emptied)")
    parser.add_argument("--pg-rows", type=int, help="accounts on PostgreSQL (default: --rows)")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "plugcrm-bench"))
    parser.add_argument("--rebuild", action="store_true", help="reload the data even if the row count matches")
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("PLUGCRM_SECRET_KEY", "bench")
    table = []
    for rows in args.rows:
        workdir = Path(args.workdir) / f"rows-{rows}"
        workdir.mkdir(parents=True, exist_ok=True)
        table += run_one("SQLite", f"sqlite:///{workdir / 'bench.db'}", rows, args, workdir)
    if args.database_url:
        rows = args.pg_rows or args.rows[-1]
        workdir = Path(args.workdir) / f"pg-rows-{rows}"
        workdir.mkdir(parents=True, exist_ok=True)
        table += run_one("PostgreSQL", args.database_url, rows, args, workdir)
    print(markdown_table(HEADERS, table))
    if args.write_docs:
        write_docs_section("Free-text search", docs_body(args, markdown_table(HEADERS, table)))


def docs_body(args, table: str) -> str:
    sizes = " ".join(str(r) for r in args.rows)
    pg = f" --database-url ... --pg-rows {args.pg_rows}" if args.database_url and args.pg_rows else ""
    return f"""`python -m bench.search_bench --rows {sizes}{pg}` ({dt.date.today().isoformat()}, \
{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs shared with other \
work; medians of {args.runs} runs, {args.scan_runs} for the LIKE scan).

`GET /api/v1/accounts?q=…` (first page, newest first, with the capped count) on the list benchmark's
accounts, against the same page and count in raw SQL with the text index and as it ran before it (a
`LIKE '%term%'` scan). The list pages, the global search and the reference type-ahead use the same
`search_condition`.

{table}

How it works (`core/search_index.py`): SQLite keeps an FTS5 table with the `trigram` tokenizer beside
each entity table (triggers keep it in step with every write, bulk import included), and a term of 3+
characters becomes `id IN (SELECT rowid FROM <table>_fts WHERE … MATCH …)`; PostgreSQL has a
`pg_trgm` GIN index on `search_text`, partial over the live rows, which serves the `LIKE` itself. The
`LIKE` conditions stay and decide the result, so the rows found are exactly those found before.

Limits (the next steps):

* A trigram index cannot answer a term of 1–2 characters (`통신`, `ㅎㄷ`, `海东`, most Korean given
  names); such a term alone still scans until the page fills (cheap when it matches many rows, a full
  scan when it matches none) and, beside a longer term, only filters the rows the index found. Its two
  rows above run the same SQL before and after; their difference is the endpoint's own cost and the
  noise of a shared machine. On PostgreSQL the planner sometimes reads the GIN index for such a term
  although it cannot narrow anything (the raw "index" time of `q=통신`).
* A 3+-character term matching a large share of the table (`(주)`, 40 % of the rows) makes SQLite read
  every match from the FTS table before the page is cut, where the scan stopped after 20 rows: slower
  than before, though still well under a second. Choosing the scan when the index's own counts
  (`fts5vocab`) say a term is that common would remove it.
"""


if __name__ == "__main__":
    main()

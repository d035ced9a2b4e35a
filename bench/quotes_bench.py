"""Quote benchmark: the PDF of a 30-line quote, 1,000 quotes rendered as a batch, a list of 100,000 quotes.

    python -m bench.quotes_bench                     # SQLite, 100,000 quotes in the list
    python -m bench.quotes_bench --rows 20000 --batch 200
    python -m bench.quotes_bench --write-docs        # update "Quotes" in docs/performance.md

Each timing is printed beside a bare baseline measured in the same run:

* **PDF of a 30-line quote** (``GET /api/v1/quotes/<id>/pdf`` through the test client with a token:
  permission check, reads, template, WeasyPrint) against WeasyPrint alone writing the same HTML.
* **1,000 quotes as a batch**: their print HTML in one document (reads + template) and the one PDF
  holding all of them (:func:`plugins.quotes.output.render_batch_pdf`), against WeasyPrint alone
  writing the same HTML.
* **The quote list** ``GET /api/v1/quotes?status=in_progress&sort=-quote_date&page=3&per_page=20`` over
  ``--rows`` quotes against a bare Flask route serving the same hand-written SQL (the page with its
  capped count), as ``bench.list_bench`` does for accounts.
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

from bench.common import interleaved_medians_ms, markdown_table, write_docs_section
from core.documents import stylesheets

PLUGINS = ["customers", "products", "opportunities", "quotes"]
LIST_QUERY = "status=in_progress&sort=-quote_date&page=3&per_page=20"
STATUSES = [("draft", 20), ("in_progress", 30), ("accepted", 25), ("cancelled", 10), ("expired", 15)]


def make_app(workdir: Path):
    from core.app import create_app
    from core.config import Settings
    from core.migrate import install_defaults
    from core.testing import reset_database

    app = create_app(Settings(instance_path=workdir / "instance", database_url=f"sqlite:///{workdir / 'bench.db'}",
                              testing=True, plugins=PLUGINS, embedded_worker=False))
    runtime = app.extensions["plugcrm"]
    reset_database(runtime.engine)
    install_defaults(runtime)
    return app


def setup(app):
    """An administrator with a token, an account and a 30-line quote; returns (token, admin id, quote id)."""
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import ApiToken, User
    from plugins.quotes import settings

    with app.test_request_context("/"):
        admin = User(email="bench@example.com", name="벤치", is_admin=True)
        admin.set_password("x" * 12)
        session().add(admin)
        session().flush()
        token = ApiToken.issue(session(), admin, "bench")
        reg = runtime().registry
        settings.save_company({"name": "(주)플러그씨알엠", "business_number": "220-81-12345",
                               "representative": "김대표", "address": "서울특별시 강남구 테헤란로 152"}, admin)
        account = records.create(reg.get("accounts"), {"name": "재근상사"}, admin)
        quote = records.create(reg.get("quotes"), {"title": "ERP 도입 견적", "account_id": account["id"]}, admin)
        for n in range(30):
            records.create(reg.get("quote_lines"), {"quote_id": quote["id"], "name": f"ERP 모듈 {n + 1} 企业版",
                                                    "item_code": f"99{n:02d}", "specification": "3유저",
                                                    "quantity": str(n % 5 + 1), "unit_price": "1250000"}, admin)
        session().commit()
        return token, admin.id, quote["id"], account["id"]


def pdf_timings(app, token: str, admin_id: int, quote_id: int, runs: int) -> dict:
    from weasyprint import HTML

    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User
    from plugins.quotes import output

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/quotes/{quote_id}/pdf", headers=headers).status_code == 200
    with app.test_request_context("/"):
        html = output.render_html(records.fetch(runtime().registry.get("quotes"), quote_id),
                                  session().get(User, admin_id), for_pdf=True)
    return interleaved_medians_ms({"endpoint": lambda: client.get(f"/api/v1/quotes/{quote_id}/pdf", headers=headers),
                                   "weasyprint": lambda: HTML(string=html).write_pdf()}, runs, block=5)


def add_quotes(app, account_id: int, admin_id: int, count: int) -> list[int]:
    """``count`` quotes of 5 lines each through the records service (so their totals are real)."""
    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User

    with app.test_request_context("/"):
        admin = session().get(User, admin_id)
        reg = runtime().registry
        ids = []
        for n in range(count):
            quote = records.create(reg.get("quotes"), {"title": f"일괄 견적 {n}", "account_id": account_id}, admin)
            for k in range(5):
                records.create(reg.get("quote_lines"), {"quote_id": quote["id"], "name": f"품목 {k} 规格",
                                                        "quantity": "2", "unit_price": "330000"}, admin)
            ids.append(quote["id"])
        session().commit()
        return ids


def batch_timings(app, admin_id: int, ids: list[int], pdf_count: int) -> dict:
    from flask import render_template
    from weasyprint import HTML

    from core.db import session
    from core.entities import records
    from core.runtime import runtime
    from core.security.models import User
    from plugins.quotes import output

    with app.test_request_context("/"):
        user = session().get(User, admin_id)
        ent = runtime().registry.get("quotes")
        start = time.perf_counter()
        quotes = [records.fetch(ent, i) for i in ids]
        docs = [output.print_context(q, user) for q in quotes]
        render_template("quotes/print_batch.html", for_pdf=True, docs=docs,
                        **{k: docs[0][k] for k in ("company", "currency", "lang")})
        html_s = time.perf_counter() - start
        some = docs[:pdf_count]
        pdf_html = render_template("quotes/print_batch.html", for_pdf=True,
                                   docs=some, **{k: some[0][k] for k in ("company", "currency", "lang")})
        start = time.perf_counter()
        pdf = output.render_batch_pdf(quotes[:pdf_count], user)
        batch_s = time.perf_counter() - start
    start = time.perf_counter()
    HTML(string=pdf_html).write_pdf(stylesheets=stylesheets(output.QUOTE_CSS))
    bare_s = time.perf_counter() - start
    return {"html_s": html_s, "batch_s": batch_s, "bare_s": bare_s, "pdf_bytes": len(pdf)}


def peak_rss_reset() -> None:
    """Start a new peak-RSS window (``VmHWM``) for this process (Linux: ``/proc/self/clear_refs``)."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def rss_mb(key: str = "VmHWM") -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def zip_timings(app, token: str, admin_id: int, ids: list[int], baseline_count: int) -> dict:
    """The batch print of ``ids`` as the product runs it - ``POST /api/v1/exports/quotes?format=pdf.zip&async=1``,
    then the export job (:func:`core.jobs.worker.run_pending`): one PDF per quote into a ZIP - with its peak RSS;
    and bare WeasyPrint writing the PDFs of ``baseline_count`` of them (every n-th) from the same HTML."""
    from weasyprint import HTML

    from core.db import session
    from core.entities import records
    from core.jobs.worker import run_pending
    from core.runtime import runtime
    from core.security.models import User
    from plugins.quotes import output

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    started = client.post("/api/v1/exports/quotes?format=pdf.zip&async=1&scope=selected", headers=headers,
                          data={"ids": ",".join(map(str, ids))})
    assert started.status_code == 202, started.get_json()
    rss_before = rss_mb("VmRSS")
    peak_rss_reset()
    start, start_cpu = time.perf_counter(), time.process_time()
    assert run_pending(app) == 1
    zip_s, zip_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    peak = rss_mb()
    done = client.get(f"/api/v1/exports/{started.get_json()['id']}", headers=headers).get_json()
    assert done["status"] == "done" and done["rows"] == len(ids), done
    size = len(client.get(done["download"], headers=headers).data)
    step = max(1, len(ids) // baseline_count)
    sample = ids[::step][:baseline_count]
    with app.test_request_context("/"):
        user = session().get(User, admin_id)
        ent = runtime().registry.get("quotes")
        pages = [output.render_html(records.fetch(ent, i), user, for_pdf=True) for i in sample]
    start, start_cpu = time.perf_counter(), time.process_time()
    for html in pages:
        HTML(string=html).write_pdf(stylesheets=stylesheets(output.QUOTE_CSS))
    bare_s, bare_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
    return {"zip_s": zip_s, "zip_cpu_s": zip_cpu_s, "count": len(ids), "peak_mb": peak, "rss_before_mb": rss_before,
            "zip_bytes": size, "bare_s": bare_s, "bare_cpu_s": bare_cpu_s, "bare_count": len(sample)}


def load_list_rows(app, rows: int, account_id: int, admin_id: int) -> None:
    """``rows`` quotes bulk-inserted straight into the table (numbers, statuses, dates, totals)."""
    table = app.extensions["plugcrm"].registry.get("quotes").table
    rnd = random.Random(16)
    statuses = [s for s, weight in STATUSES for _ in range(weight)]
    start = dt.date(2024, 1, 1)
    now = dt.datetime.now(dt.timezone.utc)
    batch = []
    engine = app.extensions["plugcrm"].engine
    with engine.begin() as conn:
        for n in range(rows):
            day = start + dt.timedelta(days=rnd.randint(0, 700))
            supply = Decimal(rnd.randint(1, 500)) * 100000
            batch.append({"number": f"Q-B-{n:07d}", "owner_id": admin_id, "title": f"견적 {n}", "account_id": account_id,
                          "status": rnd.choice(statuses), "quote_date": day, "valid_until": day + dt.timedelta(days=30),
                          "approval_status": "none", "supply_total": supply, "vat_total": supply / 10,
                          "total": supply * Decimal("1.1"), "currency": "KRW", "rounding": "per_line", "custom": {},
                          "search_text": f"q-b-{n:07d} | 견적 {n}", "version": 1, "created_at": now, "updated_at": now})
            if len(batch) == 5000:
                conn.execute(sa.insert(table), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(table), batch)


def load_account_rows(app, rows: int, admin_id: int) -> None:
    """``rows`` accounts as ``bench.list_bench`` fills them, for the accounts list measured beside the quotes'."""
    from bench.list_bench import load_accounts

    runtime = app.extensions["plugcrm"]
    load_accounts(runtime.engine, runtime.registry.get("accounts").table, rows, [admin_id])


def list_timings(app, token: str, runs: int) -> dict:
    """The quote list and the accounts list (``bench.list_bench``'s request), each against its raw SQL and a
    bare Flask route over it, all timed in turns in the same run."""
    from flask import Flask, jsonify

    from bench.list_bench import QUERY as ACCOUNTS_QUERY, raw_sql as accounts_raw_sql

    runtime = app.extensions["plugcrm"]
    cap = runtime.settings.list_count_cap
    live = "FROM quotes_quotes WHERE deleted_at IS NULL AND status = ?"
    sql = (f"SELECT *, (SELECT count(*) FROM (SELECT 1 {live} LIMIT {cap + 1}) AS capped) AS total "
           f"{live} ORDER BY quote_date DESC, id DESC LIMIT 20 OFFSET 40")
    raw = runtime.engine.raw_connection()
    cursor = raw.cursor()
    accounts_raw, accounts_connection = accounts_raw_sql(runtime.engine, cap)

    def raw_run():
        cursor.execute(sql, ("in_progress", "in_progress"))
        rows = cursor.fetchall()
        return rows, [d[0] for d in cursor.description]

    bare = Flask("bare")

    @bare.get("/quotes")
    def quotes():
        rows, names = raw_run()
        return jsonify({"data": [dict(zip(names, r)) for r in rows], "meta": {"total": rows[0][-1]}})

    @bare.get("/accounts")
    def accounts():
        rows, total, names = accounts_raw()
        return jsonify({"data": [dict(zip(names, r)) for r in rows], "meta": {"total": total}})

    client, bare_client = app.test_client(), bare.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get(f"/api/v1/quotes?{LIST_QUERY}", headers=headers)
    assert first.status_code == 200, first.get_json()
    rows, names = raw_run()
    assert [r[names.index("number")] for r in rows] == [q["number"] for q in first.get_json()["data"]], \
        "raw SQL and the endpoint disagree"
    first = client.get(f"/api/v1/accounts?{ACCOUNTS_QUERY}", headers=headers)
    rows, _total, names = accounts_raw()
    assert [r[names.index("number")] for r in rows] == [a["number"] for a in first.get_json()["data"]], \
        "raw SQL and the accounts endpoint disagree"
    calls = {"endpoint": lambda: client.get(f"/api/v1/quotes?{LIST_QUERY}", headers=headers),
             "bare_endpoint": lambda: bare_client.get("/quotes"), "raw": raw_run,
             "accounts_endpoint": lambda: client.get(f"/api/v1/accounts?{ACCOUNTS_QUERY}", headers=headers),
             "accounts_bare_endpoint": lambda: bare_client.get("/accounts"), "accounts_raw": accounts_raw}
    try:
        wall = interleaved_medians_ms(calls, runs)
        cpu = interleaved_medians_ms(calls, runs, clock=time.process_time)
        return {**wall, **{f"cpu_{name}": value for name, value in cpu.items()}}
    finally:
        raw.close()
        accounts_connection.close()


def list_rows(args, listing: dict) -> list[list[str]]:
    def row(label, prefix):
        endpoint, bare, raw = (listing[f"{prefix}endpoint"], listing[f"{prefix}bare_endpoint"], listing[f"{prefix}raw"])
        return [label, f"{endpoint:.2f} ms", f"bare Flask route over the same SQL: {bare:.2f} ms (raw SQL {raw:.2f} ms)",
                f"{endpoint / bare:.1f}× ({endpoint / raw:.1f}× raw)"]

    quotes = f"quote list at {args.rows:,} (`GET /api/v1/quotes?{LIST_QUERY}`)"
    accounts = f"accounts list at {args.rows:,}, same run (`GET /api/v1/accounts?status=vip&sort=name&page=3&per_page=20`)"
    return [row(quotes + ", wall", ""), row(accounts + ", wall", "accounts_"),
            row(quotes + ", CPU time", "cpu_"), row(accounts + ", CPU time", "cpu_accounts_")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="quotes in the list, and accounts (default 100,000)")
    parser.add_argument("--batch", type=int, default=1000, help="quotes rendered as one batch (default 1,000)")
    parser.add_argument("--pdf-batch", type=int, default=1000,
                        help="how many of them go into the one batch PDF (default all; WeasyPrint needs ~1 s a quote)")
    parser.add_argument("--runs", type=int, default=15, help="PDF runs (the list takes 20x as many)")
    parser.add_argument("--list-only", action="store_true", help="only the quote and accounts lists")
    parser.add_argument("--zip-only", action="store_true", help="only the batch print (a ZIP of one PDF per quote)")
    parser.add_argument("--count", type=int, default=1000, help="quotes in the batch print ZIP (default 1,000)")
    parser.add_argument("--baseline-count", type=int, default=100,
                        help="quotes bare WeasyPrint renders for the batch print's baseline (default 100)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        token, admin_id, quote_id, account_id = setup(app)
        batch_size = 0
        if args.zip_only:
            ids = add_quotes(app, account_id, admin_id, args.count)
            z = zip_timings(app, token, admin_id, ids, args.baseline_count)
            per, bare_per = z["zip_s"] * 1000 / z["count"], z["bare_s"] * 1000 / z["bare_count"]
            cpu_per, bare_cpu_per = z["zip_cpu_s"] * 1000 / z["count"], z["bare_cpu_s"] * 1000 / z["bare_count"]
            rows.append([f"batch print of {z['count']:,} quotes (5 lines each): `POST /api/v1/exports/quotes?"
                         "format=pdf.zip&async=1`, the export job writing one PDF per quote into a ZIP",
                         f"{z['zip_s']:.1f} s ({per:.0f} ms a quote; CPU {cpu_per:.0f} ms); peak RSS "
                         f"{z['peak_mb']:.0f} MB ({z['rss_before_mb']:.0f} MB before); ZIP {z['zip_bytes'] / 1e6:.1f} MB",
                         f"bare WeasyPrint on the same HTML, {z['bare_count']} of them: {bare_per:.0f} ms a quote "
                         f"(CPU {bare_cpu_per:.0f} ms)",
                         f"{per / bare_per:.2f}× wall, {cpu_per / bare_cpu_per:.2f}× CPU"])
            print(markdown_table(["what", "time", "baseline (same run)", "ratio"], rows))
            print(f"load average {os.getloadavg()[0]:.1f}")
            app.extensions["plugcrm"].engine.dispose()
            return
        if not args.list_only:
            pdf = pdf_timings(app, token, admin_id, quote_id, args.runs)
            print(f"PDF of a 30-line quote: {pdf['endpoint']:.0f} ms (WeasyPrint alone {pdf['weasyprint']:.0f} ms)",
                  flush=True)
            ids = add_quotes(app, account_id, admin_id, args.batch)
            batch_size = args.batch
            pdf_count = min(args.pdf_batch, args.batch)
            batch = batch_timings(app, admin_id, ids, pdf_count)
            print(f"{args.batch} quotes: HTML {batch['html_s']:.1f} s; {pdf_count} in one PDF {batch['batch_s']:.1f} s",
                  flush=True)
            rows += [
                ["PDF of a 30-line quote (`GET /api/v1/quotes/<id>/pdf`)", f"{pdf['endpoint']:.0f} ms",
                 f"WeasyPrint alone on the same HTML: {pdf['weasyprint']:.0f} ms",
                 f"{pdf['endpoint'] / pdf['weasyprint']:.2f}×"],
                [f"{args.batch:,} quotes (5 lines each): print HTML (reads + template)", f"{batch['html_s']:.1f} s "
                 f"({batch['html_s'] * 1000 / args.batch:.1f} ms each)", "", ""],
                [f"{pdf_count:,} of them in one PDF (`render_batch_pdf`)", f"{batch['batch_s']:.1f} s "
                 f"({batch['batch_s'] * 1000 / pdf_count:.0f} ms each)", f"WeasyPrint alone: {batch['bare_s']:.1f} s",
                 f"{batch['batch_s'] / batch['bare_s']:.2f}×"]]
        load_list_rows(app, args.rows - batch_size - 1, account_id, admin_id)
        load_account_rows(app, args.rows, admin_id)
        listing = list_timings(app, token, args.runs * 20)
        app.extensions["plugcrm"].engine.dispose()
    rows += list_rows(args, listing)
    table = markdown_table(["what", "time", "baseline (same run)", "ratio"], rows)
    print(table)
    print(f"load average {os.getloadavg()[0]:.1f}")
    if args.write_docs:
        body = (f"`python -m bench.quotes_bench --rows {args.rows} --batch {args.batch} --pdf-batch {pdf_count}` "
                "on SQLite, "
                f"{platform.machine()} ({platform.python_version()}), {dt.date.today().isoformat()}. "
                "The PDF endpoint's extra time over WeasyPrint is the permission check, the reads and the "
                "template; the list is measured as `bench.list_bench` measures accounts (the target: within "
                "2× a bare Flask route over the same SQL).\n\n" + table)
        write_docs_section("Quotes", body)


if __name__ == "__main__":
    main()

"""Public web-form endpoint: accepted submissions per second with gunicorn on PostgreSQL.

    python -m bench.webforms --database-url postgresql://postgres@127.0.0.1/plugcrm_wf_bench
    python -m bench.webforms --database-url ... --requests 500       # quicker, while developing
    python -m bench.webforms --database-url ... --write-docs         # update "Web forms" in docs/performance.md

Two gunicorn servers (same number of sync workers) take turns being loaded by ``--clients`` threads
posting the same Korean inquiry: plugcrm's ``POST /webforms/f/<key>`` (token, honeypot, rate-limit and
origin checks; the lead, its "web inquiry" activity, the handler's email job, the counters, the audit
entries, in one transaction) and the bare baseline (:mod:`bench.webforms_baseline`: a Flask route
parsing the form and INSERTing one row).  The form's limits are raised above the load so every
submission is accepted; the table gives submissions/s and latency of each and their ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import sqlalchemy as sa

from bench.common import markdown_table, write_docs_section

PLUGINS = ["customers", "products", "opportunities", "workflows", "leads", "webforms"]
SECRET = "bench-secret-key-for-webforms"
INQUIRY = {"name": "정하늘", "company": "(주)하늘소프트", "mobile": "010-2345-6701",
           "description": "그룹웨어 30인 견적을 받고 싶습니다. 연락 부탁드립니다."}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_plugcrm(url: str, instance: Path) -> str:
    """A fresh schema with an administrator, a handler and a form whose limits are above the load."""
    from core.app import create_app
    from core.config import Settings
    from core.db import metadata, session
    from core.migrate import install_defaults
    from core.security.models import User

    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.toml").write_text(
        f'secret_key = "{SECRET}"\nlanguage = "ko"\ndatabase_url = "{url}"\nembedded_worker = false\n'
        f'plugins = {PLUGINS!r}\n'.replace("'", '"'), encoding="utf-8")
    app = create_app(Settings(instance_path=instance, database_url=url, secret_key=SECRET, plugins=PLUGINS,
                              embedded_worker=False))
    runtime = app.extensions["plugcrm"]
    metadata.drop_all(runtime.engine)
    metadata.create_all(runtime.engine)
    install_defaults(runtime)
    with app.app_context():
        from plugins.webforms import services

        handler = User(email="handler@example.com", name="김담당", is_admin=True)
        handler.set_password("bench-password")
        session().add(handler)
        session().flush()
        form = services.save_form(None, {
            "name": "제품 문의", "handler_id": handler.id, "source": "web_form", "min_fill_seconds": 0,
            "rate_per_ip": 100000, "rate_per_form": 1000000,
            "fields": [{"field_name": "name", "kind": "text", "required": True},
                       {"field_name": "company", "kind": "text"}, {"field_name": "mobile", "kind": "text"},
                       {"field_name": "description", "kind": "textarea", "required": True}]}, handler)
        session().commit()
        key, token = form.public_key, services.issue_token(form)
    runtime.engine.dispose()
    return f"/webforms/f/{key}", token


def serve(target: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", target], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")


def load(port: int, path: str, body: dict, requests: int, clients: int) -> dict:
    """``requests`` POSTs from ``clients`` threads; submissions/s, latency percentiles, non-201 answers."""
    encoded = urllib.parse.urlencode(body).encode()
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    per_client = requests // clients

    def client(n: int):
        for i in range(per_client):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            conn.request("POST", path, body=encoded,
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "ko"})
            status = conn.getresponse().status
            elapsed = time.perf_counter() - start
            conn.close()
            with lock:
                latencies.append(elapsed * 1000)
                if status != 201:
                    failures.append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {"rate": len(latencies) / wall, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1], "failures": failures, "count": len(latencies)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database the benchmark may empty")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="turns each server takes (median reported)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    instance = Path(tempfile.mkdtemp(prefix="plugcrm-webforms-bench-"))
    path, token = prepare_plugcrm(args.database_url, instance)
    os.environ["BENCH_DATABASE_URL"] = args.database_url
    from bench import webforms_baseline

    webforms_baseline.create_table()
    webforms_baseline.engine.dispose()
    plugcrm, plugcrm_port = serve("core.wsgi:app", {"PLUGCRM_INSTANCE": str(instance)}, args.workers)
    bare, bare_port = serve("bench.webforms_baseline:app", {}, args.workers)
    results: dict[str, list[dict]] = {"plugcrm": [], "bare": []}
    try:
        load(plugcrm_port, path, {**INQUIRY, "_token": token}, args.clients * 5, args.clients)  # warm up
        load(bare_port, "/submit", {**INQUIRY, "email": "x@example.com"}, args.clients * 5, args.clients)
        for _ in range(args.rounds):
            results["plugcrm"].append(load(plugcrm_port, path, {**INQUIRY, "_token": token}, args.requests,
                                           args.clients))
            results["bare"].append(load(bare_port, "/submit", {**INQUIRY, "email": "x@example.com"}, args.requests,
                                        args.clients))
    finally:
        for process in (plugcrm, bare):
            process.terminate()
            process.wait(timeout=30)
    report(args, results, count_leads(args.database_url))


def count_leads(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        total = conn.scalar(sa.text("SELECT count(*) FROM leads_leads"))
    engine.dispose()
    return total


def report(args, results: dict, leads: int) -> None:
    def med(name, key):
        return statistics.median(r[key] for r in results[name])

    failures = {name: sum(len(r["failures"]) for r in runs) for name, runs in results.items()}
    rows = [["plugcrm `POST /webforms/f/<key>`", f"{med('plugcrm', 'rate'):.0f}", f"{med('plugcrm', 'p50'):.1f}",
             f"{med('plugcrm', 'p99'):.1f}", failures["plugcrm"], f"{med('bare', 'rate') / med('plugcrm', 'rate'):.1f}x"],
            ["bare Flask route, one INSERT", f"{med('bare', 'rate'):.0f}", f"{med('bare', 'p50'):.1f}",
             f"{med('bare', 'p99'):.1f}", failures["bare"], "1.0x"]]
    table = markdown_table(["endpoint", "submissions/s", "p50 ms", "p99 ms", "non-201", "slower by"], rows)
    body = (f"`python -m bench.webforms --database-url postgresql://... --requests {args.requests} "
            f"--clients {args.clients} --workers {args.workers}` on {platform.node()} "
            f"({os.cpu_count()} cores, shared with other work), {dt.date.today().isoformat()}: gunicorn with "
            f"{args.workers} sync workers per server on PostgreSQL, {args.clients} client threads, median of "
            f"{args.rounds} rounds of {args.requests} submissions each, the servers taking turns.\n\n{table}\n\n"
            f"Every plugcrm submission wrote a lead ({leads} in the table afterwards, warm-up included), its "
            "activity, the handler's email job, the form's counter and the audit entries in one transaction; "
            "the baseline writes one row. That is 17 SQL statements and a commit per submission (form, handler, "
            "fields, numbering, the lead and its re-read, audit, the activity with its visibility check, re-read and "
            "audit, the job, the submission link, the counter), so the time goes to database round trips. The form's rate limits were raised above the load for the run "
            "(defaults: 5 per minute per address, 60 per minute per form).")
    print(body)
    if args.write_docs:
        write_docs_section("Web forms", body)


if __name__ == "__main__":
    main()

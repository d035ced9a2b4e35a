"""CTI popup latency: a ring callback in, the popup event out of an agent's Server-Sent Events stream.

    python -m bench.cti_popup --database-url postgresql://postgres@127.0.0.1/plugcrm_cti_bench
    python -m bench.cti_popup --database-url ... --rings 50            # quicker, while developing
    python -m bench.cti_popup --database-url ... --write-docs          # update docs/performance.md

plugcrm runs under gunicorn with two worker processes (``core.gunicorn_conf``: gthread) on a database
the bench empties.  The agent's browser is stood in for by one SSE client on ``/cti_lg/stream``
(reconnecting with ``Last-Event-ID`` when the server ends the stream, as ``EventSource`` does); each
ring is a fresh connection to ``GET /cti_lg/ring/<secret>``, so gunicorn hands it to either worker and
about half the rings cross processes through PostgreSQL ``NOTIFY``.  Latency is from sending the ring
to reading the popup event (the caller's customer looked up as the agent, open receipts, activities).
The rings are sequential, ``--gap`` ms apart.

The baseline in the same run is the bare floor of the cross-process path: a raw ``INSERT`` plus
``pg_notify`` committed on one connection, received by a ``LISTEN``\\ ing connection (no HTTP, no
lookup).  The table gives p50 / p99 / max of each and the ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.common import markdown_table, write_docs_section

PLUGINS = ["customers", "cti_lg"]
SECRET_KEY = "bench-secret-key-for-cti"
RING_SECRET = "bench" + "x" * 59
HEADING = "CTI popups (ring → SSE event, 2 gunicorn workers, PostgreSQL)"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> str:
    server, name = url.rsplit("/", 1)
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url


def prepare(url: str, instance: Path) -> str:
    """Schema, an agent with a token on extension 101, a line whose callback secret is known, a customer."""
    from core.app import create_app
    from core.config import Settings
    from core.db import metadata, session
    from core.migrate import install_defaults
    from core.security.models import ApiToken, Role, User
    from plugins.cti_lg.models import Extension, Line

    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.toml").write_text(
        f'secret_key = "{SECRET_KEY}"\nlanguage = "ko"\ndatabase_url = "{url}"\nembedded_worker = false\n'
        f'plugins = {PLUGINS!r}\n'.replace("'", '"'), encoding="utf-8")
    app = create_app(Settings(instance_path=instance, database_url=url, secret_key=SECRET_KEY, plugins=PLUGINS,
                              embedded_worker=False))
    runtime = app.extensions["plugcrm"]
    metadata.create_all(runtime.engine)
    install_defaults(runtime)
    with app.app_context():
        agent = User(email="agent@example.com", name="김상담",
                     role_id=session().scalar(sa.select(Role.id).where(Role.name == "service")))
        agent.set_password("bench-password")
        session().add(agent)
        session().flush()
        token = ApiToken.issue(session(), agent, "bench")
        line = Line(number="07012345678", password_hash="", base_url="http://127.0.0.1:9/RestApi",
                    callback_key_hash=hashlib.sha256(RING_SECRET.encode()).hexdigest())
        session().add(line)
        session().flush()
        session().add(Extension(line_id=line.id, inner_num="101", user_id=agent.id))
        accounts = runtime.registry.entities["accounts"]
        session().execute(sa.insert(accounts.table).values(
            name="(주)해동통신", phone="02-808-8016", phone_norm="+8228088016", owner_id=agent.id, version=1,
            created_at=dt.datetime.now(dt.timezone.utc), updated_at=dt.datetime.now(dt.timezone.utc),
            search_text="해동통신", custom={}))
        session().commit()
    runtime.engine.dispose()
    return token


def serve(instance: Path, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "PLUGCRM_INSTANCE": str(instance), "PLUGCRM_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:core.gunicorn_conf", "-w", str(workers),
                                "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "core.wsgi:app"],
                               env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}")


class Listener(threading.Thread):
    """An SSE client that reconnects like EventSource and notes when each caller's event arrived."""

    def __init__(self, port: int, token: str):
        super().__init__(daemon=True)
        self.port, self.token = port, token
        self.arrived: list[float] = []
        self.last_id = ""
        self.ready = threading.Event()
        self.stopping = False
        self.reconnects = 0

    def run(self) -> None:
        while not self.stopping:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            conn.request("GET", "/cti_lg/stream", headers=headers)
            response = conn.getresponse()
            event_id, data = "", ""
            while True:
                line = response.fp.readline()
                if not line:
                    break
                text = line.decode("utf-8").rstrip("\n")
                if text.startswith("retry:"):
                    self.ready.set()
                elif text.startswith("id:"):
                    event_id = text[3:].strip()
                elif text.startswith("data:"):
                    data = text[5:].strip()
                elif text == "" and data:
                    json.loads(data)
                    self.arrived.append(time.perf_counter())
                    self.last_id, data = event_id, ""
            conn.close()
            self.reconnects += 1


def ring(port: int, caller: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/cti_lg/ring/{RING_SECRET}?sender={caller}&receiver=07012345678&kind=1&inner_num=101")
    status = conn.getresponse().status
    conn.close()
    return status


def wait_for(listener: Listener, count: int, timeout: float = 10.0) -> float | None:
    """When the ``count``-th event arrived (None: not within ``timeout``)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if len(listener.arrived) >= count:
            return listener.arrived[count - 1]
        time.sleep(0.0005)
    return None


def measure_plugcrm(port: int, token: str, rings: int, gap: float) -> dict:
    listener = Listener(port, token)
    listener.start()
    assert listener.ready.wait(30), "the stream did not open"
    latencies, lost = [], 0
    expected = len(listener.arrived)
    for _ in range(rings):
        start = time.perf_counter()
        assert ring(port, "028088016") == 200  # the customer's number: the popup finds the account
        expected += 1
        arrived = wait_for(listener, expected)
        if arrived is None:
            lost += 1
            expected = len(listener.arrived)
        else:
            latencies.append((arrived - start) * 1000)
        time.sleep(gap / 1000)
    listener.stopping = True
    return summary(latencies, lost) | {"reconnects": listener.reconnects}


def measure_bare(url: str, rings: int, gap: float) -> dict:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as setup:
        setup.execute("DROP TABLE IF EXISTS bench_bare_rings")
        setup.execute("CREATE TABLE bench_bare_rings (id serial PRIMARY KEY, caller text, at timestamptz)")
    arrived: dict[str, float] = {}
    ready = threading.Event()

    def listen():
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("LISTEN bench_bare")
            ready.set()
            for notify in conn.notifies():
                arrived[notify.payload] = time.perf_counter()
                if notify.payload == "stop":
                    return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait(10)
    latencies, lost = [], 0
    with psycopg.connect(dsn) as writer:
        for i in range(rings):
            caller = f"0280880{i:04d}"
            start = time.perf_counter()
            writer.execute("INSERT INTO bench_bare_rings (caller, at) VALUES (%s, now())", (caller,))
            writer.execute("SELECT pg_notify('bench_bare', %s)", (caller,))
            writer.commit()
            deadline = start + 10
            while caller not in arrived and time.perf_counter() < deadline:
                time.sleep(0.0005)
            if caller in arrived:
                latencies.append((arrived[caller] - start) * 1000)
            else:
                lost += 1
            time.sleep(gap / 1000)
        writer.execute("SELECT pg_notify('bench_bare', 'stop')")
        writer.commit()
    return summary(latencies, lost)


def summary(latencies: list[float], lost: int) -> dict:
    latencies.sort()
    return {"count": len(latencies), "lost": lost, "p50": statistics.median(latencies),
            "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)], "max": latencies[-1]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database the benchmark drops and creates")
    parser.add_argument("--rings", type=int, default=200)
    parser.add_argument("--gap", type=float, default=20.0, help="milliseconds between rings")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    url = fresh_database(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="plugcrm-cti-bench-"))
    token = prepare(url, workdir / "instance")
    process, port = serve(workdir / "instance", args.workers, workdir / "gunicorn.log")
    try:
        plugcrm = measure_plugcrm(port, token, args.rings, args.gap)
    finally:
        process.terminate()
        process.wait(30)
    bare = measure_bare(url, args.rings, args.gap)
    load = os.getloadavg()
    rows = [[f"plugcrm: ring callback → SSE popup, gunicorn {args.workers}×gthread", plugcrm["count"], plugcrm["lost"],
             f"{plugcrm['p50']:.1f}", f"{plugcrm['p99']:.1f}", f"{plugcrm['max']:.1f}",
             f"{plugcrm['p50'] / bare['p50']:.1f}×", f"{plugcrm['p99'] / bare['p99']:.1f}×"],
            ["bare: INSERT + pg_notify → LISTEN (psycopg)", bare["count"], bare["lost"], f"{bare['p50']:.2f}",
             f"{bare['p99']:.2f}", f"{bare['max']:.2f}", "1.0×", "1.0×"]]
    table = markdown_table(["path", "rings", "lost", "p50 ms", "p99 ms", "max ms", "p50 ratio", "p99 ratio"], rows)
    note = (f"{dt.date.today().isoformat()}, {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} while running; "
            f"{args.rings} sequential rings {args.gap:.0f} ms apart; the stream reconnected "
            f"{plugcrm['reconnects']} times (it ends every 25 s). Target: p99 < 200 ms.")
    print(table)
    print(note)
    if args.write_docs:
        body = (f"`python -m bench.cti_popup --database-url ...` ({__doc__.splitlines()[0]})\n\n{table}\n\n{note}\n")
        write_docs_section(HEADING, body)


if __name__ == "__main__":
    main()

"""The bare baseline of :mod:`bench.load`: Flask and hand-written SQL answering the same traffic mix.

``GET /accounts`` (a page of 20 newest with the total count), ``POST /accounts`` (insert),
``PATCH /accounts/<id>`` (update with a version bump): no auth, no permissions, no validation, no
audit, one connection per thread.  SQLite reads begin deferred and writes ``BEGIN IMMEDIATE``, as
plugcrm does.  ``BENCH_BASELINE_URL`` is ``sqlite:///path`` or ``postgresql://...``.

    BENCH_BASELINE_URL=sqlite:////tmp/b.db python -m bench.load_baseline --port 5001
    BENCH_BASELINE_URL=postgresql://... gunicorn -c python:core.gunicorn_conf 'bench.load_baseline:app'
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import threading

import psycopg
from flask import Flask, jsonify, request

URL = os.environ.get("BENCH_BASELINE_URL", "sqlite:///bench-baseline.db")
SQLITE = URL.startswith("sqlite")
SCHEMA = ("CREATE TABLE IF NOT EXISTS bench_accounts (id {id} PRIMARY KEY, name VARCHAR(200) NOT NULL, "
          "phone VARCHAR(40), status VARCHAR(20) NOT NULL, version INTEGER NOT NULL)")
PARAM = "?" if SQLITE else "%s"
app = Flask(__name__)
local = threading.local()


def connect(url: str = URL):
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split(":///", 1)[1], timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    return psycopg.connect(url)


def connection():
    if getattr(local, "conn", None) is None:
        local.conn = connect()
    return local.conn


def create_schema(url: str, accounts: list[tuple[str, str, str]]) -> None:
    """The table with ``accounts`` in it (the bench driver calls this before starting the server)."""
    sqlite = url.startswith("sqlite")
    conn = connect(url)
    if sqlite:
        conn.execute("BEGIN")
    conn.execute(SCHEMA.format(id="INTEGER" if sqlite else "BIGSERIAL"))
    conn.cursor().executemany("INSERT INTO bench_accounts (name, phone, status, version) VALUES "
                              + ("(?, ?, ?, 1)" if sqlite else "(%s, %s, %s, 1)"), accounts)
    conn.commit()
    conn.close()


def run(sql: str, params=(), *, write: bool):
    conn = connection()
    if SQLITE:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        rows = conn.execute(sql.replace("?", PARAM), params).fetchall()
        conn.commit()
        return rows
    except BaseException:
        conn.rollback()
        raise


@app.get("/accounts")
def list_accounts():
    rows = run("SELECT id, name, phone, status, version, (SELECT count(*) FROM bench_accounts) FROM bench_accounts "
               "ORDER BY id DESC LIMIT 20", write=False)
    return jsonify({"data": [{"id": r[0], "name": r[1], "phone": r[2], "status": r[3], "version": r[4]}
                             for r in rows], "meta": {"total": rows[0][5] if rows else 0}})


@app.post("/accounts")
def create_account():
    data = request.get_json()
    [(new_id,)] = run("INSERT INTO bench_accounts (name, phone, status, version) VALUES (?, ?, ?, 1) RETURNING id",
                      (data["name"], data.get("phone"), data.get("status", "normal")), write=True)
    return jsonify({"id": new_id, "version": 1}), 201


@app.patch("/accounts/<int:account_id>")
def update_account(account_id):
    data = request.get_json()
    rows = run("UPDATE bench_accounts SET phone = ?, version = version + 1 WHERE id = ? RETURNING version",
               (data.get("phone"), account_id), write=True)
    if not rows:
        return jsonify({"error": {"code": "not_found"}}), 404
    return jsonify({"id": account_id, "version": rows[0][0]})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5001)
    app.run(host="127.0.0.1", port=parser.parse_args().port, threaded=True, use_reloader=False)

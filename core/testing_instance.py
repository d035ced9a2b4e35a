"""A real plugcrm deployment for acceptance tests: the ``plugcrm`` command and a served HTTP port.

The in-process fixtures of :mod:`core.testing` cover almost everything; these
helpers exist for the few tests that must prove the product works the way an
implementer uses it: ``plugcrm init`` in an empty folder, ``plugcrm users token``,
``plugcrm plugins enable``, then ``plugcrm serve`` as its own process answering
real HTTP.

The database is SQLite inside the instance folder, or, when the suite runs on
PostgreSQL (``PLUGCRM_TEST_DATABASE_URL``), a fresh database named after the
test database plus a suffix, so an Alembic-migrated deployment never meets the
tables the in-process fixtures create.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from core.testing import TEST_DB_ENV, is_postgres

START_TIMEOUT = 60.0


def plugcrm_executable() -> str:
    """The ``plugcrm`` console script of the running interpreter's environment."""
    beside = Path(sys.executable).with_name("plugcrm")
    return str(beside) if beside.exists() else shutil.which("plugcrm") or "plugcrm"


def fresh_postgres_url(suffix: str) -> str:
    """Drop and create ``<test database>_<suffix>``; return its URL."""
    base = os.environ[TEST_DB_ENV]
    server, name = base.rsplit("/", 1)
    new_name = f"{name}_{suffix}"
    admin = sa.create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{new_name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{new_name}"')
    admin.dispose()
    return f"{server}/{new_name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_worker(env, *args) -> subprocess.Popen:
    """A ``plugcrm worker`` process; its log (stderr, a line per job) goes to a file, read by :func:`log_of`.

    Not a pipe: a worker logging 1,000 jobs fills a pipe nobody reads yet and blocks mid-transaction.
    """
    folder = Path(env["PLUGCRM_INSTANCE"]).parent
    log = tempfile.NamedTemporaryFile("w+", dir=folder, prefix="worker-", suffix=".log", delete=False)
    worker = subprocess.Popen([plugcrm_executable(), "worker", "--poll", "0.1", *args], env=env, stdout=subprocess.PIPE,
                              stderr=log, text=True, cwd=str(folder))
    worker.log_path = Path(log.name)
    log.close()
    return worker


def log_of(worker: subprocess.Popen) -> str:
    return worker.log_path.read_text()


def wait_until(condition, timeout=60.0):
    """Poll ``condition`` (a cheap database read) until true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


class CliInstance:
    """An instance folder driven through the real ``plugcrm`` command in subprocesses."""

    def __init__(self, path: Path, *, db_suffix: str = "cli"):
        self.path = Path(path)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PLUGCRM_PLUGINS", "DATABASE_URL", "PLUGCRM_PLUGINS_DIR", "PLUGCRM_SECRET_KEY")}
        self.env["PLUGCRM_INSTANCE"] = str(self.path)
        self.env["PYTHONUNBUFFERED"] = "1"
        if is_postgres():
            self.env["DATABASE_URL"] = fresh_postgres_url(db_suffix)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run ``plugcrm ARGS``; with ``check``, a non-zero exit fails with the command's output."""
        result = subprocess.run([plugcrm_executable(), *args], env=self.env, capture_output=True, text=True,
                                timeout=180)
        if check and result.returncode != 0:
            raise AssertionError(f"plugcrm {' '.join(args)} exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def start(self, *args: str, log_name: str) -> subprocess.Popen:
        """``plugcrm ARGS`` as a background process writing to ``<instance>/<log_name>`` (the caller ends it)."""
        log = open(self.path / log_name, "w", encoding="utf-8")
        process = subprocess.Popen([plugcrm_executable(), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return process

    def database_url(self) -> str:
        """The instance's database as a SQLAlchemy URL (for tests checking the end state)."""
        url = self.env.get("DATABASE_URL") or f"sqlite:///{self.path / 'plugcrm.db'}"
        return url.replace("postgresql://", "postgresql+psycopg://", 1)

    @contextlib.contextmanager
    def serve(self):
        """``plugcrm serve`` on a free port as its own process; yields the base URL."""
        port = free_port()
        log = open(self.path / f"serve-{port}.log", "w+", encoding="utf-8")
        process = subprocess.Popen([plugcrm_executable(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=self.env, stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base_url, process, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def wait_until_serving(base_url: str, process: subprocess.Popen, log) -> None:
    """Poll until the server answers (it prints its banner before the socket is bound)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"plugcrm serve exited {process.returncode}:\n{log.read()}")
        try:
            urllib.request.urlopen(base_url + "/api/v1/openapi.json", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # answering, even if with an error status
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"plugcrm serve did not answer on {base_url} within {START_TIMEOUT} s")


class HttpClient:
    """A tiny JSON-over-HTTP client (urllib) sending a bearer token; no test client, a real socket."""

    def __init__(self, base_url: str, token: str | None = None, language: str = "ko"):
        self.base_url = base_url
        self.token = token
        self.language = language

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> "HttpResponse":
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {"Accept": "application/json", "Accept-Language": self.language}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return HttpResponse(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, exc.read(), dict(exc.headers))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class HttpResponse:
    def __init__(self, status: int, raw: bytes, headers: dict):
        self.status_code = status
        self.raw = raw
        self.headers = headers

    @property
    def json(self):
        return json.loads(self.raw.decode("utf-8")) if self.raw else None

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    def __repr__(self):
        return f"<HttpResponse {self.status_code} {self.raw[:300]!r}>"

"""Imports under faults, with real processes: ``plugcrm worker`` and ``plugcrm serve`` killed with SIGKILL
mid-import, and two processes (``plugcrm import``, or two workers running two import jobs) importing the
same file at once with duplicate matching.

The instance uses short leases (``job_lease_seconds = 6``) and small chunks (``import_chunk_rows = 200``)
so a 3,000-row file is 15 chunks and a crashed import is taken over within seconds.  Each test checks the
end state row by row: every source row became exactly one record and one ``core_import_rows`` row, the
batch's counters equal those rows, and no batch is left ``running``.
"""
from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from core.testing_instance import CliInstance, free_port, wait_until_serving

ROWS = 3000
CHUNK_ROWS = 200
LEASE_SECONDS = 6
WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    inst = CliInstance(tmp_path_factory.mktemp("faults") / "instance", db_suffix="faults")
    inst.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-1", "--language", "ko")
    with open(inst.path / "config.toml", "a", encoding="utf-8") as fh:
        fh.write(f"job_lease_seconds = {LEASE_SECONDS}\nimport_chunk_rows = {CHUNK_ROWS}\njob_poll_seconds = 0.2\n")
    inst.token = inst.run("users", "token", "boss@example.co.kr").stdout.strip()
    return inst


@pytest.fixture(scope="module")
def database(instance):
    engine = sa.create_engine(instance.database_url())
    yield engine
    engine.dispose()


@pytest.fixture
def names():
    tag = uuid.uuid4().hex[:6]
    return [f"결함{tag}-{i:05d}" for i in range(ROWS)]


def csv_file(folder, names: list[str]):
    path = folder / f"accounts-{uuid.uuid4().hex[:6]}.csv"
    lines = ["Account name,Phone"] + [f"{n},02-{1000 + i % 9000}-{i % 10000:04d}" for i, n in enumerate(names)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def post_file(base_url: str, token: str, path, query: str = "") -> tuple[int, bytes]:
    """POST the file as multipart/form-data to ``/api/v1/imports/accounts``."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base_url}/api/v1/imports/accounts{query}", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def serving(instance, *args: str) -> tuple[subprocess.Popen, str]:
    """``plugcrm serve ARGS`` on a free port, answering; the process and its base URL."""
    port = free_port()
    process = instance.start("serve", "--host", "127.0.0.1", "--port", str(port), *args, log_name=f"serve-{port}.log")
    base_url = f"http://127.0.0.1:{port}"
    with open(instance.path / f"serve-{port}.log", encoding="utf-8") as log:
        wait_until_serving(base_url, process, log)
    return process, base_url


def wait_until(condition, what: str):
    """Poll ``condition()`` until it is true (the processes under test decide when), failing after a bound."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def batch_row(database, batch_id: int):
    with database.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM core_imports WHERE id = :id"), {"id": batch_id}).mappings().one()


def latest_batch(database, file_name: str):
    with database.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM core_imports WHERE file_name = :f ORDER BY id DESC"),
                            {"f": file_name}).mappings().first()


def job_row(database, job_id: int):
    with database.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM core_jobs WHERE id = :id"), {"id": job_id}).mappings().one()


def kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except Exception:
        process.kill()
        process.wait()


def stored_accounts(database, names: list[str]) -> list[tuple[int, str]]:
    prefix = names[0].rsplit("-", 1)[0] + "-%"
    with database.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT id, name FROM customers_accounts WHERE name LIKE :p"),
                                               {"p": prefix})]


def import_rows(database, batch_id: int) -> list:
    with database.connect() as conn:
        return conn.execute(sa.text("SELECT row_number, action, record_id FROM core_import_rows "
                                    "WHERE batch_id = :id ORDER BY row_number"), {"id": batch_id}).all()


def assert_each_row_once(database, batch_id: int, names: list[str]) -> None:
    """Done; one record per source row, one created import row per record, counters equal to the rows."""
    batch = batch_row(database, batch_id)
    assert (batch["status"], batch["done"], batch["total"]) == ("done", ROWS, ROWS), dict(batch)
    accounts = stored_accounts(database, names)
    assert sorted(name for _id, name in accounts) == sorted(names)  # each name exactly once
    rows = import_rows(database, batch_id)
    assert [r.row_number for r in rows] == list(range(2, ROWS + 2))  # each file row exactly once
    assert {r.action for r in rows} == {"created"}
    assert sorted(r.record_id for r in rows) == sorted(record_id for record_id, _name in accounts)
    assert (batch["created"], batch["updated"], batch["skipped"], batch["rejected"]) == (ROWS, 0, 0, 0)
    job = job_row(database, batch["job_id"])
    assert job["status"] == "done" and job["locked_by"] is None


def killed_mid_import(database, process, batch_id_of) -> dict:
    """Wait until a few chunks are committed, SIGKILL ``process``, and return the batch as the crash left it."""
    wait_until(lambda: (batch_id_of() and (batch_row(database, batch_id_of())["done"] or 0) >= 2 * CHUNK_ROWS),
               "two committed chunks")
    kill(process)
    batch = batch_row(database, batch_id_of())
    assert batch["status"] == "running" and 0 < batch["done"] < ROWS, dict(batch)
    rows = import_rows(database, batch["id"])
    assert len(rows) == batch["created"] == batch["done"]  # counters and rows agree at the checkpoint
    return dict(batch)


def test_a_worker_killed_mid_import_is_resumed_from_its_checkpoint(instance, database, names, tmp_path):
    source = csv_file(tmp_path, names)
    web, base_url = serving(instance, "--no-worker")
    try:
        status, body = post_file(base_url, instance.token, source, "?async=1")
        assert status == 202, body
    finally:
        stop(web)
    batch_id = latest_batch(database, source.name)["id"]
    first = instance.start("worker", "--poll", "0.2", log_name="worker-1.log")
    crashed = killed_mid_import(database, first, lambda: batch_id)

    second = instance.start("worker", "--poll", "0.2", log_name="worker-2.log")
    try:
        wait_until(lambda: job_row(database, crashed["job_id"])["status"] == "done", "the resumed import's job")
    finally:
        stop(second)
    assert_each_row_once(database, batch_id, names)
    assert job_row(database, crashed["job_id"])["attempts"] == 2
    assert crashed["done"] % CHUNK_ROWS == 0


def test_the_web_process_killed_mid_inline_import_is_resumed(instance, database, names, tmp_path):
    source = csv_file(tmp_path, names)
    assert source.stat().st_size < 256 * 1024  # imported within the request
    web, base_url = serving(instance, "--no-worker")
    answers = []
    request = threading.Thread(target=lambda: answers.append(_safe_post(base_url, instance.token, source)))
    request.start()
    try:
        crashed = killed_mid_import(database, web, lambda: (latest_batch(database, source.name) or {}).get("id"))
    finally:
        request.join(timeout=WAIT_SECONDS)
    assert answers == ["no answer"]  # the request died with its process
    job = job_row(database, crashed["job_id"])
    assert job["status"] == "running" and job["locked_by"].startswith("inline@")

    restarted, _url = serving(instance)  # with its embedded worker
    try:
        wait_until(lambda: job_row(database, crashed["job_id"])["status"] == "done", "the resumed import's job")
    finally:
        stop(restarted)
    assert_each_row_once(database, crashed["id"], names)


def _safe_post(base_url, token, source):
    try:
        return post_file(base_url, token, source)
    except OSError:
        return "no answer"


def test_two_processes_importing_one_file_with_name_matching_create_each_name_once(instance, database, names,
                                                                                    tmp_path):
    source = csv_file(tmp_path, names)
    runs = [instance.start("import", "accounts", str(source), "--match", "name", "--on-duplicate", "skip",
                           log_name=f"import-{i}.log") for i in (1, 2)]
    for process in runs:
        assert process.wait(timeout=WAIT_SECONDS * 2) == 0, (instance.path / "import-1.log").read_text()
    assert_each_name_once_over_two_imports(database, source.name, names)


def test_two_workers_running_two_imports_of_one_file_with_name_matching_create_each_name_once(
        instance, database, names, tmp_path):
    source = csv_file(tmp_path, names)
    web, base_url = serving(instance, "--no-worker")
    try:
        for _ in (1, 2):
            status, body = post_file(base_url, instance.token, source, "?async=1&match=name&on_duplicate=skip")
            assert status == 202, body
    finally:
        stop(web)
    workers = [instance.start("worker", "--poll", "0.2", log_name=f"worker-pair-{i}.log") for i in (1, 2)]
    try:
        wait_until(lambda: all(b["status"] == "done" for b in batches_of(database, source.name)), "both imports")
    finally:
        for worker in workers:
            stop(worker)
    assert_each_name_once_over_two_imports(database, source.name, names)


def batches_of(database, file_name: str) -> list:
    with database.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM core_imports WHERE file_name = :f"), {"f": file_name}).mappings().all()


def assert_each_name_once_over_two_imports(database, file_name: str, names: list[str]) -> None:
    """No duplicates; between them the two imports created each name once and skipped the rest."""
    accounts = stored_accounts(database, names)
    assert sorted(name for _id, name in accounts) == sorted(names)
    batches = batches_of(database, file_name)
    assert len(batches) == 2 and {b["status"] for b in batches} == {"done"}
    assert sum(b["created"] for b in batches) == ROWS
    created_ids = []
    for batch in batches:
        assert batch["created"] + batch["skipped"] == ROWS and batch["rejected"] == 0
        rows = import_rows(database, batch["id"])
        assert len(rows) == batch["created"] and {r.action for r in rows} <= {"created"}
        created_ids += [r.record_id for r in rows]
    assert sorted(created_ids) == sorted(record_id for record_id, _name in accounts)

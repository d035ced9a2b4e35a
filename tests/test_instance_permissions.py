"""Finding 16: the instance's folders are 0700 and its SQLite database 0600, whatever the umask."""
from __future__ import annotations

import os
import stat

import pytest

from core.testing import ApiClient, make_user
from core.testing_instance import CliInstance


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_plugcrm_init_makes_a_private_instance(tmp_path, permissive_umask):
    instance = CliInstance(tmp_path / "inst", db_suffix="perm")
    instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "boss-pass-12")
    assert mode(instance.path) == 0o700
    assert mode(instance.path / "config.toml") == 0o600
    database = instance.path / "plugcrm.db"
    if database.exists():  # SQLite (the PostgreSQL run keeps its data in the server)
        assert mode(database) == 0o600


def test_folders_for_uploads_exports_and_mail_are_private(crm_app_factory, tmp_path, permissive_umask):
    app = crm_app_factory(plugins=["customers"], instance_path=tmp_path / "private")
    api = ApiClient(app.test_client(), make_user(app, "admin@example.com", admin=True)[1])
    account = api.post("/api/v1/accounts", json={"name": "해동통신"}).json
    uploaded = api.post(f"/api/v1/accounts/{account['id']}/attachments",
                        data={"file": (__import__("io").BytesIO(b"hello"), "memo.txt")},
                        content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.json
    root = tmp_path / "private"
    assert mode(root) == 0o700
    folders = [p for p in (root / "attachments").rglob("*") if p.is_dir()] + [root / "attachments"]
    assert folders and all(mode(p) == 0o700 for p in folders)


def test_a_new_sqlite_database_file_is_private(tmp_path, permissive_umask):
    from core.db import make_engine

    path = tmp_path / "new.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert mode(path) == 0o600


def test_an_older_world_readable_instance_is_tightened_at_start(crm_app_factory, tmp_path, permissive_umask):
    folder = tmp_path / "older"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    crm_app_factory(plugins=["customers"], instance_path=folder)
    assert mode(folder) == 0o700

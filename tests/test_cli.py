"""The ``plugcrm`` command as an implementer uses it: real subprocesses on an empty instance folder."""
from __future__ import annotations

import re
import textwrap
import tomllib

import pytest

from core.testing_instance import CliInstance

PASSWORD = "s3cret-pass!"


@pytest.fixture
def instance(tmp_path):
    inst = CliInstance(tmp_path / "instance")
    inst.run("init", "--admin-email", "Boss@Example.co.kr", "--admin-password", PASSWORD, "--language", "ko")
    return inst


def write_plugin(folder, name, depends=()):
    path = folder / name
    path.mkdir(parents=True)
    (path / "__init__.py").write_text(textwrap.dedent(f"""
        from core.plugins import Manifest
        manifest = Manifest(name={name!r}, version="1.0", label={name!r}, depends={tuple(depends)!r})
    """), encoding="utf-8")


def test_init_creates_config_with_secret_database_and_admin(tmp_path, instance):
    config_file = instance.path / "config.toml"
    config = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert len(config["secret_key"]) >= 40 and config["language"] == "ko"
    assert config_file.stat().st_mode & 0o077 == 0  # the secret key is not world-readable
    again = instance.run("init", "--admin-email", "boss@example.co.kr", "--admin-password", "another-pass1")
    assert "already existed, unchanged" in again.stdout
    assert tomllib.loads(config_file.read_text(encoding="utf-8"))["secret_key"] == config["secret_key"]
    other = CliInstance(tmp_path / "other", db_suffix="cli_other")
    short = other.run("init", "--admin-email", "a@example.com", "--admin-password", "short", check=False)
    assert short.returncode != 0 and "At least 10 characters" in short.stderr


def test_users_create_and_token(instance):
    created = instance.run("users", "create", "rep@example.com", "--password", "rep-pass-1", "--role", "sales")
    assert "rep@example.com" in created.stdout
    duplicate = instance.run("users", "create", "REP@example.com", "--password", "rep-pass-1", check=False)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    bad_role = instance.run("users", "create", "x@example.com", "--password", "xxxx-xxxx-xx", "--role", "nobody",
                            check=False)
    assert bad_role.returncode == 1 and "nobody" in bad_role.stderr

    token = instance.run("users", "token", "boss@example.co.kr")
    assert re.fullmatch(r"[A-Za-z0-9_\-\.]{20,}\n", token.stdout), token.stdout  # the token and nothing else
    assert token.stderr == ""
    second = instance.run("users", "token", "boss@example.co.kr").stdout
    assert second != token.stdout
    missing = instance.run("users", "token", "ghost@example.com", check=False)
    assert missing.returncode == 1 and missing.stdout == "" and "ghost@example.com" in missing.stderr


def test_plugins_list_enable_disable_with_dependencies(tmp_path, instance):
    loose = tmp_path / "loose"
    write_plugin(loose, "visit_log", depends=["customers"])
    write_plugin(loose, "needs_quotes", depends=["quotes_pro"])
    cli = ("--plugins-dir", str(loose))

    listing = instance.run(*cli, "plugins", "list").stdout
    assert re.search(r"^\[on \] customers\b", listing, re.M)
    assert re.search(r"^\[off\] visit_log\b.*needs customers", listing, re.M)

    refused = instance.run(*cli, "plugins", "enable", "needs_quotes", check=False)
    assert refused.returncode == 1 and "quotes_pro" in refused.stderr
    unknown = instance.run(*cli, "plugins", "enable", "nothing_here", check=False)
    assert unknown.returncode == 1 and "nothing_here" in unknown.stderr

    assert "Enabled visit_log" in instance.run(*cli, "plugins", "enable", "visit_log").stdout
    assert re.search(r"^\[on \] visit_log\b", instance.run(*cli, "plugins", "list").stdout, re.M)
    blocked = instance.run(*cli, "plugins", "disable", "customers", check=False)
    assert blocked.returncode == 1 and "visit_log" in blocked.stderr
    assert re.search(r"^\[on \] customers\b", instance.run(*cli, "plugins", "list").stdout, re.M)

    assert "Disabled visit_log" in instance.run(*cli, "plugins", "disable", "visit_log").stdout
    assert re.search(r"^\[off\] visit_log\b", instance.run(*cli, "plugins", "list").stdout, re.M)
    not_on = instance.run(*cli, "plugins", "disable", "visit_log", check=False)
    assert not_on.returncode == 1 and "not enabled" in not_on.stderr


def test_demo_a_second_time_says_the_data_is_there_and_exits_0(tmp_path):
    """The README's `plugcrm demo && plugcrm serve` works every time, not only on an empty instance."""
    import sqlalchemy as sa

    inst = CliInstance(tmp_path / "demo", db_suffix="cli_demo")
    assert "Demo data loaded" in inst.run("demo", "--language", "ko").stdout
    url = inst.env.get("DATABASE_URL") or f"sqlite:///{inst.path / 'plugcrm.db'}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        accounts = conn.scalar(sa.text("SELECT count(*) FROM customers_accounts"))
    again = inst.run("demo", "--language", "ko", check=False)
    assert again.returncode == 0, again.stderr
    assert "이미 데이터" in again.stdout and "Demo data loaded" not in again.stdout
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM customers_accounts")) == accounts > 0
    engine.dispose()

"""pytest fixtures for plugcrm and for plugin authors (registered as a pytest plugin).

* ``crm_app_factory(plugins=[...], plugins_dir=None, **settings)`` builds an app
  with exactly those plugins on a clean database;
* ``crm_app``: the built-in default plugins;
* ``crm_admin`` / ``crm_api``: an administrator and an API client with their token;
* ``crm_clock``: the application clock (:mod:`core.clock`) frozen at 2026-03-02 00:00 UTC
  (09:00 in Seoul); ``crm_clock.set_now(moment)`` and ``crm_clock.advance(days=1)`` move it, and
  everything time-based (``core.plugin_api.today()``/``now()``, numbering years, jobs) follows;
* :func:`core.testing_route_leaks.check_route_leaks` runs the route-leak check on a plugin's routes.

The database is SQLite in a temporary folder, or PostgreSQL when
``PLUGCRM_TEST_DATABASE_URL`` is set (``.ci/run`` runs the suite both ways).  The tables of an
enabled plugin that is not part of the plugcrm package (a third-party plugin under test) are made
by its own Alembic migrations, once per test database, so its tests prove its migration; the
in-tree plugins' tables come from the metadata (``tests/test_migrations.py`` checks that their
migrations make the same schema), which keeps the suite fast.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest
import sqlalchemy as sa

from core.db import metadata
from core.testing_browser import chromium  # noqa: F401  (the session's one Chromium, for every test directory)

TEST_DB_ENV = "PLUGCRM_TEST_DATABASE_URL"


def is_postgres() -> bool:
    return os.environ.get(TEST_DB_ENV, "").startswith("postgres")


def pytest_configure(config):
    """Under pytest-xdist each worker gets its own PostgreSQL database, ``<test database>_<worker id>``
    (created when missing), so workers never truncate each other's tables. Set before any test runs,
    so every helper that reads ``PLUGCRM_TEST_DATABASE_URL`` sees the worker's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not (worker and is_postgres()):
        return
    server, name = os.environ[TEST_DB_ENV].rsplit("/", 1)
    worker_name = f"{name}_{worker}"
    admin = sa.create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (worker_name,)).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{worker_name}"')
    admin.dispose()
    os.environ[TEST_DB_ENV] = f"{server}/{worker_name}"
def fresh_postgres_database(suffix: str = "migrations") -> str:
    """An empty PostgreSQL database beside the test database, named after it and ``suffix`` (parallel runs
    with their own databases do not share it); for migration tests, which must start from nothing."""
    url = sa.engine.make_url(os.environ[TEST_DB_ENV])
    name = f"{url.database}_{suffix}"[:63]
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg", database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def reset_database(engine: sa.Engine, migrated: frozenset[str] = frozenset()) -> None:
    """Create missing tables and empty every table, so each test starts from nothing.

    Tables named in ``migrated`` are made by their plugin's migrations (:func:`migrate_plugins`),
    not here."""
    metadata.create_all(engine, tables=[t for t in metadata.sorted_tables if t.name not in migrated])
    existing = set(sa.inspect(engine).get_table_names())
    names = [t.name for t in metadata.sorted_tables if t.name in existing]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
        else:
            for name in reversed(names):
                conn.exec_driver_sql(f'DELETE FROM "{name}"')


class ApiClient:
    """A Flask test client that sends a bearer token and speaks JSON."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token

    def _call(self, method, url, json=None, headers=None, **kwargs):
        all_headers = {"Authorization": f"Bearer {self.token}"}
        all_headers.update(headers or {})
        return self.client.open(url, method=method, json=json, headers=all_headers, **kwargs)

    def get(self, url, **kw):
        return self._call("GET", url, **kw)

    def post(self, url, json=None, **kw):
        return self._call("POST", url, json=json, **kw)

    def patch(self, url, json=None, **kw):
        return self._call("PATCH", url, json=json, **kw)

    def put(self, url, json=None, **kw):
        return self._call("PUT", url, json=json, **kw)

    def delete(self, url, **kw):
        return self._call("DELETE", url, **kw)


def crashing_on_call(real, call_number: int, message: str = "the worker went away"):
    """``real`` wrapped to raise ``RuntimeError(message)`` on its ``call_number``-th call (a worker dying
    mid-job, for retry tests); every other call goes through."""
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call_number:
            raise RuntimeError(message)
        return real(*args, **kwargs)

    return wrapper


def make_user(app, email: str, *, admin: bool = False, role: str | None = None, name: str | None = None,
              password: str = "password123"):
    """Create a user (optionally in a role by name) and return ``(user_id, token)``."""
    from core.db import session
    from core.security.models import ApiToken, Role, User

    with app.app_context():
        user = User(email=email, name=name or email.split("@")[0], is_admin=admin)
        user.set_password(password)
        if role:
            user.role_id = session().scalar(sa.select(Role.id).where(Role.name == role))
            if user.role_id is None:
                raise ValueError(f"no role {role!r}")
        session().add(user)
        session().flush()
        token = ApiToken.issue(session(), user, "test")
        session().commit()
        return user.id, token


MIGRATED: dict[tuple[str, str], str] = {}  # (database, plugin) -> the head its migrations reached here


def third_party(info) -> bool:
    """A plugin outside the plugcrm package (its module is not ``plugins.*``)."""
    return not info.module.__name__.startswith("plugins.")


def plugin_tables(runtime, plugin: str) -> set[str]:
    prefix = f"{plugin}_"
    return {t.name for t in metadata.sorted_tables if t.name.startswith(prefix)} | {
        e.table_name for e in runtime.registry.entities.values() if e.plugin == plugin}


def migrate_plugins(runtime) -> frozenset[str]:
    """Run the Alembic migrations of every enabled third-party plugin, once per test database and
    head; return the names of the tables they own.  The core and in-tree branches (made from the
    metadata) are stamped first, so Alembic runs only the plugin's own revisions."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from core import search_index
    from core.migrate import alembic_config, ensure_search_indexes, plugin_migration_dirs

    dirs = plugin_migration_dirs(runtime.plugins)
    plugins = [info.name for info in runtime.plugins.enabled if third_party(info) and info.name in dirs]
    owned = frozenset(name for plugin in plugins for name in plugin_tables(runtime, plugin))
    url = runtime.engine.url.render_as_string(hide_password=False)
    if all(MIGRATED.get((url, plugin)) for plugin in plugins):  # nothing new (the in-tree suite: no plugin)
        return owned
    with runtime.engine.begin() as conn:
        cfg = alembic_config(runtime, conn)
        script = ScriptDirectory.from_config(cfg)
        for plugin in plugins:
            head = script.get_revisions(f"{plugin}@head")[0].revision
            if MIGRATED.get((url, plugin)) == head:
                continue
            existing = set(sa.inspect(conn).get_table_names())
            for table in plugin_tables(runtime, plugin) & existing:  # from an earlier session or revision
                search_index.drop(conn, table)
                conn.exec_driver_sql(f'DROP TABLE "{table}"' + (" CASCADE" if conn.dialect.name == "postgresql" else ""))
            metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t.name not in owned])
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            labels = {label for rev in script.walk_revisions() for label in rev.branch_labels or ()}
            for branch in ["core"] + [i.name for i in runtime.plugins.enabled
                                      if not third_party(i) and i.name in labels]:
                command.stamp(cfg, f"{branch}@head")
            command.upgrade(cfg, f"{plugin}@head")
            ensure_search_indexes(runtime, conn)
            MIGRATED[(url, plugin)] = head
    return owned


@pytest.fixture(scope="session")
def crm_database_url(tmp_path_factory):
    return os.environ.get(TEST_DB_ENV) or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture
def crm_app_factory(crm_database_url, tmp_path):
    """Build apps with chosen plugins on a clean test database."""
    from core.app import create_app
    from core.config import Settings

    engines = []

    def factory(plugins: list[str] | None = None, **settings):
        settings.setdefault("instance_path", tmp_path / "instance")
        app = create_app(Settings(database_url=crm_database_url, testing=True, plugins=plugins,
                                  embedded_worker=False, **settings))
        runtime = app.extensions["plugcrm"]
        engines.append(runtime.engine)
        migrated = migrate_plugins(runtime)
        if len(engines) == 1:
            reset_database(runtime.engine, migrated)
        else:
            metadata.create_all(runtime.engine, tables=[t for t in metadata.sorted_tables if t.name not in migrated])
        from core.migrate import install_defaults
        install_defaults(runtime)
        return app

    yield factory
    for engine in engines:
        engine.dispose()


@pytest.fixture
def crm_app(crm_app_factory):
    return crm_app_factory()


@pytest.fixture
def crm_admin(crm_app):
    return make_user(crm_app, "admin@example.com", admin=True, name="관리자")


@pytest.fixture
def crm_api(crm_app, crm_admin) -> ApiClient:
    return ApiClient(crm_app.test_client(), crm_admin[1])


@pytest.fixture
def crm_clock():
    """The application clock (:mod:`core.clock`) frozen at a fixed moment; ``crm_clock.advance(hours=1)``.

    Reset to the real time after the test.
    """
    import datetime as dt

    from core import clock

    clock.set_now(dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.timezone.utc))
    yield clock
    clock.reset()


class SmtpTestServer:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives.

    ``messages`` holds parsed :class:`email.message.EmailMessage` objects,
    ``envelopes`` the raw envelopes; ``stop()`` / ``start()`` take it down and
    bring it back on the same port; ``settings()`` is the ``smtp`` settings dict
    that points plugcrm at it.  With ``username``/``password`` it requires AUTH.
    ``hold()`` makes it keep each message it receives but not answer the DATA
    command (a hanging server) until ``let_go()``; ``wait_for(n)`` waits until it
    has received ``n`` messages.
    """

    def __init__(self, username: str | None = None, password: str | None = None, tls: str | None = None,
                 cert_dir=None):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self.username, self.password = username, password
        self.tls = tls  # None, "starttls" (required before MAIL) or "ssl" (implicit TLS)
        self.cert_file = self.key_file = None
        if tls:
            self.cert_file, self.key_file = self_signed_certificate(cert_dir, self.host)
        self.messages: list = []
        self.envelopes: list = []
        self.controller = None
        self.answering = threading.Event()
        self.answering.set()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.username
              and auth_data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        while not self.answering.is_set():
            await asyncio.sleep(0.02)
        return "250 OK"

    def hold(self) -> None:
        self.answering.clear()

    def let_go(self) -> None:
        self.answering.set()

    def wait_for(self, count: int, timeout: float = 60.0) -> list:
        """The messages once at least ``count`` have arrived; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived in {timeout} s"
            time.sleep(0.02)
        return self.messages

    def start(self) -> "SmtpTestServer":
        from aiosmtpd.controller import Controller

        kwargs = {"enable_SMTPUTF8": True}
        if self.username:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=self.tls == "starttls")
        if self.tls:
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert_file, self.key_file)
            if self.tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        self.controller = Controller(self, hostname=self.host, port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        smtp = {"host": self.host, "port": self.port, "security": self.tls or "none",
                "from_address": "crm@example.com"}
        if self.tls:
            smtp["ca_file"] = str(self.cert_file)
        if self.username:
            smtp.update(username=self.username, password=self.password)
        return smtp


def self_signed_certificate(folder, host: str):
    """A throw-away certificate for ``host`` (an IP address) made with the openssl command."""
    import subprocess
    import tempfile
    from pathlib import Path

    folder = Path(folder or tempfile.mkdtemp(prefix="plugcrm-tls-"))
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={host}",
                    "-addext", f"subjectAltName=IP:{host}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def smtp_server():
    """A running :class:`SmtpTestServer`; build the app with ``crm_app_factory(smtp=smtp_server.settings())``."""
    server = SmtpTestServer().start()
    yield server
    server.stop()


class Team(dict):
    """API clients for a small organisation, each user made on first use (hashing passwords is slow).

    ``team["rep"]`` is a sales rep, ``"peer"`` another rep, ``"manager"`` their
    manager, ``"service"`` someone in another branch, ``"admin"`` an
    administrator, ``"nobody"`` a user without a role; ``team["app"]`` is the app.
    """

    PEOPLE = {"admin": dict(admin=True, name="관리자"), "manager": dict(role="manager", name="박팀장"),
              "rep": dict(role="sales", name="김영업"), "peer": dict(role="sales", name="이영업"),
              "service": dict(role="service", name="최서비스"), "nobody": dict(name="무소속")}

    def __missing__(self, who):
        if who not in self.PEOPLE:
            raise KeyError(who)
        _user_id, token = make_user(self["app"], f"{who}@example.com", **self.PEOPLE[who])
        self[who] = ApiClient(self["app"].test_client(), token)
        return self[who]


@pytest.fixture
def crm_team(crm_app):
    """A :class:`Team` on the default app."""
    return Team(app=crm_app)


def schema_differences(app, plugin: str) -> list:
    """What Alembic's autogenerate would still change in ``plugin``'s tables after its migrations ran
    in the test database: an empty list means its migrations make exactly what its entities declare
    (a plugin's test: ``assert schema_differences(app, "my_plugin") == []``)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.search_index import is_search_index_object

    prefix = f"{plugin}_"

    def include(obj, name, type_, reflected, compare_to):
        if is_search_index_object(obj, name, type_):
            return False
        table = obj.table.name if type_ in ("column", "index", "unique_constraint", "foreign_key_constraint") else name
        return table is not None and table.startswith(prefix)

    with app.extensions["plugcrm"].engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
        return compare_metadata(context, metadata)

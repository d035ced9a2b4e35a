"""Engine, metadata, sessions.

Every code path (request, CLI, worker job) runs inside a Flask app context and
uses :func:`session` - one session per context, closed at teardown.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import threading
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.instance_files import private_file

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Set by :func:`reading_only`: transactions begun meanwhile only read (SQLite: deferred).
_READING_ONLY = contextvars.ContextVar("plugcrm_reading_only", default=False)
#: Driver messages of errors a retry may cure (besides those SQLAlchemy already flags as disconnects).
RETRYABLE_MESSAGES = ("database is locked", "terminating connection", "server closed the connection",
                      "connection is closed", "could not connect", "the database system is")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


metadata = Base.metadata


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware datetimes stored in UTC on every database."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Money(sa.types.TypeDecorator):
    """Decimal amounts with two places (KRW simply has .00); never float."""

    impl = sa.Numeric(18, 2)
    cache_ok = True

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def json_type():
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database))  # before SQLite creates it world-readable (its -wal/-shm follow it)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # We emit BEGIN ourselves (see sqlite_begin).
            dbapi_conn.isolation_level = None

        gate = WriteGate(engine)

        @sa.event.listens_for(engine, "checkin")
        def _sqlite_checkin(dbapi_conn, record):  # pragma: no cover - exercised by every import
            restore_wal_checkpoints(dbapi_conn, record.info)

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover
            statement = sqlite_begin()
            if statement == "BEGIN IMMEDIATE":
                gate.enter(conn.connection.dbapi_connection)
            try:
                conn.exec_driver_sql(statement)
            except BaseException:
                gate.leave(conn.connection.dbapi_connection)
                raise

        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class WriteGate:
    """SQLite writers of one process queue on a lock, woken the moment the writer before them ends.

    SQLite's own busy handler polls with sleeps growing to 100 ms, so under steady writes a waiting
    writer can lose the race again and again (seconds of tail latency with ``plugcrm serve``).  The
    threads of one process (request threads, the embedded worker) wait here instead; other processes
    still meet at SQLite's lock (``busy_timeout``).  The gate opens when the owning connection
    commits, rolls back (also the pool's reset on check-in) or is closed.  After ``wait_seconds`` a
    writer stops waiting here and leaves the rest to SQLite's busy timeout.
    """

    def __init__(self, engine: sa.Engine, wait_seconds: float = 30):
        self.lock = threading.Lock()
        self.owner = None
        self.wait_seconds = wait_seconds
        dialect = engine.dialect
        for name in ("do_commit", "do_rollback", "do_close"):
            setattr(dialect, name, self.opening_after(getattr(dialect, name)))

    def enter(self, dbapi_conn) -> None:
        if self.lock.acquire(timeout=self.wait_seconds):
            self.owner = dbapi_conn

    def leave(self, conn) -> None:
        """``conn``: the DBAPI connection, or the pool's proxy of it (what SQLAlchemy hands the dialect)."""
        if self.owner is getattr(conn, "dbapi_connection", conn):
            self.owner = None
            self.lock.release()

    def opening_after(self, method):
        def wrapped(dbapi_conn):
            try:
                method(dbapi_conn)
            finally:
                self.leave(dbapi_conn)
        return wrapped


#: Pages of write-ahead log after which SQLite folds it into the database file while a bulk import
#: writes (64 MB at 4 KB pages); otherwise SQLite's default (1,000 pages).
BULK_WAL_AUTOCHECKPOINT = 16384


def defer_wal_checkpoints(sess: Session) -> None:
    """SQLite: within this transaction, and until its connection returns to the pool, fold the write-ahead
    log into the database only once it holds :data:`BULK_WAL_AUTOCHECKPOINT` pages.

    By default every commit that finds more than 1,000 pages (4 MB) in the log copies them into the
    database file and syncs both files: an import committing a chunk every 2,000 rows would do that
    after nearly every chunk, rewriting the same index pages and syncing each time (a sixth of a lean
    import's time), where one large transaction does it once.  Commits stay atomic and the log bounded;
    the pool's check-in restores the setting (:func:`restore_wal_checkpoints`), and the importer
    checkpoints once at the end (:func:`checkpoint_wal`).  Nothing on other databases.
    """
    conn = sess.connection()
    if conn.dialect.name != "sqlite":
        return
    info = conn.connection.info
    if "crm_wal_autocheckpoint" not in info:
        info["crm_wal_autocheckpoint"] = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={BULK_WAL_AUTOCHECKPOINT}")


def restore_wal_checkpoints(dbapi_conn, info: dict) -> None:
    """The connection's own auto-checkpoint again (see :func:`defer_wal_checkpoints`)."""
    pages = info.pop("crm_wal_autocheckpoint", None)
    if pages is not None and dbapi_conn is not None:  # None: the connection was invalidated (closed)
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
        finally:
            cursor.close()


def checkpoint_wal(engine: sa.Engine) -> None:
    """SQLite: fold what the write-ahead log holds into the database now, without waiting for readers or
    writers (``PASSIVE``); after a bulk import, so that the next request's commit does not do it."""
    run_outside_transaction(engine, "PRAGMA wal_checkpoint(PASSIVE)")


def run_outside_transaction(engine: sa.Engine, *statements: str) -> None:
    """SQLite: run ``statements`` on a pooled connection with no transaction open (what checkpoints and
    ``ANALYZE`` need); the driver connection runs in autocommit (:func:`make_engine`).  No-op elsewhere."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        for statement in statements:
            raw.driver_connection.execute(statement)
    finally:
        raw.close()


def sqlite_begin() -> str:
    """The BEGIN for a new SQLite transaction: deferred while answering a read-only request, else IMMEDIATE.

    In WAL mode a deferred transaction reads a snapshot without waiting for the writer, so lists and
    detail pages never queue behind a write.  Everything else (state-changing requests, jobs, CLI,
    the worker's claims) takes the write lock up front: a transaction that reads and then writes
    never fails half-way with SQLITE_BUSY because another connection wrote meanwhile.  Writes are
    short: no transaction is held across network I/O (see :mod:`core.jobs.runner`).  A GET that must
    write does so after the request (:func:`after_session_closed`), in a transaction of its own, or
    its view is marked :func:`writes_on_get`.
    """
    if _READING_ONLY.get():
        return "BEGIN DEFERRED"
    if has_request_context() and request.method in READ_ONLY_METHODS and not answered_by_writing_view():
        return "BEGIN DEFERRED"
    return "BEGIN IMMEDIATE"


def writes_on_get(view):
    """Mark a view that answers GET and writes (a provider's callback that can only call GET, such as
    the Centrex ring): on SQLite its request's transactions take the write lock up front, as every
    other writing request's do.  A deferred transaction that reads and then writes fails at once with
    SQLITE_BUSY when another connection committed after its snapshot (two rings at the same moment)."""
    view.plugcrm_writes = True
    return view


def answered_by_writing_view() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "plugcrm_writes", False)


@contextlib.contextmanager
def reading_only():
    """Transactions begun inside only read: on SQLite they begin deferred, a WAL snapshot that neither
    takes nor waits for the write lock, so a job that reads for minutes (an export) keeps no writer waiting.

    The session's transaction is ended on the way out (it may not write: a deferred transaction that
    writes can fail at once when another writer committed since its snapshot), so the caller's next
    statement begins a normal transaction.
    """
    token = _READING_ONLY.set(True)
    try:
        yield
    finally:
        try:
            session().rollback()
        finally:
            _READING_ONLY.reset(token)


def retryable_error(exc: BaseException) -> bool:
    """A database error that trying again may cure: the connection died, or SQLite stayed locked.

    Requests answer these with 503 and ``Retry-After`` (:mod:`core.app`); the job runner tries again
    to record a sent job's outcome.
    """
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    message = str(exc.orig).lower()
    return isinstance(exc, sa.exc.OperationalError) and any(sign in message for sign in RETRYABLE_MESSAGES)


def session() -> Session:
    """The session of the current app context (created on first use)."""
    sess = g.get("_crm_session")
    if sess is None:
        sess = current_app.extensions["plugcrm"].Session()
        g._crm_session = sess
    return sess


def close_session(_exc=None):
    sess = g.pop("_crm_session", None)
    if sess is not None:
        sess.close()
    for task in g.pop("_crm_after_close", []):
        task()


def discard_session() -> None:
    """Roll back and close this context's session even if its connection is dead (the pool drops it)."""
    sess = g.pop("_crm_session", None)
    if sess is not None:
        try:
            sess.close()
        except sa.exc.DBAPIError:
            sess.invalidate()


def after_session_closed(task) -> None:
    """Run ``task()`` when this app context's session has been closed.

    For a small write that must not wait for (or ride on) the request's own transaction, such as
    noting when an API token was last used during a read-only request that never commits.
    """
    g.setdefault("_crm_after_close", []).append(task)


def make_sessionmaker(engine: sa.Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def index_name(name: str, limit: int = 63) -> str:
    """``name`` cut to PostgreSQL's 63-character limit, kept unique by a hash of the whole name.

    PostgreSQL would silently truncate a longer name, so the database and the metadata would
    disagree and every autogenerated migration would try to recreate the index.
    """
    if len(name) <= limit:
        return name
    return f"{name[:limit - 9]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"

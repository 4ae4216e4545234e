"""The database as the app uses it: SQLite settings for concurrent workers, PostgreSQL's page
views outside a transaction block and its pooled connections checked before use, the dialect
test, planner statistics."""
import re
from collections.abc import Iterator
from contextlib import contextmanager
from select import POLLIN, poll

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.exc import DisconnectionError, ResourceClosedError
from sqlalchemy.engine import Connection, Engine

from ..extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READING_ONLY = "_leap_reading_only"


def reading_only(on: bool = True) -> None:
    """Say that this request's next transactions only read (e.g. while a long export streams).

    On SQLite they then begin deferred and do not hold the write lock, so signups and
    webhooks are not kept waiting behind a download. Call with False before writing again.
    """
    setattr(g, _READING_ONLY, on)


def on_sqlite() -> bool:
    """Whether the app's database is SQLite (for the few statements that differ)."""
    return db.engine.dialect.name == "sqlite"


def analyze() -> None:
    """Refresh the query planner's statistics. PostgreSQL's autovacuum also does it on its own;
    SQLite only when asked, and without them it may start a search from the wrong index."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _rows(result) -> list:
    try:
        return result.all()
    except ResourceClosedError:   # a statement without RETURNING has no rows to give
        return []


def commit_one(statement) -> list:
    """Run one statement that is atomic by itself and commit it; its rows (RETURNING), fetched.

    On PostgreSQL it runs on a connection of its own outside a transaction block: no BEGIN and
    no COMMIT, two round trips fewer (the webhook's store of an event: 0.13-0.16 x -> 0.2 x
    hello-world). On SQLite, in the session's transaction, committed.
    """
    if on_sqlite():
        rows = _rows(db.session.execute(statement))
        db.session.commit()
        return rows
    with connection_of_its_own() as connection:
        return _rows(connection.execute(statement))


@contextmanager
def connection_of_its_own() -> Iterator[Connection]:
    """A pooled connection apart from the session's, on which each statement is a transaction by
    itself: on PostgreSQL in psycopg's autocommit mode (no BEGIN, no COMMIT or ROLLBACK: two round
    trips fewer), on SQLite as pysqlite is set up here (``configure_engine``). Back to the pool
    as it came."""
    with db.engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            yield connection
            return
        driver = connection.connection.driver_connection
        driver.autocommit = True
        try:
            yield connection
        finally:
            if not driver.closed:
                driver.autocommit = False


def _reads_only() -> bool:
    return has_request_context() and (request.method in READ_ONLY_METHODS or g.get(_READING_ONLY, False))


def configure_engine(app: Flask) -> None:
    """On SQLite: WAL, foreign keys, a busy timeout, and write locks taken up front. On
    PostgreSQL: page views read outside a transaction block until they first need one, and a
    pooled connection the server has closed is replaced before use. (A SQLite file cannot go
    away under an open connection.)"""
    with app.app_context():
        engine = db.engine
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _configure_sqlite(engine)
    elif engine.dialect.driver == "psycopg":
        _configure_postgresql(engine)


# Reads that need a transaction block: row locks, and server-side cursors (yield_per).
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b|\bpg_(?:try_)?advisory",
                      re.IGNORECASE)
_PLAIN_READ = ("SELECT", "WITH")
_WRITING = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)   # in a WITH, a write needs one too
_READING_OUTSIDE = "leap_reading_outside_a_transaction"


def may_write(statement: str) -> bool:
    """Whether an SQL statement may change data: anything but a SELECT, or a WITH that writes."""
    head = statement.lstrip()[:6].upper()
    if not head.startswith(_PLAIN_READ):
        return True
    return head.startswith("WITH") and _WRITING.search(statement) is not None


def _needs_a_transaction(statement: str, context) -> bool:
    if may_write(statement) or _LOCKING.search(statement):
        return True
    return bool(context is not None and context.execution_options.get("stream_results"))


def _configure_postgresql(engine: Engine) -> None:
    """A page view (GET, HEAD) reads with psycopg in autocommit mode: no BEGIN before its first
    query and no ROLLBACK after its last, two round trips fewer. Under READ COMMITTED each
    statement sees what was committed when it started, in a transaction block or not, so plain
    reads see the same. The first statement that needs a transaction (any write, a row lock,
    an advisory lock, a server-side cursor) turns autocommit off before it is sent, and from
    there on the request works in a transaction as any other, committed or rolled back at the end.
    """
    @event.listens_for(engine, "begin")
    def read_outside_a_transaction(connection):
        driver = connection.connection.driver_connection
        if _reads_only() and not driver.autocommit:   # commit_one's connection is in autocommit already
            driver.autocommit = True
            connection.info[_READING_OUTSIDE] = True

    @event.listens_for(engine, "before_cursor_execute")
    def begin_before_what_needs_it(connection, cursor, statement, parameters, context, executemany):
        if connection.info.get(_READING_OUTSIDE) and _needs_a_transaction(statement, context):
            connection.info.pop(_READING_OUTSIDE)
            connection.connection.driver_connection.autocommit = False

    def end(connection):
        # A connection lost mid-request is invalidated; its pool record is reset on check-in.
        if not connection.invalidated and connection.info.pop(_READING_OUTSIDE, False):
            connection.connection.driver_connection.autocommit = False

    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)

    @event.listens_for(engine, "checkout")
    def drop_a_connection_the_server_closed(dbapi_connection, record, proxy):
        # A pooled connection has nothing to read unless the server wrote to it while it sat
        # idle, which for this app (no LISTEN) is its goodbye: a restart, a server-side idle
        # timeout, a backend terminated. A peer that vanished without a word (a NAT or load
        # balancer dropping the flow) shows as an error once TCP keepalives give up on it
        # (config.py). The pool then opens a new connection. (In place of pool_pre_ping: a poll
        # of the socket, no round trip.)
        if dbapi_connection.closed or _has_input(dbapi_connection):
            raise DisconnectionError("the server closed this pooled connection")

    @event.listens_for(engine, "checkin")
    def back_to_the_pool_in_transaction_mode(dbapi_connection, record):
        record.info.pop(_READING_OUTSIDE, None)
        if dbapi_connection is not None and not dbapi_connection.closed and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False


def _has_input(dbapi_connection) -> bool:
    poller = poll()
    poller.register(dbapi_connection.fileno(), POLLIN)
    return bool(poller.poll(0))   # readable, hung up or in error


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A transaction that may write takes the write lock at its start, so two
        # writers queue on busy_timeout instead of failing with "database is
        # locked" when a read lock cannot be upgraded. Page views (GET/HEAD) only
        # read, so they begin deferred and do not queue behind writers.
        # Sent to the driver directly: every request begins a transaction, and this
        # statement needs none of SQLAlchemy's execution machinery.
        connection.connection.driver_connection.execute("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")

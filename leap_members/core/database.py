"""The database as the app uses it: SQLite settings for concurrent workers, the dialect test,
planner statistics. (PostgreSQL needs nothing here: the pool checks a connection before use,
config.py.)"""
from typing import cast

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.sql.base import Executable

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


def _reads_only() -> bool:
    return has_request_context() and (request.method in READ_ONLY_METHODS or g.get(_READING_ONLY, False))


def configure_engine(app: Flask) -> None:
    """On SQLite: WAL, foreign keys, a busy timeout, and write locks taken up front."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)


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
        # A transaction that may write takes the write lock at its start, so two writers queue
        # on busy_timeout instead of failing with "database is locked" when a read lock cannot
        # be upgraded. Page views (GET/HEAD) only read, so they begin deferred and do not queue
        # behind writers.
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE, DELETE or INSERT ... SELECT in the session's transaction; how many rows it changed.

    ``preserve_rowcount``: SQLAlchemy keeps the count of an INSERT only when asked (it gives -1 on PostgreSQL).
    """
    return cast(CursorResult, db.session.execute(statement.execution_options(preserve_rowcount=True))).rowcount

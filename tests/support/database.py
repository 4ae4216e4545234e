"""Which database the tests use, and how to empty it between tests."""
import os
import tempfile
import uuid
from contextlib import contextmanager

import flask_migrate
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from leap_members.config import normalise_database_url
from leap_members.extensions import db


def test_database_url() -> str:
    """TEST_DATABASE_URL, or a fresh SQLite file for this test run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    directory = tempfile.mkdtemp(prefix="leap-tests-")
    return "sqlite:///" + os.path.join(directory, "test.db")


def reset_schema() -> None:
    """The models' schema, stamped at the newest migration (as `flask db upgrade` leaves it)."""
    db.drop_all()
    db.create_all()
    flask_migrate.stamp()


def empty_tables() -> None:
    """Delete every row, keeping the schema (much faster than recreating it)."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # DELETE and a sequence restart take ~6 ms here; TRUNCATE of every table ~300 ms.
            for table in tables:
                connection.execute(table.delete())
            sequences = connection.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).scalars()
            for sequence in sequences.all():
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        else:
            for table in tables:
                connection.execute(table.delete())
            has_sequence = connection.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()
            if has_sequence:
                connection.execute(text("DELETE FROM sqlite_sequence"))


@contextmanager
def fresh_database(base_url: str, directory: str):
    """A brand-new, empty database of the same kind as ``base_url``; dropped afterwards."""
    if not base_url.startswith("postgres"):
        yield "sqlite:///" + os.path.join(directory, f"fresh-{uuid.uuid4().hex[:8]}.db")
        return
    url = make_url(normalise_database_url(base_url))
    name = f"leap_fresh_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def query_value(url: str, sql: str, **params):
    """One value from ``url``'s database, read on a connection of its own."""
    engine = create_engine(normalise_database_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def query_rows(url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(normalise_database_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


@contextmanager
def app_on(url: str):
    """The app bound to ``url``'s database, its context pushed: for seeding a server's database."""
    from leap_members import create_app
    from tests.conftest import build_config

    application = create_app(build_config(SQLALCHEMY_DATABASE_URI=url))
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


def execute(url: str, sql: str, **params) -> None:
    """Run one statement on ``url``'s database and commit it."""
    engine = create_engine(normalise_database_url(url), poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def tables_with_version_triggers(connection, name: str) -> set[str]:
    """The tables with triggers that replace data version ``name`` (migrations 0010 to 0013)."""
    pattern = f"%\\_{name}\\_version%"
    if connection.dialect.name == "postgresql":
        sql = "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE :pattern"
    else:
        sql = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE :pattern ESCAPE '\\'"
    return set(connection.execute(text(sql), {"pattern": pattern}).scalars())

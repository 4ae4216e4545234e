"""Which database the tests use, and how to empty it between tests."""
import os
import tempfile

from sqlalchemy import text

from leap_members.extensions import db


def test_database_url() -> str:
    """TEST_DATABASE_URL, or a fresh SQLite file for this test run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    directory = tempfile.mkdtemp(prefix="leap-tests-")
    return "sqlite:///" + os.path.join(directory, "test.db")


def reset_schema() -> None:
    db.drop_all()
    db.create_all()


def empty_tables() -> None:
    """Delete every row, keeping the schema (much faster than recreating it)."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            has_sequence = connection.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first()
            if has_sequence:
                connection.execute(text("DELETE FROM sqlite_sequence"))

"""Staff console fixtures: logged-in clients by role, a SQL statement counter, CSV helpers."""
import csv
import io

import pytest
from sqlalchemy import event

from leap_members.extensions import db as _db
from tests.support.clients import log_in


@pytest.fixture
def as_role(app, member_factory):
    """as_role("staff") -> a test client logged in as a new member with that role (or anonymous)."""
    def make(role: str, **fields):
        client = app.test_client()
        if role == "anonymous":
            return client
        person = member_factory(role=role, **fields)
        log_in(client, person)
        client.member = person
        return client
    return make


@pytest.fixture
def staff_client(app, staff):
    client = app.test_client()
    log_in(client, staff)
    client.member = staff
    return client


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    log_in(client, admin)
    client.member = admin
    return client


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ... -> counter.count SQL statements were sent."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = StatementCounter()
        event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(_db.engine, "before_cursor_execute", counter)
    return counting


def read_csv(data: bytes) -> list[list[str]]:
    """Parse an exported file as a spreadsheet would: UTF-8 with a BOM, CRLF rows (LF in the
    member export on PostgreSQL)."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "the export must start with a UTF-8 BOM so Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline="")))

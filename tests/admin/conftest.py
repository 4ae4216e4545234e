"""Staff console fixtures: logged-in clients by role, CSV helpers."""
import csv
import io

import pytest

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


def read_csv(data: bytes) -> list[list[str]]:
    """Parse an exported file as a spreadsheet would: UTF-8 with a BOM, CRLF rows (LF in the
    member export on PostgreSQL)."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "the export must start with a UTF-8 BOM so Excel reads it as UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline="")))

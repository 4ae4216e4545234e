"""Fifty people join at the same moment, against two gunicorn workers: nothing lost, nothing doubled."""
import threading

import pytest

from tests.conftest import DATABASE_URL
from tests.support.browser import Browser
from tests.support.database import fresh_database, query_value
from tests.support.servers import gunicorn_app

PASSWORD = "fifty people at once"


def signup_form(token: str, email: str) -> dict:
    return {"csrf_token": token, "category": "citizen", "first_name": "Pat", "last_name": "Lee",
            "email": email, "password": PASSWORD, "confirm_password": PASSWORD, "city": "Springfield",
            "state": "IL", "zip_code": "62701", "email_updates": "y"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("signups")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), RATELIMIT_ENABLED=0) as running:
            yield running


count_rows = query_value


def sign_up_all_at_once(base_url: str, emails: list[str]) -> list[int]:
    browsers = [Browser(base_url) for _ in emails]
    tokens = [browser.csrf_token("/join") for browser in browsers]
    barrier = threading.Barrier(len(emails))
    statuses = [None] * len(emails)

    def join(i):
        barrier.wait()
        statuses[i] = browsers[i].post("/join", signup_form(tokens[i], emails[i]))

    threads = [threading.Thread(target=join, args=(i,)) for i in range(len(emails))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def test_fifty_simultaneous_signups_all_succeed_once(server):
    emails = [f"person{i}@example.org" for i in range(50)]
    statuses = sign_up_all_at_once(server.url, emails)
    assert statuses == [302] * 50, f"not every signup succeeded: {sorted(set(map(str, statuses)))}"
    assert "database is locked" not in server.log() and "Traceback" not in server.log(), server.log()[-3000:]
    assert count_rows(server.database_url, "SELECT count(*) FROM members WHERE email LIKE 'person%'") == 50
    assert count_rows(server.database_url, "SELECT count(DISTINCT email) FROM members WHERE email LIKE 'person%'") == 50
    assert count_rows(server.database_url, "SELECT count(*) FROM outbox_messages WHERE to_address LIKE 'person%'") == 50
    assert count_rows(server.database_url, "SELECT count(*) FROM consents c JOIN members m ON m.id = c.member_id "
                                           "WHERE m.email LIKE 'person%'") == 50


def test_the_same_fifty_signups_sent_twice_at_once_create_each_member_once(server):
    emails = [f"twice{i % 25}@example.org" for i in range(50)]
    statuses = sign_up_all_at_once(server.url, emails)
    assert 500 not in statuses
    assert statuses == [302] * 50   # the second of a pair answers like the first: nobody learns the address is taken
    assert count_rows(server.database_url, "SELECT count(*) FROM members WHERE email LIKE 'twice%'") == 25
    assert count_rows(server.database_url, "SELECT count(*) FROM outbox_messages WHERE to_address LIKE 'twice%' "
                                           "AND kind = 'confirm-email'") == 25
    # Each owner hears of the second signup instead.
    assert count_rows(server.database_url, "SELECT count(*) FROM outbox_messages WHERE to_address LIKE 'twice%' "
                                           "AND kind = 'second-signup'") == 25

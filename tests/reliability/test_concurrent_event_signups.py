"""Fifty members take the ten seats of an event at the same moment, on two gunicorn workers.

Each member also double-clicks (two identical requests at once). Exactly ten get a seat,
forty wait in line, each member has one row and one e-mail, and no worker ever answers
"database is locked" or an error.
"""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from leap_members.advocacy.models import ActionKind
from tests.advocacy.factories import build_action
from tests.conftest import DATABASE_URL
from tests.support.browser import Browser
from tests.support.database import app_on, execute, fresh_database, query_rows, query_value
from tests.support.factories import PASSWORD, make_member
from tests.support.servers import gunicorn_app

MEMBERS, SEATS = 50, 10


@pytest.fixture
def server(tmp_path):
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), RATELIMIT_ENABLED=0) as running:
            with app_on(url):
                running.emails = [make_member(email=f"seat{i}@example.org").email for i in range(MEMBERS)]
                build_action(ActionKind.EVENT, slug="ten-seats", capacity=SEATS, title="Ten seats")
            if url.startswith("postgres"):
                execute(url, SLOW_INSERTS)
            yield running


# A slow disk, on PostgreSQL: writing a seat takes 50-250 ms (unevenly, so the two workers do not
# move in step), and other sign-ups count the seats while one is still being written. Only the
# lock on the event keeps them from taking the same seat.
SLOW_INSERTS = """
CREATE FUNCTION slow_seat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.status = 'registered' THEN PERFORM pg_sleep(0.05 + random() * 0.2); END IF; RETURN NEW; END $$;
CREATE TRIGGER slow_seats BEFORE INSERT ON action_signups FOR EACH ROW EXECUTE FUNCTION slow_seat();
"""


def logged_in_browsers(server) -> list[tuple[Browser, str]]:
    def log_in(email):
        browser = Browser(server.url)
        browser.login(email, PASSWORD)
        return browser, browser.csrf_token("/actions/ten-seats")
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(log_in, server.emails))


def test_fifty_members_racing_for_ten_seats_get_ten_seats_and_a_waiting_list_of_forty(server):
    browsers = logged_in_browsers(server)
    requests = [(browser, token) for browser, token in browsers for _ in range(2)]  # every member double-clicks
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def sign_up(index):
        browser, token = requests[index]
        barrier.wait(30)
        statuses[index] = browser.post("/actions/ten-seats/sign-up", {"csrf_token": token, "comment": ""})

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    url = server.database_url
    log = server.log()
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    assert statuses == [303] * len(requests), sorted(set(map(str, statuses)))
    rows = query_rows(url, "SELECT member_id, status FROM action_signups")
    assert len(rows) == MEMBERS and len({member for member, _ in rows}) == MEMBERS, "lost or duplicate sign-ups"
    statuses_by_member = [status for _, status in rows]
    assert statuses_by_member.count("registered") == SEATS
    assert statuses_by_member.count("waitlisted") == MEMBERS - SEATS
    mails = query_rows(url, "SELECT to_address, subject FROM outbox_messages WHERE kind = 'action-signup'")
    assert sorted(address for address, _ in mails) == sorted(server.emails), "one confirmation per member"
    assert sum(subject.startswith("You are registered") for _, subject in mails) == SEATS
    assert query_value(url, "SELECT count(*) FROM outbox_messages") == MEMBERS

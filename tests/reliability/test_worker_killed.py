"""A gunicorn worker killed with SIGKILL in the middle of a signup leaves nothing half-written."""
import os
import signal
import threading
import time

import pytest

from bench.http import Browser
from tests.conftest import DATABASE_URL
from tests.reliability.test_concurrent_signups import count_rows, signup_form
from tests.support.database import fresh_database
from tests.support.servers import gunicorn_app


@pytest.fixture
def server(tmp_path):
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), workers=1, RATELIMIT_ENABLED=0) as running:
            running.database_url = url
            yield running


def wait_for_worker(server, old: set[int]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = set(server.worker_pids())
        if pids and not pids & old:
            return
        time.sleep(0.05)
    raise AssertionError("gunicorn did not replace the killed worker")


def post_expecting_a_crash(browser, form) -> None:
    try:
        browser.post("/join", form)
    except OSError:
        pass  # the worker died under the request: the connection is reset


def test_killed_signups_are_all_or_nothing_and_a_retry_completes_them(server):
    url = server.database_url
    for attempt in range(8):
        email = f"killed{attempt}@example.org"
        browser = Browser(server.url)
        token = browser.csrf_token("/join")
        workers = set(server.worker_pids())
        sender = threading.Thread(target=post_expecting_a_crash, args=(browser, signup_form(token, email)))
        sender.start()
        time.sleep(0.012 * attempt)  # from before the request arrives to after it has committed
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        sender.join(30)
        wait_for_worker(server, workers)

        members = count_rows(url, f"SELECT count(*) FROM members WHERE email = '{email}'")
        mails = count_rows(url, f"SELECT count(*) FROM outbox_messages WHERE to_address = '{email}'")
        consents = count_rows(url, "SELECT count(*) FROM consents c JOIN members m ON m.id = c.member_id "
                                   f"WHERE m.email = '{email}'")
        assert (members, mails, consents) in ((0, 0, 0), (1, 1, 1)), (attempt, members, mails, consents)

        retry = Browser(server.url)
        status = retry.post("/join", signup_form(retry.csrf_token("/join"), email))
        assert status in (200, 302)  # 200: "already exists" when the first attempt had committed
        assert count_rows(url, f"SELECT count(*) FROM members WHERE email = '{email}'") == 1
        assert count_rows(url, f"SELECT count(*) FROM outbox_messages WHERE to_address = '{email}'") == 1

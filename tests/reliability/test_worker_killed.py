"""A gunicorn worker killed with SIGKILL in the middle of a signup or a webhook, or an event worker
killed while it applies an event, leaves nothing half-written, and the retry (the member's,
Stripe's, or the event worker's once its lease ends) completes it exactly once."""
import os
import signal
import threading
import time

import psycopg
import pytest

from tests.conftest import DATABASE_URL
from tests.reliability.test_concurrent_signups import signup_form
from tests.support.browser import Browser
from tests.support.database import fresh_database, query_rows, query_value
from tests.support.servers import gunicorn_app
from tests.support.stripe_webhooks import (
    GIFT_STATE_SQL,
    deliver,
    pending_gifts,
    run_event_workers,
    start_event_worker,
    stripe_env,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("killed")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), workers=1, RATELIMIT_ENABLED=0, **stripe_env()) as running:
            yield running


def kill_workers_while(server, send, delay: float) -> None:
    """Run ``send`` in a thread and SIGKILL every worker ``delay`` seconds later."""
    workers = set(server.worker_pids())
    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(delay)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    sender.join(30)
    server.wait_for_new_workers(workers)


CONFIRMATIONS = "SELECT count(*) FROM outbox_messages WHERE to_address = :e AND kind = 'confirm-email'"


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
        form = signup_form(browser.csrf_token("/join"), email)
        # From before the request arrives to after it has committed.
        kill_workers_while(server, lambda: post_expecting_a_crash(browser, form), 0.012 * attempt)

        members = query_value(url, "SELECT count(*) FROM members WHERE email = :e", e=email)
        mails = query_value(url, CONFIRMATIONS, e=email)
        consents = query_value(url, "SELECT count(*) FROM consents c JOIN members m ON m.id = c.member_id "
                                    "WHERE m.email = :e", e=email)
        assert (members, mails, consents) in ((0, 0, 0), (1, 1, 1)), (attempt, members, mails, consents)

        retry = Browser(server.url)
        status = retry.post("/join", signup_form(retry.csrf_token("/join"), email))
        assert status == 302   # to "check your inbox", whether or not the first attempt had committed
        assert query_value(url, "SELECT count(*) FROM members WHERE email = :e", e=email) == 1
        # One confirmation; when the first attempt had committed, the retry tells the owner instead.
        assert query_value(url, CONFIRMATIONS, e=email) == 1


def webhook_latency(server) -> float:
    """How long an undisturbed webhook takes here, so the kills can be spread across one."""
    timings = []
    for delivery in pending_gifts(server.database_url, 3):
        started = time.monotonic()
        assert deliver(server.url, delivery)[0] == 200
        timings.append(time.monotonic() - started)
    return sorted(timings)[1]


def test_killed_webhooks_are_all_or_nothing_and_stripes_retry_records_each_gift_once(server):
    url = server.database_url
    latency = webhook_latency(server)
    deliveries = pending_gifts(url, 8)
    outcomes = []
    for attempt, delivery in enumerate(deliveries):
        # From before the request arrives to after it has committed.
        kill_workers_while(server, lambda: outcomes.append(deliver(server.url, delivery)), latency * attempt / 6)
        state = query_rows(url, GIFT_STATE_SQL, gift_id=delivery.gift_id, event_id=delivery.event_id)[0]
        assert state in (("pending", 0, 0), ("pending", 1, 0)), (attempt, state)   # stored whole, or not at all
        # Stripe saw no 2xx (the connection broke), so it delivers the event again.
        status, outcome = deliver(server.url, delivery)
        assert status == 200 and outcome == ("duplicate" if state[1] else "queued"), (attempt, outcome)
    assert (None, None) in outcomes, "no kill landed while a webhook was being answered"
    run_event_workers(server, count=1)
    for delivery in deliveries:
        assert query_rows(url, GIFT_STATE_SQL, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == \
            ("paid", 1, 1)


# --- Deterministic on PostgreSQL ----------------------------------------------------------------
# Something the request needs is held locked from outside, so the worker is provably waiting in
# the middle of its transaction (its first rows written, not committed) when it is killed.

@pytest.fixture(scope="module")
def pg_server(private_postgres, tmp_path_factory):
    database, tmp_path = private_postgres.create_database(), tmp_path_factory.mktemp("killed-pg")
    with gunicorn_app(database, str(tmp_path), workers=1, RATELIMIT_ENABLED=0, **stripe_env()) as running:
        yield running


def kill_while_it_waits_for(server, lock_sql: str, params: tuple, send) -> None:
    with psycopg.connect(server.database_url) as blocker:
        blocker.execute(lock_sql, params)
        workers = set(server.worker_pids())
        sender = threading.Thread(target=send)
        sender.start()
        wait_for_lock_wait(server.database_url)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        sender.join(30)
        blocker.rollback()
    server.wait_for_new_workers(workers)
    time.sleep(0.5)  # PostgreSQL ends the orphaned transaction once it notices the client is gone


def test_a_webhook_killed_while_its_store_waits_leaves_nothing_and_the_retry_stores_it_once(pg_server):
    (delivery,) = pending_gifts(pg_server.database_url, 1)
    # The event's INSERT waits for the table, inside the request's transaction: once the worker
    # is killed, PostgreSQL ends that transaction without committing it.
    kill_while_it_waits_for(pg_server, "LOCK TABLE stripe_events IN EXCLUSIVE MODE", (),
                            lambda: deliver(pg_server.url, delivery))
    state = (pg_server.database_url, GIFT_STATE_SQL)
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("pending", 0, 0)
    assert deliver(pg_server.url, delivery) == (200, "queued")   # Stripe's retry: stored now, once
    assert deliver(pg_server.url, delivery) == (200, "duplicate")
    run_event_workers(pg_server, count=1)
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("paid", 1, 1)


def test_an_event_worker_killed_while_applying_leaves_nothing_and_the_event_is_applied_once_after_its_lease(
        pg_server):
    (delivery,) = pending_gifts(pg_server.database_url, 1)
    assert deliver(pg_server.url, delivery) == (200, "queued")
    with psycopg.connect(pg_server.database_url) as blocker:
        blocker.execute("SELECT id FROM donations WHERE id = %s FOR UPDATE", (delivery.gift_id,))
        worker = start_event_worker(pg_server)
        wait_for_lock_wait(pg_server.database_url)   # the event is leased and its row locked; the gift waits
        worker.kill()
        worker.communicate(timeout=30)
        blocker.rollback()
    time.sleep(0.5)  # PostgreSQL ends the orphaned transaction once it notices the client is gone
    state = (pg_server.database_url, GIFT_STATE_SQL)
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("pending", 1, 0)
    assert "0 applied" in run_event_workers(pg_server, count=1)[0]   # leased to the dead worker for now
    with psycopg.connect(pg_server.database_url) as clock:   # the lease has ended
        clock.execute("UPDATE stripe_events SET retry_at = '2000-01-01' WHERE stripe_event_id = %s", (delivery.event_id,))
    assert "1 applied" in run_event_workers(pg_server, count=1)[0]
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("paid", 1, 1)


def test_a_signup_killed_inside_its_transaction_leaves_nothing_and_the_retry_completes_it(pg_server):
    browser = Browser(pg_server.url)
    form = signup_form(browser.csrf_token("/join"), "midway@example.org")
    # The member row is inserted; the confirmation e-mail waits to be written.
    kill_while_it_waits_for(pg_server, "LOCK TABLE outbox_messages IN EXCLUSIVE MODE", (),
                            lambda: post_expecting_a_crash(browser, form))
    count = "SELECT count(*) FROM {} WHERE {} = 'midway@example.org'"
    assert query_value(pg_server.database_url, count.format("members", "email")) == 0
    assert query_value(pg_server.database_url, count.format("outbox_messages", "to_address")) == 0
    retry = Browser(pg_server.url)
    assert retry.post("/join", signup_form(retry.csrf_token("/join"), "midway@example.org")) == 302
    assert query_value(pg_server.database_url, count.format("members", "email")) == 1
    assert query_value(pg_server.database_url, count.format("outbox_messages", "to_address")) == 1


def wait_for_lock_wait(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = query_value(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                   "AND datname = current_database()")
        if waiting:
            return
        time.sleep(0.02)
    raise AssertionError("the request never reached the locked row")

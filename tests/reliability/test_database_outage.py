"""PostgreSQL stopped under a running app: Stripe's webhooks get a 5xx and nothing half-written,
the redelivery stores each event once and the event worker records each gift once, and the app reconnects by itself when the database returns.

These tests stop and restart a PostgreSQL server, so they always run against a private one
(tests/support/private_postgres.py), whatever TEST_DATABASE_URL says: both CI passes run them.
"""
import threading
import time

import pytest

from tests.support.browser import Browser
from tests.support.database import query_rows, query_value
from tests.support.factories import PASSWORD
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
def server(private_postgres, tmp_path_factory):
    database = private_postgres.create_database()
    tmp_path = tmp_path_factory.mktemp("outage")
    with gunicorn_app(database, str(tmp_path), RATELIMIT_ENABLED=0, **stripe_env()) as running:
        yield running


def gift_state(url: str, delivery) -> tuple:
    """(gift status, events recorded, receipts queued)."""
    return query_rows(url, GIFT_STATE_SQL, gift_id=delivery.gift_id, event_id=delivery.event_id)[0]


def redeliver_until_acknowledged(server, delivery, attempts: int = 20) -> str:
    """What Stripe does: send again (with back-off) until the endpoint answers 2xx."""
    for _ in range(attempts):
        status, outcome = deliver(server.url, delivery)
        if status == 200:
            return outcome
        time.sleep(0.2)
    raise AssertionError(f"{delivery.event_id} was never acknowledged")


def test_a_webhook_while_postgres_is_down_gets_5xx_and_the_redelivery_records_the_gift_once(
        server, postgres):
    (delivery,) = pending_gifts(server.database_url, 1)
    postgres.stop()
    started = time.monotonic()
    status, _ = deliver(server.url, delivery)
    assert status is not None and 500 <= status < 600, status  # Stripe keeps the event and retries
    assert time.monotonic() - started < 15, "the webhook hung instead of failing"
    postgres.start()

    assert gift_state(server.database_url, delivery) == ("pending", 0, 0)
    assert redeliver_until_acknowledged(server, delivery) == "queued"
    assert deliver(server.url, delivery) == (200, "duplicate")
    assert gift_state(server.database_url, delivery) == ("pending", 1, 0)

    postgres.stop()   # now the event worker finds the database gone: it says so and applies nothing
    down = start_event_worker(server)
    down.communicate(timeout=60)
    postgres.start()
    assert down.returncode == 1
    run_event_workers(server, count=1)
    assert gift_state(server.database_url, delivery) == ("paid", 1, 1)


def test_postgres_killed_under_a_stream_of_webhooks_loses_and_doubles_nothing(server, postgres):
    deliveries = pending_gifts(server.database_url, 24)
    first_answers = {}
    queue = list(deliveries)
    lock = threading.Lock()

    def sender():
        while True:
            with lock:
                if not queue:
                    return
                delivery = queue.pop(0)
            first_answers[delivery.event_id] = deliver(server.url, delivery)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(first_answers) < 6:  # some recorded before the crash, some in flight when it comes
        time.sleep(0.005)
    postgres.stop("immediate")
    time.sleep(0.5)
    postgres.start()
    for thread in threads:
        thread.join(60)

    statuses = [status for status, _ in first_answers.values()]
    assert any(s == 200 for s in statuses) and any(s != 200 for s in statuses), \
        f"the crash did not land in the middle of the stream: {statuses}"
    for delivery in deliveries:
        status, outcome = first_answers[delivery.event_id]
        if status == 200:
            # A 2xx told Stripe to forget the event: it must really have been stored.
            assert gift_state(server.database_url, delivery) == ("pending", 1, 0), (delivery, outcome)
        else:
            assert gift_state(server.database_url, delivery) in (("pending", 0, 0), ("pending", 1, 0))
            redeliver_until_acknowledged(server, delivery)
    run_event_workers(server)
    for delivery in deliveries:
        assert deliver(server.url, delivery) == (200, "duplicate")
        assert gift_state(server.database_url, delivery) == ("paid", 1, 1)
    recorded = query_value(server.database_url, "SELECT count(*) FROM stripe_events WHERE stripe_event_id IN ({})"
                           .format(", ".join(f"'{d.event_id}'" for d in deliveries)))
    assert recorded == len(deliveries)


def test_the_app_reconnects_by_itself_after_a_database_restart(server, postgres):
    from tests.support.database import app_on
    from tests.support.factories import make_member

    with app_on(server.database_url):
        make_member(email="steady@example.org", first_name="Steady")
    browser = Browser(server.url)
    browser.login("steady@example.org", PASSWORD)
    for _ in range(10):  # every worker now holds pooled connections to the database
        assert "Steady" in browser.request("GET", "/account").text

    postgres.stop("immediate")
    down = [browser.request("GET", "/account").status for _ in range(4)]
    assert all(500 <= status < 600 for status in down), down
    postgres.start()

    after = [browser.request("GET", "/account") for _ in range(10)]
    assert [r.status for r in after] == [200] * 10, [r.status for r in after]
    assert all("Steady" in r.text for r in after)
    joiner = Browser(server.url)
    form = {"csrf_token": joiner.csrf_token("/join"), "category": "citizen", "first_name": "Late",
            "last_name": "Joiner", "email": "late@example.org", "password": PASSWORD,
            "confirm_password": PASSWORD, "city": "Dayton", "state": "OH", "zip_code": "45402"}
    assert joiner.post("/join", form) == 302
    assert query_value(server.database_url, "SELECT count(*) FROM members WHERE email = 'late@example.org'") == 1

"""Stripe's deliveries arriving at the same moment on two gunicorn workers, applied by two event
workers at once, end in one correct state.

Stripe delivers at least once and in no particular order, sometimes several copies at
once. Here every copy is sent simultaneously across two workers, and (as Stripe does)
anything not answered 2xx is sent again; then two event workers apply what was stored, side
by side. Each gift must end recorded once, with one receipt, whatever the interleaving. (tests/donations/test_webhooks.py covers the single-
process cases: forged, altered, stale and replayed events, duplicates and every order.)
"""
import json
import threading
import time

import psycopg
import pytest

from tests.conftest import DATABASE_URL
from tests.donations.events import charge, event, next_id
from tests.support.database import fresh_database, query_rows, query_value
from tests.support.servers import gunicorn_app
from tests.support.stripe_webhooks import (
    GIFT_STATE_SQL,
    Delivery,
    deliver,
    finish,
    pending_gifts,
    run_event_workers,
    start_event_worker,
    stripe_env,
)

COPIES = 6


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("webhooks")
    with fresh_database(DATABASE_URL, str(tmp_path)) as url:
        with gunicorn_app(url, str(tmp_path), RATELIMIT_ENABLED=0, **stripe_env()) as running:
            yield running


def send_all_at_once(server, deliveries: list[Delivery]) -> list[tuple]:
    barrier = threading.Barrier(len(deliveries))
    answers = [None] * len(deliveries)

    def send(index):
        barrier.wait(30)
        answers[index] = deliver(server.url, deliveries[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(deliveries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def retry_until_acknowledged(server, deliveries, answers) -> None:
    for delivery, (status, _) in zip(deliveries, answers):
        for _ in range(10):
            if status == 200:
                break
            status, _ = deliver(server.url, delivery)
        assert status == 200, f"{delivery.event_id} never acknowledged"


def test_copies_of_one_event_delivered_at_once_to_both_workers_record_the_gift_once(server):
    gifts = pending_gifts(server.database_url, 4)
    copies = [gift for gift in gifts for _ in range(COPIES)]
    answers = send_all_at_once(server, copies)
    assert "Traceback" not in server.log(), server.log()[-3000:]
    retry_until_acknowledged(server, copies, answers)
    for gift in gifts:
        outcomes = [outcome for delivery, (_, outcome) in zip(copies, answers) if delivery is gift]
        assert outcomes.count("queued") <= 1, outcomes
        assert query_rows(server.database_url, GIFT_STATE_SQL, gift_id=gift.gift_id,
                          event_id=gift.event_id)[0] == ("pending", 1, 0)
    summaries = run_event_workers(server)
    assert sum(int(summary.split(" applied")[0]) for summary in summaries) == len(gifts), summaries
    for gift in gifts:
        assert query_rows(server.database_url, GIFT_STATE_SQL, gift_id=gift.gift_id,
                          event_id=gift.event_id)[0] == ("paid", 1, 1)


def refund_of(gift: Delivery, refunded: int) -> Delivery:
    payload = json.loads(gift.body)
    session = payload["data"]["object"]
    refund = charge(session["payment_intent"], amount=session["amount_total"], refunded=refunded,
                    metadata={"donation_id": str(gift.gift_id)})
    body = event("charge.refunded", refund, event_id=next_id("evt"))
    return Delivery(gift.gift_id, body["id"], json.dumps(body).encode())


def test_a_payment_and_its_refund_racing_on_two_workers_end_refunded_with_one_receipt(server):
    gifts = pending_gifts(server.database_url, 6)
    deliveries = []
    for gift in gifts:
        deliveries += [gift, refund_of(gift, 1000), gift, refund_of(gift, 1000)]
    answers = send_all_at_once(server, deliveries)
    retry_until_acknowledged(server, deliveries, answers)
    run_event_workers(server)
    for gift in gifts:
        status, refunded, receipts, refund_notices = query_rows(server.database_url, """
            SELECT d.status, d.refunded_cents,
                   (SELECT count(*) FROM outbox_messages m WHERE m.dedupe_key = :receipt),
                   (SELECT count(*) FROM outbox_messages m WHERE m.dedupe_key LIKE :refund)
            FROM donations d WHERE d.id = :id""", id=gift.gift_id, receipt=f"donation-receipt:{gift.gift_id}",
            refund=f"donation-refund:{gift.gift_id}:%")[0]
        assert (status, refunded, receipts, refund_notices) == ("partially_refunded", 1000, 1, 1), gift.gift_id
    assert query_value(server.database_url, "SELECT count(*) FROM stripe_events WHERE outcome = 'deferred'") == 0



# --- Deterministic interleavings (PostgreSQL) -------------------------------------------------
# The events are stored, newest first; a row is held locked from outside while two event workers
# take one each and wait for it; then it is released. Without row locks in the handlers each event
# would compute its change from what it read before waiting, and the last to write (the oldest)
# would win.

@pytest.fixture(scope="module")
def pg_server(private_postgres, tmp_path_factory):
    database, tmp_path = private_postgres.create_database(), tmp_path_factory.mktemp("webhooks-pg")
    with gunicorn_app(database, str(tmp_path), RATELIMIT_ENABLED=0, **stripe_env()) as running:
        yield running


def apply_in_order_while_locked(server, table: str, row_id: int, deliveries: list[Delivery]) -> list:
    """Deliver the events in order, then have one event worker per event take it and wait on the lock."""
    answers, workers = [deliver(server.url, delivery) for delivery in deliveries], []
    with psycopg.connect(server.database_url) as blocker:
        blocker.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", (row_id,))
        for index in range(len(deliveries)):
            workers.append(start_event_worker(server))
            wait_for_lock_waiters(server.database_url, index + 1)
        blocker.rollback()
    for worker in workers:
        assert "0 failed" in finish(worker)
    return answers


def wait_for_lock_waiters(url: str, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if query_value(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND datname = current_database()") >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"expected {count} event workers waiting for the row lock")


def test_a_refund_and_its_payment_applied_one_on_top_of_the_other_end_partly_refunded(pg_server):
    (gift,) = pending_gifts(pg_server.database_url, 1)
    answers = apply_in_order_while_locked(pg_server, "donations", gift.gift_id, [refund_of(gift, 1000), gift])
    assert [status for status, _ in answers] == [200, 200], answers
    assert query_rows(pg_server.database_url, "SELECT status, refunded_cents FROM donations WHERE id = :id",
                      id=gift.gift_id)[0] == ("partially_refunded", 1000)
    assert query_rows(pg_server.database_url, GIFT_STATE_SQL, gift_id=gift.gift_id,
                      event_id=gift.event_id)[0] == ("partially_refunded", 1, 1)


def test_an_older_subscription_update_arriving_with_a_newer_one_never_overwrites_it(pg_server):
    from leap_members.donations.models import RecurringGift
    from leap_members.extensions import db
    from tests.donations.events import subscription
    from tests.support.database import app_on

    with app_on(pg_server.database_url):
        gift = RecurringGift(stripe_subscription_id="sub_race", status="active", amount_cents=2500, total_cents=2500,
                             donor_email="monthly@example.net", donor_first_name="Mo", donor_last_name="Nthly")
        db.session.add(gift)
        db.session.commit()
        gift_id = gift.id
    created = int(time.time())
    newer = event("customer.subscription.updated", subscription("sub_race", "past_due"), created=created + 60)
    older = event("customer.subscription.updated", subscription("sub_race", "unpaid"), created=created)
    deliveries = [Delivery(0, body["id"], json.dumps(body).encode()) for body in (newer, older)]
    answers = apply_in_order_while_locked(pg_server, "recurring_gifts", gift_id, deliveries)
    assert [status for status, _ in answers] == [200, 200], answers
    assert query_rows(pg_server.database_url, "SELECT status, status_event_created FROM recurring_gifts "
                                              "WHERE id = :id", id=gift_id)[0] == ("past_due", created + 60)

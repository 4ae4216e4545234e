"""The two workers (``send-mail --loop``, ``apply-stripe-events --loop``) through restarts: a
SIGTERM hands back the event under way so another worker applies it at once, a killed worker's
event waits about a minute (its lease), and both live through a PostgreSQL restart.

They stop and restart a private PostgreSQL server whatever TEST_DATABASE_URL says, so running them
in both CI passes would prove nothing more: they run in the PostgreSQL pass only.
"""
import json
import signal
import subprocess
import time
from contextlib import contextmanager

import psycopg
import pytest

from leap_members.donations.models import EventOutcome, StripeEvent
from leap_members.extensions import db
from leap_members.mail.services import queue_email
from tests.conftest import DATABASE_URL
from tests.donations.events import event
from tests.reliability.test_worker_killed import wait_for_lock_wait
from tests.support.database import app_on, query_rows, query_value
from tests.support.servers import gunicorn_app, migrate, production_env, start_flask_command
from tests.support.stripe_webhooks import GIFT_STATE_SQL, deliver, pending_gifts, run_event_workers, stripe_env

pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgres"),
                                reason="a private PostgreSQL is restarted: run once, in the PostgreSQL pass")


@pytest.fixture(scope="module")
def pg_server(private_postgres, tmp_path_factory):
    database, tmp_path = private_postgres.create_database(), tmp_path_factory.mktemp("restarts")
    with gunicorn_app(database, str(tmp_path), workers=1, RATELIMIT_ENABLED=0, **stripe_env()) as running:
        yield running


def stop(worker: subprocess.Popen, timeout: float = 20) -> tuple[float, str]:
    """SIGTERM the worker as a service manager would; how long it took to exit, and what it logged."""
    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    _, errors = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, errors[-3000:]
    return time.monotonic() - started, errors


@contextmanager
def worker_stuck_on_a_gift(pg_server):
    """A stored event and an event worker (--loop) that leased it and waits for its gift's row,
    which the block holds locked: (the event's delivery, the worker)."""
    (delivery,) = pending_gifts(pg_server.database_url, 1)
    assert deliver(pg_server.url, delivery) == (200, "queued")
    with psycopg.connect(pg_server.database_url) as blocker:
        blocker.execute("SELECT id FROM donations WHERE id = %s FOR UPDATE", (delivery.gift_id,))
        worker = start_flask_command(pg_server.env, "apply-stripe-events", "--loop")
        wait_for_lock_wait(pg_server.database_url)
        yield delivery, worker
        blocker.rollback()


def test_a_sigterm_hands_back_the_event_under_way_and_another_worker_applies_it_at_once(pg_server):
    with worker_stuck_on_a_gift(pg_server) as (delivery, worker):
        took, logged = stop(worker)
    assert took < 10, f"the worker took {took:.1f} s to stop"   # 5 s of grace for the event under way
    assert "what it held is handed back" in logged
    state = (pg_server.database_url, GIFT_STATE_SQL)
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("pending", 1, 0)
    # Due at once: the next worker applies it without waiting for any lease to end.
    assert "1 applied" in run_event_workers(pg_server, count=1)[0]
    assert query_rows(*state, gift_id=delivery.gift_id, event_id=delivery.event_id)[0] == ("paid", 1, 1)


def test_an_idle_worker_stops_at_once_on_sigterm(pg_server):
    for command in ("send-mail", "apply-stripe-events"):
        worker = start_flask_command(pg_server.env, command, "--loop")
        time.sleep(2)   # started and polling
        took, _ = stop(worker)
        assert took < 3, f"{command} took {took:.1f} s to stop"


def test_a_killed_workers_event_is_held_for_a_minute_not_ten(pg_server):
    with worker_stuck_on_a_gift(pg_server) as (delivery, worker):
        worker.kill()
        worker.communicate(timeout=30)
    held = query_value(pg_server.database_url, "SELECT EXTRACT(EPOCH FROM retry_at - (now() AT TIME ZONE 'UTC')) "
                                               "FROM stripe_events WHERE stripe_event_id = :e", e=delivery.event_id)
    assert 0 < held <= 60


def test_both_workers_live_through_a_postgresql_restart_and_carry_on(private_postgres, smtp_server, inbox, tmp_path):
    controller, _ = smtp_server
    database = private_postgres.create_database()
    env = production_env(database, str(tmp_path), SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=0,
                         **stripe_env())
    migrate(env)
    workers = [start_flask_command(env, command, "--loop", "--interval", "0.2")
               for command in ("send-mail", "apply-stripe-events")]
    time.sleep(2)
    private_postgres.stop()   # every connection dropped at once, like a crash
    time.sleep(3)             # both workers' batches fail meanwhile
    private_postgres.start()
    private_postgres.wait_until_ready()

    stored = event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id"})
    with app_on(database):
        queue_email("after@example.org", "After the restart", "email_change_notice", kind="test",
                    member=type("M", (), {"first_name": "Ada"}), new_email="x@example.org")
        db.session.add(StripeEvent(stripe_event_id=stored["id"], type=stored["type"], stripe_created=stored["created"],
                                   outcome=EventOutcome.QUEUED, payload=json.dumps({"event": stored})))
        db.session.commit()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            inbox.to("after@example.org") and
            query_value(database, "SELECT outcome FROM stripe_events WHERE stripe_event_id = :e", e=stored["id"])
            == EventOutcome.IGNORED):
        time.sleep(0.2)
    assert [worker.poll() for worker in workers] == [None, None], "a worker exited"
    assert inbox.to("after@example.org"), "the mail worker did not send after the restart"
    for worker in workers:
        _, logged = stop(worker)
        assert "batch failed" in logged and "working again" in logged, logged[-3000:]

"""Reports that arrive at the same moment on separate connections: one event each, one suppression."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from leap_members.extensions import db
from leap_members.outreach import bounces
from leap_members.outreach.models import DeliveryEvent, Suppression
from tests.outreach.reports_to_send import WEBHOOK_SECRET, generic_event, post_generic


@pytest.fixture
def configured(app):
    app.config["EMAIL_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    return app


def post_together(app, batches: list[list[dict]]) -> list[int]:
    """Post each batch of events from its own client and thread at once; the status codes."""
    db.session.rollback()   # the test's own transaction must not hold the SQLite write lock meanwhile
    barrier = threading.Barrier(len(batches))

    def send(batch: list[dict]) -> int:
        barrier.wait(timeout=10)
        return post_generic(app.test_client(), batch).status_code
    with ThreadPoolExecutor(len(batches)) as pool:
        sent = [pool.submit(send, batch) for batch in batches]
        return [future.result(timeout=30) for future in sent]   # a thread's exception fails the test


def test_a_hard_bounce_and_a_complaint_at_once_leave_one_suppression(configured, monkeypatch):
    looked_up = bounces.active_suppression

    def look_up_then_pause(address):
        found = looked_up(address)
        time.sleep(0.3)   # both requests have looked, and found nothing, before either inserts
        return found
    monkeypatch.setattr(bounces, "active_suppression", look_up_then_pause)
    codes = post_together(configured, [[generic_event("evt-a", "hard_bounce", "ana@example.org")],
                                       [generic_event("evt-b", "complaint", "ana@example.org")]])
    assert codes == [200, 200]
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 2
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 1


def test_the_same_report_delivered_twice_at_once_is_one_event(configured, monkeypatch):
    find = bounces.outbox_message_for

    def find_then_pause(*args):
        found = find(*args)
        time.sleep(0.3)
        return found
    monkeypatch.setattr(bounces, "outbox_message_for", find_then_pause)
    event = generic_event("evt-same", "hard_bounce", "ana@example.org")
    assert post_together(configured, [[event], [event]]) == [200, 200]
    assert db.session.scalar(select(func.count()).select_from(DeliveryEvent)) == 1
    assert db.session.scalar(select(func.count()).select_from(Suppression)) == 1

"""/healthz and /readyz as a load balancer and a monitor read them."""
from datetime import timedelta

from sqlalchemy import text

from leap_members.core.timeutil import utcnow
from leap_members.donations.models import EventOutcome, StripeEvent
from leap_members.mail.models import OutboxMessage


def test_healthz_says_the_process_answers_without_asking_the_database(client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert counter.statements == []
    assert "Set-Cookie" not in response.headers


def test_readyz_reports_the_database_migrations_rate_limits_and_queue_backlogs(client, db):
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.add_all([
        OutboxMessage(to_address="a@example.org", subject="s", body_text="b", kind="test", created_at=an_hour_ago),
        OutboxMessage(to_address="b@example.org", subject="s", body_text="b", kind="test"),
        OutboxMessage(to_address="c@example.org", subject="s", body_text="b", kind="test", sent_at=utcnow()),
        StripeEvent(stripe_event_id="evt_1", type="charge.refunded", stripe_created=1, outcome=EventOutcome.QUEUED,
                    received_at=utcnow() - timedelta(minutes=5))])
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    report = response.json
    assert report["status"] == "ready" and report["database"] == {"ok": True}
    assert report["migrations"]["ok"] and report["migrations"]["current"] == report["migrations"]["expected"]
    assert report["rate_limits"] == {"storage": "off"}   # the tests turn rate limits off
    assert report["queues"]["outbox"]["waiting"] == 2
    assert 3590 <= report["queues"]["outbox"]["oldest_seconds"] <= 3700
    assert report["queues"]["stripe_events"]["waiting"] == 1
    assert 290 <= report["queues"]["stripe_events"]["oldest_seconds"] <= 400


def test_readyz_is_503_when_the_schema_is_behind_the_code(client, db):
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '0011'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json["status"] == "not ready"
        assert response.json["migrations"] == {"ok": False, "current": "0011", "expected": head}
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
        db.session.commit()


def test_readyz_says_when_the_rate_limit_storage_cannot_be_reached(app_factory):
    # Nothing listens on port 9.
    application = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    response = application.test_client().get("/readyz")
    assert response.status_code == 200   # limits degrade to per-worker memory; the site still serves
    assert response.json["rate_limits"] == {"storage": "unreachable"}
    assert "127.0.0.1:9" not in response.get_data(as_text=True)   # no addresses or secrets

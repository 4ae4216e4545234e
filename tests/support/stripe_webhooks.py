"""Stripe as the fault tests need it: pending gifts in a server's database, and signed deliveries to it."""
import http.client
import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass

import stripe

from leap_members.donations.checkout import GiftChoice, start_gift
from leap_members.extensions import db
from tests.donations.events import SECRET_KEY, WEBHOOK_SECRET, checkout_session, event, next_id
from tests.support.database import app_on
from tests.support.servers import start_flask_command


def stripe_env() -> dict:
    """Settings for a gunicorn server that takes webhooks (it never calls Stripe in these tests)."""
    return {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": "http://127.0.0.1:9", "STRIPE_MAX_NETWORK_RETRIES": 0}


@dataclass
class Delivery:
    """One Checkout completion, as Stripe would send it (and send it again until it gets a 2xx)."""
    gift_id: int
    event_id: str
    body: bytes

    def headers(self) -> dict:
        # Stripe signs every attempt afresh, so a redelivery days later is not "stale".
        signature = stripe.WebhookSignature.generate_signature_header(self.body.decode(), WEBHOOK_SECRET)
        return {"Content-Type": "application/json", "Stripe-Signature": signature}


def pending_gifts(database_url: str, count: int) -> list[Delivery]:
    """``count`` gifts left pending by the donate form, each with the event that will pay it."""
    deliveries = []
    with app_on(database_url):
        for number in range(count):
            choice = GiftChoice(amount_cents=5000 + number, kind="one_time", cover_fee=False, fund_id=None,
                                first_name="Dana", last_name="Donor", email=f"donor{number}@example.net",
                                anonymous=False, tribute_type=None, tribute_name=None, tribute_notify_email=None)
            gift = start_gift(choice, None, next_id("key"))
            db.session.flush()
            gift.stripe_checkout_session_id = next_id("cs")
            payload = event("checkout.session.completed", checkout_session(gift))
            deliveries.append(Delivery(gift.id, payload["id"], json.dumps(payload).encode()))
        db.session.commit()
    return deliveries


def deliver(base_url: str, delivery: Delivery, timeout: float = 30) -> tuple[int | None, str | None]:
    """POST the event; (status, outcome), or (None, None) when the connection broke (no answer at all)."""
    request = urllib.request.Request(base_url + "/stripe/webhook", data=delivery.body, method="POST",
                                     headers=delivery.headers())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read()).get("outcome")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, None
    except (OSError, http.client.HTTPException):
        return None, None


def start_event_worker(server) -> subprocess.Popen:
    """``flask apply-stripe-events`` against the server's database, as its service runs it (once through)."""
    return start_flask_command(server.env, "apply-stripe-events")


def finish(worker: subprocess.Popen, timeout: float = 60) -> str:
    """Wait for an event worker; its summary line (it must have succeeded)."""
    output, errors = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, errors[-3000:]
    return output


def run_event_workers(server, count: int = 2) -> list[str]:
    """``count`` event workers at once (two services, say), each until nothing is due; their summaries."""
    workers = [start_event_worker(server) for _ in range(count)]
    return [finish(worker) for worker in workers]


# (status, events stored, receipts queued) of a gift: ("pending", 1, 0) once stored, ("paid", 1, 1) once applied.
GIFT_STATE_SQL = """
SELECT d.status,
       (SELECT count(*) FROM stripe_events e WHERE e.stripe_event_id = :event_id),
       (SELECT count(*) FROM outbox_messages m WHERE m.dedupe_key = 'donation-receipt:' || CAST(d.id AS VARCHAR(20)))
FROM donations d WHERE d.id = :gift_id
"""

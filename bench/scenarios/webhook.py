"""Signed Stripe webhooks: distinct invoice.paid events of monthly gifts in the data set, each stored once
under load, then applied once by the event worker (flask apply-stripe-events), timed on its own."""
import json
import secrets
import time
import urllib.request

import stripe
from sqlalchemy import String, cast, func, literal, select

from leap_members.donations.models import Donation, EventOutcome, RecurringGift, StripeEvent
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage

from ..context import STRIPE_WEBHOOK_SECRET, BenchContext, flask_command
from ..data import WEBHOOK_EVENT_PREFIX, WEBHOOK_INVOICE_PREFIX
from ..inproc import app_for
from ..load import run_wrk
from ..report import Row
from . import scenario

WEBHOOK_RATIO = 0.12
THREADS = 2
REDELIVERED = 50   # events sent a second time after the load, as Stripe does: each must be a duplicate
API_VERSION = "2026-10-28.endive"


def live_monthly_gifts(limit: int = 2000) -> list[tuple[str, int, str | None, str]]:
    """(subscription, monthly total, customer, donor e-mail) of active monthly gifts."""
    return db.session.execute(
        select(RecurringGift.stripe_subscription_id, RecurringGift.total_cents, RecurringGift.stripe_customer_id,
               RecurringGift.donor_email)
        .where(RecurringGift.status == "active").order_by(RecurringGift.id).limit(limit)).all()


def invoice_paid_event(run: str, n: int, gift: tuple, now: int) -> dict:
    """An invoice.paid event in the current API shape, for the next monthly charge of ``gift``."""
    subscription, total, customer, email = gift
    invoice_id = f"{WEBHOOK_INVOICE_PREFIX}{run}_{n}"
    invoice = {
        "id": invoice_id, "object": "invoice", "customer": customer, "customer_email": email,
        "amount_paid": total, "amount_due": total, "currency": "usd", "billing_reason": "subscription_cycle",
        "attempt_count": 1, "status_transitions": {"paid_at": now},
        "parent": {"type": "subscription_details",
                   "subscription_details": {"subscription": subscription, "metadata": {}}},
        "payments": {"object": "list", "data": [
            {"payment": {"type": "payment_intent", "payment_intent": f"pi_benchrun_{run}_{n}"}}]},
    }
    return {"id": f"{WEBHOOK_EVENT_PREFIX}{run}_{n}", "object": "event", "type": "invoice.paid",
            "api_version": API_VERSION, "created": now, "livemode": False, "data": {"object": invoice}}


def write_signed_events(path, run: str, count: int, gifts: list) -> None:
    """One line per event: the Stripe-Signature header, a tab, the body. Signed now (valid 300 s)."""
    now = int(time.time())
    with open(path, "w") as file:
        for n in range(count):
            body = json.dumps(invoice_paid_event(run, n, gifts[n % len(gifts)], now), separators=(",", ":"))
            header = stripe.WebhookSignature.generate_signature_header(body, STRIPE_WEBHOOK_SECRET, now)
            file.write(f"{header}\t{body}\n")


def recorded(run: str) -> dict:
    """What the database holds for this run's events: events, their outcomes, charges and receipts."""
    event_like = StripeEvent.stripe_event_id.like(f"{WEBHOOK_EVENT_PREFIX}{run}\\_%", escape="\\")
    invoice_like = Donation.stripe_invoice_id.like(f"{WEBHOOK_INVOICE_PREFIX}{run}\\_%", escape="\\")
    charges = select(Donation.id).where(invoice_like)
    receipt_keys = select(literal("donation-receipt:") + cast(Donation.id, String)).where(invoice_like)
    scalar = db.session.scalar
    found = {
        "events": scalar(select(func.count()).where(event_like)),
        "applied": scalar(select(func.count()).where(event_like, StripeEvent.outcome == EventOutcome.APPLIED)),
        "charges": scalar(select(func.count()).select_from(charges.subquery())),
        "paid charges": scalar(select(func.count()).where(invoice_like, Donation.paid_at.is_not(None),
                                                          Donation.receipt_number.is_not(None))),
        "invoices charged twice": scalar(select(func.count()).select_from(
            select(Donation.stripe_invoice_id).where(invoice_like).group_by(Donation.stripe_invoice_id)
            .having(func.count() > 1).subquery())),
        "receipts queued": scalar(select(func.count()).where(OutboxMessage.dedupe_key.in_(receipt_keys))),
    }
    # End the read at once: on SQLite an open transaction here would hold back the server's writers.
    db.session.rollback()
    return found


def settled(run: str, wait: float = 0.5, quiet_polls: int = 3, limit: float = 60.0) -> dict:
    """What is recorded once the requests still queued or in flight when wrk stopped have finished
    (a sync worker may still take a request from its queue after wrk has closed the connection)."""
    deadline = time.monotonic() + limit
    last, same = recorded(run), 0
    while same < quiet_polls and time.monotonic() < deadline:
        time.sleep(wait)
        now = recorded(run)
        same = same + 1 if now == last else 0
        last = now
    return last


def recorded_event_ids(run: str, limit: int) -> set[str]:
    ids = set(db.session.scalars(select(StripeEvent.stripe_event_id).where(
        StripeEvent.stripe_event_id.like(f"{WEBHOOK_EVENT_PREFIX}{run}\\_%", escape="\\"))
        .order_by(StripeEvent.id).limit(limit)))
    db.session.rollback()
    return ids


def redeliver(url: str, path, event_ids: set[str]) -> list[str]:
    """Send these events again, as Stripe does when it misses an answer; return each answer's outcome."""
    outcomes = []
    with open(path) as file:
        for line in file:
            header, body = line.rstrip("\n").split("\t", 1)
            if json.loads(body)["id"] not in event_ids:
                continue
            request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
                "Content-Type": "application/json", "Stripe-Signature": header})
            with urllib.request.urlopen(request, timeout=30) as response:
                outcomes.append(json.loads(response.read())["outcome"])
    return outcomes


@scenario("webhook")
def stripe_webhook(ctx: BenchContext) -> list[Row]:
    run = secrets.token_hex(3)
    app = app_for(ctx.database_url)
    with app.app_context():
        gifts = live_monthly_gifts()
    baseline = ctx.hello_world()
    # More events than even hello-world could take in the time, so none is ever sent twice.
    count = int(baseline.rps * ctx.duration * 1.2) + 100
    path = ctx.out_dir / f"webhook-events-{run}.txt"
    write_signed_events(path, run, count, gifts)
    url = ctx.app_server.url + "/stripe/webhook"
    try:
        result = run_wrk(url, ctx.duration, threads=THREADS, script="webhook.lua",
                         script_env={"events": str(path), "threads": THREADS})
        with app.app_context():
            stored = settled(run)["events"]
        started = time.monotonic()
        worker_said = flask_command(ctx.database_url, "apply-stripe-events")
        drain_seconds = time.monotonic() - started
        with app.app_context():
            after_load = recorded(run)
            again = recorded_event_ids(run, REDELIVERED)
        outcomes = redeliver(url, path, again)
        with app.app_context():
            after_redelivery = settled(run)
            db.engine.dispose()
    finally:
        path.unlink(missing_ok=True)

    answered = result.requests - result.failed
    sent = result.extra.get("sent", result.requests)
    counts = after_load
    exactly_once = (stored == counts["events"] == counts["applied"] == counts["charges"] == counts["paid charges"]
                    == counts["receipts queued"] and counts["invoices charged twice"] == 0
                    and answered <= counts["events"] <= sent and result.extra.get("not_stored", 0) == 0
                    and result.extra.get("exhausted", 0) == 0
                    and all(outcome == "duplicate" for outcome in outcomes) and after_redelivery == after_load)
    ratio = result.rps / baseline.rps
    row = Row("Stripe webhook (invoice.paid)", result.rps, result.p50_ms, result.p95_ms, result.p99_ms, ratio,
              f">= {WEBHOOK_RATIO} x, each event once")
    row.passed = (row.check("ratio", ratio, WEBHOOK_RATIO) and exactly_once
                  and result.failed == 0 and result.errors == 0)
    row.notes.update({
        "exactly_once": exactly_once, "hello-world just before": f"{baseline.rps:.1f} req/s",
        "events answered 200": answered, "events sent (incl. in flight at the end)": sent,
        "recorded": ", ".join(f"{value} {key}" for key, value in counts.items()),
        "event worker": f"applied the {stored} stored events after the load in {drain_seconds:.1f} s, "
                        f"{stored / drain_seconds:.0f} events/s in one process ({worker_said.strip()})",
        "unanswered": f"{sent - counts['events']} sent as wrk stopped and not recorded (never answered 200: "
                      "Stripe would send them again)",
        "redelivered": f"{len(outcomes)} events sent again, "
                       f"{sum(o == 'duplicate' for o in outcomes)} answered duplicate, nothing new recorded"
                       if after_redelivery == after_load else f"redelivery changed the database: {after_redelivery}",
    })
    if result.failed or result.errors or result.extra.get("not_stored"):
        row.notes.update({"failed responses": result.failed, "socket errors": result.errors,
                          "answers other than queued": result.extra.get("not_stored")})
    return [row]

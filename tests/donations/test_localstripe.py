"""Against localstripe: monthly charges and refunds as Stripe records them, reconciliation, its webhooks."""
import time
import urllib.parse
import urllib.request

import pytest
import stripe
from sqlalchemy import func, select

from leap_members.donations.events import apply_queued
from leap_members.donations.models import Donation, RecurringGift, StripeEvent
from leap_members.extensions import db
from leap_members.mail.models import OutboxMessage
from tests.e2e.conftest import LiveServer

from .events import SECRET_KEY, WEBHOOK_SECRET, event, outcome_of, signed_post


@pytest.fixture
def stripe_api(stripe_proxy):
    return stripe_proxy


@pytest.fixture
def ls(localstripe) -> stripe.StripeClient:
    """A Stripe client for the test itself, talking to localstripe directly (as Stripe's side of things)."""
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe}, max_network_retries=0)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def subscribe(ls, gift, card="pm_card_visa"):
    """What Checkout would do at Stripe for a monthly gift: a customer, a card, a subscription."""
    customer = ls.v1.customers.create({"email": gift.donor_email})
    method = ls.v1.payment_methods.attach(card, {"customer": customer.id})
    ls.v1.customers.update(customer.id, {"invoice_settings": {"default_payment_method": method.id}})
    plan = ls.v1.plans.create({"amount": gift.total_cents, "currency": "usd", "interval": "month",
                               "product": {"name": "Monthly gift"}})
    return ls.v1.subscriptions.create({"customer": customer.id, "items": [{"plan": plan.id}],
                                       "metadata": {"donation_id": str(gift.id)}})


def charge_next_month(ls, subscription):
    created = ls.v1.invoices.create({"customer": subscription.customer, "subscription": subscription.id})
    return ls.v1.invoices.pay(created.id)


def test_reconciliation_applies_missed_monthly_charges_once_and_reports_what_changed(runner, ls, make_gift):
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 5))
    gift = make_gift(kind="monthly", amount_cents=2500)
    subscription = subscribe(ls, gift)
    # localstripe lists events oldest first (Stripe: newest first) and stamps them in whole
    # seconds, so charges in the same second could not be told apart by time.
    time.sleep(1.1)
    second = charge_next_month(ls, subscription)

    result = runner.invoke(args=["reconcile-stripe", "--since", since])
    assert result.exit_code == 0, result.output
    assert f"monthly gift 1: charge recorded as gift {gift.id}" in result.output
    rows = db.session.scalars(select(Donation).order_by(Donation.id)).all()
    assert [(row.stripe_invoice_id, row.status, row.total_cents) for row in rows] == [
        (subscription.latest_invoice, "paid", 2500), (second.id, "paid", 2500)]
    assert all(row.stripe_payment_intent_id and row.stripe_charge_id for row in rows)
    monthly = db.session.scalar(select(RecurringGift))
    assert monthly.status == "active" and monthly.stripe_customer_id == subscription.customer
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 2
    events_recorded = count(StripeEvent)

    again = runner.invoke(args=["reconcile-stripe", "--since", since])
    assert again.exit_code == 0, again.output
    assert f"{events_recorded} already recorded" in again.output and " 0 applied" in again.output
    assert count(Donation) == 2 and count(StripeEvent) == events_recorded
    assert count(OutboxMessage, OutboxMessage.kind == "donation-receipt") == 2


def test_reconciliation_refuses_a_time_it_cannot_read(runner):
    result = runner.invoke(args=["reconcile-stripe", "--since", "last tuesday"])
    assert result.exit_code != 0 and "use a date like 2025-03-01" in result.output


def test_reconciliation_says_so_when_stripe_cannot_be_reached(runner, stripe_proxy):
    stripe_proxy.failure = (401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}})
    result = runner.invoke(args=["reconcile-stripe", "--since", "2025-01-01"])
    assert result.exit_code != 0 and "Could not list Stripe events" in result.output


def test_a_staff_refund_goes_to_stripe_once_and_the_webhook_records_it(client, auth, staff, ls, runner, make_gift,
                                                                       stripe_proxy):
    since = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
    gift = make_gift(kind="monthly", amount_cents=4000)
    subscribe(ls, gift)
    runner.invoke(args=["reconcile-stripe", "--since", since])
    db.session.refresh(gift)
    assert gift.status == "paid"

    auth.login(staff.email)
    first = client.post(f"/staff/donations/{gift.id}/refund", data={"amount": "15.00"})
    client.post(f"/staff/donations/{gift.id}/refund", data={"amount": "15.00"})   # a double click
    assert first.status_code == 302
    refunds = ls.v1.refunds.list({"payment_intent": gift.stripe_payment_intent_id}).data
    assert [refund.amount for refund in refunds] == [1500]
    keys = {call.headers["Idempotency-Key"] for call in stripe_proxy.calls("/v1/refunds")}
    assert len(stripe_proxy.calls("/v1/refunds")) == 2 and keys == {f"leap-refund-{gift.id}-0-1500"}
    db.session.refresh(gift)
    assert gift.refunded_cents == 0 and gift.refund_requested_at is not None   # recorded when Stripe says so

    stripe_charge = ls.v1.charges.retrieve(gift.stripe_charge_id).to_dict(recursive=True, for_json=True)
    refunded = event("charge.refunded", stripe_charge)
    assert signed_post(client, refunded).status_code == 200 and outcome_of(refunded) == "applied"
    db.session.refresh(gift)
    assert gift.status == "partially_refunded" and gift.refunded_cents == 1500
    page = client.get(f"/staff/donations/{gift.id}").get_data(as_text=True)
    assert "$15.00" in page and "Partly refunded" in page


def _configure_localstripe_webhook(localstripe: str, url: str, events=None) -> None:
    fields = [("url", url), ("secret", WEBHOOK_SECRET)] + [("events[]", name) for name in (events or [])]
    request = urllib.request.Request(localstripe + "/_config/webhooks/leap", method="POST",
                                     data=urllib.parse.urlencode(fields).encode())
    urllib.request.urlopen(request, timeout=10).close()


def test_localstripes_own_signed_webhooks_record_a_monthly_gift(app, ls, localstripe, make_gift):
    gift = make_gift(kind="monthly", amount_cents=3000)
    server = LiveServer(app)
    server.start()
    _configure_localstripe_webhook(localstripe, server.url + "/stripe/webhook")
    try:
        subscribe(ls, gift)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            apply_queued()   # the event worker, as its service runs it
            status = db.session.scalar(select(Donation.status).where(Donation.id == gift.id))
            monthly = db.session.scalar(select(func.count()).select_from(RecurringGift))
            db.session.rollback()   # do not hold SQLite's lock while the server writes
            if status == "paid" and monthly == 1:
                break
            time.sleep(0.3)
    finally:
        _configure_localstripe_webhook(localstripe, server.url + "/stripe/webhook", events=["none.ever"])
        server.stop()
    db.session.refresh(gift)
    assert gift.status == "paid" and gift.receipt_number
    assert count(StripeEvent, StripeEvent.source == "webhook") >= 3
    assert db.session.scalar(select(RecurringGift.status)) == "active"

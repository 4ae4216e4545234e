"""Stripe events as Stripe sends them, signed the way Stripe signs them."""
import itertools
import json
import time

import stripe
from sqlalchemy import select

from leap_members.donations.events import apply_queued
from leap_members.donations.models import StripeEvent
from leap_members.extensions import db

WEBHOOK_SECRET = "whsec_test_leap_donations"
SECRET_KEY = "sk_test_leap_donations"
_ids = itertools.count(1)


def next_id(prefix: str) -> str:
    return f"{prefix}_test{next(_ids):06d}"


def event(type_: str, obj: dict, created: int | None = None, event_id: str | None = None) -> dict:
    return {"id": event_id or next_id("evt"), "object": "event", "type": type_, "api_version": "2026-10-28.endive",
            "created": created or int(time.time()), "livemode": False, "data": {"object": obj}}


def signed_post(client, payload: dict | str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
                signature: str | None = None, worker: bool = True):
    """POST an event to the webhook with a Stripe-Signature header; then, unless ``worker`` is
    False, run the event worker once, as its service would within a second."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = signature if signature is not None else stripe.WebhookSignature.generate_signature_header(
        body, secret, timestamp)
    response = client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": header},
                           content_type="application/json")
    if worker:
        apply_queued()
    return response


def outcome_of(payload: dict) -> str:
    """What the database says became of an event."""
    return db.session.scalar(select(StripeEvent.outcome).where(StripeEvent.stripe_event_id == payload["id"]))


def checkout_session(donation, *, session_id=None, payment_status="paid", customer="cus_testguest",
                     payment_intent=None, subscription=None, invoice=None, email=None) -> dict:
    monthly = donation.kind == "monthly"
    return {
        "id": session_id or donation.stripe_checkout_session_id, "object": "checkout.session",
        "mode": "subscription" if monthly else "payment", "status": "complete", "payment_status": payment_status,
        "amount_total": donation.total_cents, "currency": "usd", "customer": customer,
        "customer_details": {"email": email or donation.donor_email, "name": donation.donor_name},
        "client_reference_id": str(donation.id), "metadata": {"donation_id": str(donation.id)},
        "payment_intent": None if monthly else (payment_intent or f"pi_for_{donation.id}"),
        "subscription": subscription if monthly else None, "invoice": invoice if monthly else None,
    }


def invoice(subscription: str, *, invoice_id=None, amount=2500, billing_reason="subscription_cycle",
            customer="cus_testguest", payment_intent=None, charge=None, metadata=None, attempt_count=1,
            paid_at=None) -> dict:
    """An invoice in the current API shape (subscription under parent.subscription_details)."""
    invoice_id = invoice_id or next_id("in")
    details = {"subscription": subscription}
    if metadata is not None:
        details["metadata"] = metadata
    return {
        "id": invoice_id, "object": "invoice", "customer": customer, "customer_email": None,
        "amount_paid": amount, "amount_due": amount, "currency": "usd", "billing_reason": billing_reason,
        "attempt_count": attempt_count, "parent": {"type": "subscription_details", "subscription_details": details},
        "status_transitions": {"paid_at": paid_at},
        "payments": {"object": "list", "data": [{"payment": {"type": "payment_intent",
                                                             "payment_intent": payment_intent or f"pi_for_{invoice_id}"}}]},
    }


def subscription(subscription_id: str, status: str, *, amount=2500, metadata=None, customer="cus_testguest") -> dict:
    return {"id": subscription_id, "object": "subscription", "status": status, "customer": customer,
            "metadata": metadata or {}, "cancel_at_period_end": False, "canceled_at": None,
            "items": {"object": "list", "data": [{"price": {"unit_amount": amount}, "quantity": 1,
                                                  "current_period_end": int(time.time()) + 30 * 86400}]}}


def charge(payment_intent: str, *, amount: int, refunded: int = 0, charge_id=None, metadata=None) -> dict:
    return {"id": charge_id or f"ch_for_{payment_intent}", "object": "charge", "amount": amount,
            "amount_refunded": refunded, "refunded": refunded >= amount, "paid": True, "status": "succeeded",
            "payment_intent": payment_intent, "metadata": metadata or {}, "created": int(time.time())}

"""What each Stripe event changes. Every handler is safe to run twice and in any order.

A handler first reads the event's object into its typed value (stripe_objects.py), then
changes state from that value alone. It returns a short note of what it changed, raises
Ignored for an event that is not about our gifts, or NotReady for one about a gift we have
not heard of yet (the event is kept and applied when the gift appears).
"""
from collections.abc import Callable
from typing import Any, TypedDict

from .gifts import (
    find_donation,
    find_recurring,
    mark_paid,
    match_member,
    new_monthly_charge,
    origin_of,
    recurring_from_origin,
)
from .models import Donation, RecurringGift
from .receipts import queue_payment_failed, queue_refund_notice
from .stripe_objects import (
    CheckoutSession,
    Invoice,
    PaymentRef,
    event_time,
    parse_charge,
    parse_checkout_session,
    parse_dispute,
    parse_invoice,
    parse_subscription,
)

Event = dict[str, Any]


class Extra(TypedDict, total=False):
    """Facts fetched from Stripe before applying an event (events.prepare); stored with a deferred one."""
    decline_reason: str | None   # invoice.payment_failed: why the card was declined
    invoice: str | None          # charge.refunded, charge.dispute.created: the invoice a monthly charge paid


Handler = Callable[[Event, dict[str, Any], Extra], str]


class Ignored(Exception):
    """The event is not about one of our gifts; the message says why."""


class NotReady(Exception):
    """The event is about a gift we have not recorded yet; apply it later."""


def _checkout_donation(session: CheckoutSession) -> Donation:
    donation = find_donation(stripe_checkout_session_id=session.id)
    if donation is None:
        donation = find_donation(id=session.donation_id)
        if donation is not None and donation.stripe_checkout_session_id not in (None, session.id):
            donation = None   # our id, but on a session we did not make for it
    if donation is None:
        raise Ignored("not a Checkout Session of ours")
    donation.stripe_checkout_session_id = session.id
    return donation


def checkout_completed(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    """The donor finished Checkout: paid now, or (bank debits) paid later."""
    session = parse_checkout_session(obj)
    donation = _checkout_donation(session)
    donation.stripe_customer_id = donation.stripe_customer_id or session.customer_id
    match_member(donation, session.customer_email)
    note = f"gift {donation.id}"
    if session.mode == "subscription" and session.subscription_id:
        gift = recurring_from_origin(donation, session.subscription_id, session.customer_id)
        invoice = session.invoice_id
        if invoice and donation.stripe_invoice_id is None and find_donation(stripe_invoice_id=invoice) is None:
            donation.stripe_invoice_id = invoice
        note += f", monthly gift {gift.id}"
    else:
        donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or session.payment_intent_id
    if session.payment_status == "paid":
        mark_paid(donation, event_time(event))
        note += " paid"
    elif donation.paid_at is None:
        donation.processing_at = donation.processing_at or event_time(event)
        note += " waiting for the payment to settle"
    donation.refresh_status()
    return note


def checkout_async_failed(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    donation = _checkout_donation(parse_checkout_session(obj))
    donation.failed_at = donation.failed_at or event_time(event)
    donation.failure_reason = "The bank payment did not go through."
    donation.refresh_status()
    return f"gift {donation.id} failed"


def checkout_expired(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    donation = _checkout_donation(parse_checkout_session(obj))
    donation.expired_at = donation.expired_at or event_time(event)
    donation.refresh_status()
    return f"gift {donation.id} not completed ({donation.status})"


def _recurring_for_invoice(invoice: Invoice) -> RecurringGift:
    if not invoice.subscription_id:
        raise Ignored("an invoice that is not for a monthly gift")
    gift = find_recurring(invoice.subscription_id, invoice.donation_id, invoice.customer_id)
    if gift is None:
        raise NotReady(f"subscription {invoice.subscription_id} is not known yet")
    return gift


def invoice_paid(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    """A monthly charge succeeded: each one becomes its own donation row with its own receipt."""
    invoice = parse_invoice(obj)
    gift = _recurring_for_invoice(invoice)
    if invoice.amount_paid <= 0:
        raise Ignored("an invoice with nothing charged")
    donation = find_donation(stripe_invoice_id=invoice.id)
    if donation is None:
        reason = invoice.billing_reason
        # Only a subscription's first invoice can pay the gift made on the donate page; a renewal
        # ("subscription_cycle", the monthly case) needs no look at it. An invoice
        # without a reason (localstripe sends none) pays it if it is still unpaid.
        origin = origin_of(gift) if reason in ("subscription_create", None) else None
        if (origin is not None and origin.stripe_invoice_id is None
                and (reason == "subscription_create" or origin.paid_at is None)):
            donation = origin
            donation.stripe_invoice_id = invoice.id
        else:
            donation = new_monthly_charge(gift, invoice.id, invoice.amount_paid)
    donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or invoice.payment_intent_id
    donation.stripe_charge_id = donation.stripe_charge_id or invoice.charge_id
    donation.stripe_customer_id = donation.stripe_customer_id or invoice.customer_id
    mark_paid(donation, invoice.paid_at or event_time(event), invoice.customer_email)
    if gift.last_failed_invoice_id == invoice.id:
        gift.last_failed_invoice_id = None   # the donor fixed it
    return f"monthly gift {gift.id}: charge recorded as gift {donation.id}"


def invoice_payment_failed(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    """A monthly charge failed: note why, and ask the donor to fix their card."""
    invoice = parse_invoice(obj)
    gift = _recurring_for_invoice(invoice)
    paid_already = find_donation(stripe_invoice_id=invoice.id)
    when = event_time(event)
    reason = extra.get("decline_reason") or invoice.failure_message or "The card was declined."
    if gift.last_failure_at is None or when >= gift.last_failure_at:
        gift.last_failure_at = when
        gift.last_failure_reason = reason[:500]
    gift.failed_payment_count += 1
    if paid_already is not None and paid_already.paid_at is not None:
        return f"monthly gift {gift.id}: an earlier failure of a charge since paid"
    gift.last_failed_invoice_id = invoice.id
    if gift.is_live:
        queue_payment_failed(gift, invoice.id, invoice.attempt_count)
    return f"monthly gift {gift.id}: payment failed ({reason})"


def subscription_changed(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    """Follow Stripe's status of a monthly gift; an older event never overwrites a newer one."""
    subscription = parse_subscription(obj)
    gift = find_recurring(subscription.id, subscription.donation_id, subscription.customer_id)
    if gift is None:
        raise NotReady(f"subscription {subscription.id} is not known yet")
    status = "canceled" if event["type"] == "customer.subscription.deleted" else subscription.status
    if gift.status in ("canceled", "incomplete_expired"):
        return f"monthly gift {gift.id} had already ended"
    if event["created"] < gift.status_event_created:
        return f"monthly gift {gift.id}: older news, kept {gift.status}"
    gift.status = status or gift.status
    gift.status_event_created = event["created"]
    gift.cancel_at_period_end = subscription.cancel_at_period_end
    gift.current_period_end = subscription.current_period_end or gift.current_period_end
    if status == "canceled":
        gift.canceled_at = subscription.ended_at or event_time(event)
    total = subscription.total_cents
    if total and total != gift.total_cents:
        gift.amount_cents, gift.fee_cents, gift.total_cents = total, 0, total
    return f"monthly gift {gift.id} is {gift.status}"


def _donation_for_charge(payment: PaymentRef, extra: Extra) -> Donation:
    donation = find_donation(stripe_charge_id=payment.charge_id, stripe_payment_intent_id=payment.payment_intent_id)
    if donation is None:
        donation = find_donation(id=payment.donation_id, stripe_invoice_id=payment.invoice_id)
    if donation is None and extra.get("invoice"):
        donation = find_donation(stripe_invoice_id=extra["invoice"])
    if donation is None:
        raise NotReady(f"charge {payment.charge_id} does not match a recorded gift yet")
    donation.stripe_charge_id = donation.stripe_charge_id or payment.charge_id
    donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or payment.payment_intent_id
    return donation


def charge_refunded(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    """A full or partial refund; amounts only grow, so repeats and reordering change nothing."""
    charge = parse_charge(obj)
    donation = _donation_for_charge(charge.payment, extra)
    if donation.paid_at is None and charge.paid:
        mark_paid(donation, charge.created or event_time(event))
    if charge.amount_refunded <= donation.refunded_cents:
        return f"gift {donation.id}: refund already recorded"
    donation.refunded_cents = min(charge.amount_refunded, donation.total_cents)
    donation.refunded_at = event_time(event)
    donation.refresh_status()
    queue_refund_notice(donation)
    return f"gift {donation.id}: {donation.refunded_cents} cents refunded in all"


def dispute_created(event: Event, obj: dict[str, Any], extra: Extra) -> str:
    dispute = parse_dispute(obj)
    donation = _donation_for_charge(dispute.payment, extra)
    when = dispute.created or event_time(event)
    donation.disputed_at = min(donation.disputed_at, when) if donation.disputed_at else when
    donation.dispute_reason = (dispute.reason or "")[:100] or None
    donation.refresh_status()
    return f"gift {donation.id} disputed"


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "checkout.session.async_payment_failed": checkout_async_failed,
    "checkout.session.expired": checkout_expired,
    "invoice.paid": invoice_paid,
    # Sent alongside invoice.paid (and by older setups instead of it); the invoice id keeps it to one row.
    "invoice.payment_succeeded": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_changed,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
}

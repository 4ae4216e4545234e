"""What each Stripe event changes. Every handler is safe to run twice and in any order.

A handler returns a short note of what it changed, raises Ignored for an event that is
not about our gifts, or NotReady for one about a gift we have not heard of yet (the event
is kept and applied when the gift appears).
"""
from .gifts import (find_donation, find_recurring, mark_paid, match_member, new_monthly_charge, origin_of,
                    recurring_from_origin)
from .models import Donation, RecurringGift
from .receipts import queue_payment_failed, queue_refund_notice
from .stripe_shapes import (invoice_metadata, invoice_paid_at, invoice_payment_ids, invoice_subscription_id,
                            metadata_donation_id, object_id, stripe_time, subscription_period_end,
                            subscription_total)


class Ignored(Exception):
    """The event is not about one of our gifts; the message says why."""


class NotReady(Exception):
    """The event is about a gift we have not recorded yet; apply it later."""


def _checkout_donation(session: dict) -> Donation:
    donation = find_donation(stripe_checkout_session_id=session.get("id"))
    if donation is None:
        ident = metadata_donation_id(session) or _int(session.get("client_reference_id"))
        donation = find_donation(id=ident)
        if donation is not None and donation.stripe_checkout_session_id not in (None, session.get("id")):
            donation = None   # our id, but on a session we did not make for it
    if donation is None:
        raise Ignored("not a Checkout Session of ours")
    donation.stripe_checkout_session_id = session.get("id")
    return donation


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def checkout_completed(event: dict, session: dict, extra: dict) -> str:
    """The donor finished Checkout: paid now, or (bank debits) paid later."""
    donation = _checkout_donation(session)
    customer = object_id(session.get("customer"))
    donation.stripe_customer_id = donation.stripe_customer_id or customer
    details_email = (session.get("customer_details") or {}).get("email")
    match_member(donation, details_email)
    note = f"gift {donation.id}"
    if session.get("mode") == "subscription" and session.get("subscription"):
        gift = recurring_from_origin(donation, object_id(session["subscription"]), customer)
        invoice = object_id(session.get("invoice"))
        if invoice and donation.stripe_invoice_id is None and find_donation(stripe_invoice_id=invoice) is None:
            donation.stripe_invoice_id = invoice
        note += f", monthly gift {gift.id}"
    else:
        donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or object_id(session.get("payment_intent"))
    if session.get("payment_status") == "paid":
        mark_paid(donation, stripe_time(event["created"]))
        note += " paid"
    elif donation.paid_at is None:
        donation.processing_at = donation.processing_at or stripe_time(event["created"])
        note += " waiting for the payment to settle"
    donation.refresh_status()
    return note


def checkout_async_failed(event: dict, session: dict, extra: dict) -> str:
    donation = _checkout_donation(session)
    donation.failed_at = donation.failed_at or stripe_time(event["created"])
    donation.failure_reason = "The bank payment did not go through."
    donation.refresh_status()
    return f"gift {donation.id} failed"


def checkout_expired(event: dict, session: dict, extra: dict) -> str:
    donation = _checkout_donation(session)
    donation.expired_at = donation.expired_at or stripe_time(event["created"])
    donation.refresh_status()
    return f"gift {donation.id} not completed ({donation.status})"


def _recurring_for_invoice(invoice: dict) -> RecurringGift:
    subscription_id = invoice_subscription_id(invoice)
    if not subscription_id:
        raise Ignored("an invoice that is not for a monthly gift")
    gift = find_recurring(subscription_id, invoice_metadata(invoice), object_id(invoice.get("customer")))
    if gift is None:
        raise NotReady(f"subscription {subscription_id} is not known yet")
    return gift


def invoice_paid(event: dict, invoice: dict, extra: dict) -> str:
    """A monthly charge succeeded: each one becomes its own donation row with its own receipt."""
    gift = _recurring_for_invoice(invoice)
    total = int(invoice.get("amount_paid") or 0)
    if total <= 0:
        raise Ignored("an invoice with nothing charged")
    donation = find_donation(stripe_invoice_id=invoice["id"])
    if donation is None:
        reason = invoice.get("billing_reason")
        # Only a subscription's first invoice can pay the gift made on the donate page; a renewal
        # ("subscription_cycle", the monthly case) needs no look at it. An invoice
        # without a reason (localstripe sends none) pays it if it is still unpaid.
        origin = origin_of(gift) if reason in ("subscription_create", None) else None
        if (origin is not None and origin.stripe_invoice_id is None
                and (reason == "subscription_create" or origin.paid_at is None)):
            donation = origin
            donation.stripe_invoice_id = invoice["id"]
        else:
            donation = new_monthly_charge(gift, invoice["id"], total)
    intent, charge = invoice_payment_ids(invoice)
    donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or intent
    donation.stripe_charge_id = donation.stripe_charge_id or charge
    donation.stripe_customer_id = donation.stripe_customer_id or object_id(invoice.get("customer"))
    mark_paid(donation, invoice_paid_at(invoice, event["created"]), invoice.get("customer_email"))
    if gift.last_failed_invoice_id == invoice["id"]:
        gift.last_failed_invoice_id = None   # the donor fixed it
    return f"monthly gift {gift.id}: charge recorded as gift {donation.id}"


def invoice_payment_failed(event: dict, invoice: dict, extra: dict) -> str:
    """A monthly charge failed: note why, and ask the donor to fix their card."""
    gift = _recurring_for_invoice(invoice)
    paid_already = find_donation(stripe_invoice_id=invoice["id"])
    when = stripe_time(event["created"])
    reason = (extra.get("decline_reason") or ((invoice.get("last_finalization_error") or {}).get("message"))
              or "The card was declined.")
    if gift.last_failure_at is None or when >= gift.last_failure_at:
        gift.last_failure_at = when
        gift.last_failure_reason = reason[:500]
    gift.failed_payment_count += 1
    if paid_already is not None and paid_already.paid_at is not None:
        return f"monthly gift {gift.id}: an earlier failure of a charge since paid"
    gift.last_failed_invoice_id = invoice["id"]
    if gift.is_live:
        queue_payment_failed(gift, invoice["id"], int(invoice.get("attempt_count") or 1))
    return f"monthly gift {gift.id}: payment failed ({reason})"


def subscription_changed(event: dict, subscription: dict, extra: dict) -> str:
    """Follow Stripe's status of a monthly gift; an older event never overwrites a newer one."""
    gift = find_recurring(subscription["id"], subscription.get("metadata"), object_id(subscription.get("customer")))
    if gift is None:
        raise NotReady(f"subscription {subscription['id']} is not known yet")
    status = "canceled" if event["type"] == "customer.subscription.deleted" else subscription.get("status")
    if gift.status in ("canceled", "incomplete_expired"):
        return f"monthly gift {gift.id} had already ended"
    if event["created"] < gift.status_event_created:
        return f"monthly gift {gift.id}: older news, kept {gift.status}"
    gift.status = status or gift.status
    gift.status_event_created = event["created"]
    gift.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    gift.current_period_end = subscription_period_end(subscription) or gift.current_period_end
    if status == "canceled":
        gift.canceled_at = stripe_time(subscription.get("canceled_at") or subscription.get("ended_at") or event["created"])
    total = subscription_total(subscription)
    if total and total != gift.total_cents:
        gift.amount_cents, gift.fee_cents, gift.total_cents = total, 0, total
    return f"monthly gift {gift.id} is {gift.status}"


def _donation_for_charge(charge_id: str | None, intent_id: str | None, charge: dict | None,
                         extra: dict) -> Donation:
    donation = find_donation(stripe_charge_id=charge_id, stripe_payment_intent_id=intent_id)
    if donation is None and charge:
        donation = find_donation(id=metadata_donation_id(charge), stripe_invoice_id=object_id(charge.get("invoice")))
    if donation is None and extra.get("invoice"):
        donation = find_donation(stripe_invoice_id=extra["invoice"])
    if donation is None:
        raise NotReady(f"charge {charge_id} does not match a recorded gift yet")
    donation.stripe_charge_id = donation.stripe_charge_id or charge_id
    donation.stripe_payment_intent_id = donation.stripe_payment_intent_id or intent_id
    return donation


def charge_refunded(event: dict, charge: dict, extra: dict) -> str:
    """A full or partial refund; amounts only grow, so repeats and reordering change nothing."""
    donation = _donation_for_charge(charge["id"], object_id(charge.get("payment_intent")), charge, extra)
    if donation.paid_at is None and charge.get("paid", True):
        mark_paid(donation, stripe_time(charge.get("created") or event["created"]))
    refunded = int(charge.get("amount_refunded") or 0)
    if refunded <= donation.refunded_cents:
        return f"gift {donation.id}: refund already recorded"
    donation.refunded_cents = min(refunded, donation.total_cents)
    donation.refunded_at = stripe_time(event["created"])
    donation.refresh_status()
    queue_refund_notice(donation)
    return f"gift {donation.id}: {donation.refunded_cents} cents refunded in all"


def dispute_created(event: dict, dispute: dict, extra: dict) -> str:
    charge = dispute.get("charge")
    donation = _donation_for_charge(object_id(charge), object_id(dispute.get("payment_intent")),
                                    charge if isinstance(charge, dict) else None, extra)
    when = stripe_time(dispute.get("created") or event["created"])
    donation.disputed_at = min(donation.disputed_at, when) if donation.disputed_at else when
    donation.dispute_reason = (dispute.get("reason") or "")[:100] or None
    donation.refresh_status()
    return f"gift {donation.id} disputed"


HANDLERS = {
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

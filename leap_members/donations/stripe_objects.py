"""The Stripe objects our handlers act on, each read once into a small typed value.

One parse function per object type copes with what API versions do differently (old webhook
endpoints and new ones shape invoices and subscriptions differently) and with expandable
fields, which come as a bare id or as the expanded object. A field Stripe may leave out or
null is optional here; a value of the wrong type reads as missing. Only an object without
the id that names it raises Malformed.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

StripeDict = Mapping[str, Any]


class Malformed(ValueError):
    """A Stripe object lacks the id that names it."""


@dataclass(frozen=True)
class PaymentRef:
    """What names the gift a payment paid: the ids on a charge, or on a dispute and its charge."""
    charge_id: str | None
    payment_intent_id: str | None
    donation_id: int | None = None   # ours, in the charge's metadata (when the charge is in the payload)
    invoice_id: str | None = None    # the invoice a monthly charge paid (older API versions say so)


@dataclass(frozen=True)
class CheckoutSession:
    id: str | None
    mode: str | None
    payment_status: str | None
    donation_id: int | None   # ours: from metadata, else client_reference_id
    customer_id: str | None
    customer_email: str | None   # customer_details.email: what the donor typed at Checkout
    payment_intent_id: str | None
    subscription_id: str | None
    invoice_id: str | None


@dataclass(frozen=True)
class Invoice:
    id: str
    subscription_id: str | None
    donation_id: int | None   # ours, in the subscription's metadata as copied onto the invoice (newer versions)
    customer_id: str | None
    customer_email: str | None
    amount_paid: int
    billing_reason: str | None
    attempt_count: int
    payment_intent_id: str | None
    charge_id: str | None
    paid_at: datetime | None
    failure_message: str | None   # last_finalization_error.message


@dataclass(frozen=True)
class Subscription:
    id: str
    status: str | None
    donation_id: int | None
    customer_id: str | None
    cancel_at_period_end: bool
    ended_at: datetime | None   # canceled_at, else ended_at
    current_period_end: datetime | None
    total_cents: int | None   # the monthly amount, from its one item


@dataclass(frozen=True)
class Charge:
    payment: PaymentRef
    paid: bool
    amount_refunded: int
    created: datetime | None


@dataclass(frozen=True)
class Dispute:
    payment: PaymentRef
    reason: str | None
    created: datetime | None


def _dict(value: Any) -> StripeDict:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    """A whole number, also from text ("12"); None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def object_id(value: Any) -> str | None:
    """The id of an expandable field: a bare id, or an expanded object."""
    return _text(value.get("id")) if isinstance(value, Mapping) else _text(value)


def _required_id(obj: StripeDict, kind: str) -> str:
    ident = _text(obj.get("id"))
    if ident is None:
        raise Malformed(f"a {kind} without an id")
    return ident


def stripe_time(seconds: Any) -> datetime | None:
    """A Stripe timestamp as the naive UTC datetime our columns store; None for none (or 0)."""
    whole = _int(seconds)
    if not whole:
        return None
    return datetime.fromtimestamp(whole, tz=timezone.utc).replace(tzinfo=None)


def event_time(event: StripeDict) -> datetime:
    """When Stripe created the event (envelope.check_envelope has made sure it can tell)."""
    return datetime.fromtimestamp(int(event["created"]), tz=timezone.utc).replace(tzinfo=None)


def metadata_donation_id(obj: Any) -> int | None:
    """Our gift id, if we put it in this object's metadata."""
    return _int(_dict(_dict(obj).get("metadata")).get("donation_id"))


def parse_checkout_session(session: StripeDict) -> CheckoutSession:
    return CheckoutSession(
        id=_text(session.get("id")), mode=_text(session.get("mode")),
        payment_status=_text(session.get("payment_status")),
        donation_id=metadata_donation_id(session) or _int(session.get("client_reference_id")),
        customer_id=object_id(session.get("customer")),
        customer_email=_text(_dict(session.get("customer_details")).get("email")),
        payment_intent_id=object_id(session.get("payment_intent")),
        subscription_id=object_id(session.get("subscription")), invoice_id=object_id(session.get("invoice")))


def parse_invoice(invoice: StripeDict) -> Invoice:
    # Newer versions put the subscription under parent.subscription_details (some under
    # subscription_details), and its payments under payments.data; older ones at the top.
    details = (_dict(_dict(invoice.get("parent")).get("subscription_details"))
               or _dict(invoice.get("subscription_details")))
    intent, charge = object_id(invoice.get("payment_intent")), object_id(invoice.get("charge"))
    for record in _list(_dict(invoice.get("payments")).get("data")):
        payment = _dict(_dict(record).get("payment"))
        intent = intent or object_id(payment.get("payment_intent"))
        charge = charge or object_id(payment.get("charge"))
    return Invoice(
        id=_required_id(invoice, "invoice"),
        subscription_id=object_id(invoice.get("subscription")) or object_id(details.get("subscription")),
        donation_id=metadata_donation_id(details), customer_id=object_id(invoice.get("customer")),
        customer_email=_text(invoice.get("customer_email")), amount_paid=_int(invoice.get("amount_paid")) or 0,
        billing_reason=_text(invoice.get("billing_reason")), attempt_count=_int(invoice.get("attempt_count")) or 1,
        payment_intent_id=intent, charge_id=charge,
        paid_at=stripe_time(_dict(invoice.get("status_transitions")).get("paid_at")),
        failure_message=_text(_dict(invoice.get("last_finalization_error")).get("message")))


def parse_subscription(subscription: StripeDict) -> Subscription:
    items = _list(_dict(subscription.get("items")).get("data"))
    item = _dict(items[0]) if items else {}
    # Newer versions keep the period on the item, older ones on the subscription; the amount is
    # the price's unit_amount, or the (older) plan's amount.
    period_end = subscription.get("current_period_end")
    price = _dict(item.get("price")) or _dict(item.get("plan"))
    unit = _int(price.get("unit_amount", price.get("amount")))
    return Subscription(
        id=_required_id(subscription, "subscription"), status=_text(subscription.get("status")),
        donation_id=metadata_donation_id(subscription), customer_id=object_id(subscription.get("customer")),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        ended_at=stripe_time(subscription.get("canceled_at") or subscription.get("ended_at")),
        current_period_end=stripe_time(item.get("current_period_end") if period_end is None else period_end),
        total_cents=None if unit is None else unit * (_int(item.get("quantity")) or 1))


def _payment_ref(charge: Any, payment_intent: Any) -> PaymentRef:
    """The ids on a charge (bare id or expanded) and the payment intent named beside it."""
    expanded = _dict(charge)
    return PaymentRef(charge_id=object_id(charge), payment_intent_id=object_id(payment_intent),
                      donation_id=metadata_donation_id(expanded), invoice_id=object_id(expanded.get("invoice")))


def parse_charge(charge: StripeDict) -> Charge:
    return Charge(payment=_payment_ref(charge, charge.get("payment_intent")),
                  paid=bool(charge.get("paid", True)), amount_refunded=_int(charge.get("amount_refunded")) or 0,
                  created=stripe_time(charge.get("created")))


def parse_dispute(dispute: StripeDict) -> Dispute:
    return Dispute(payment=_payment_ref(dispute.get("charge"), dispute.get("payment_intent")),
                   reason=_text(dispute.get("reason")), created=stripe_time(dispute.get("created")))

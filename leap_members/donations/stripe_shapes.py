"""Reading Stripe objects whatever API version shaped them (old webhook endpoints and new ones differ)."""
from datetime import datetime, timezone


def object_id(value) -> str | None:
    """The id of an expandable field: a bare id, or an expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def stripe_time(seconds: int | None) -> datetime | None:
    """A Stripe timestamp as the naive UTC datetime our columns store."""
    if not seconds:
        return None
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).replace(tzinfo=None)


def metadata_donation_id(obj: dict | None) -> int | None:
    """Our gift id, if we put it in this object's metadata."""
    value = ((obj or {}).get("metadata") or {}).get("donation_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _subscription_details(invoice: dict) -> dict:
    parent = invoice.get("parent") or {}
    return parent.get("subscription_details") or invoice.get("subscription_details") or {}


def invoice_subscription_id(invoice: dict) -> str | None:
    return object_id(invoice.get("subscription")) or object_id(_subscription_details(invoice).get("subscription"))


def invoice_metadata(invoice: dict) -> dict:
    """The subscription's metadata as copied onto the invoice (newer API versions)."""
    return _subscription_details(invoice).get("metadata") or {}


def invoice_payment_ids(invoice: dict) -> tuple[str | None, str | None]:
    """(payment intent, charge) that paid an invoice, where the payload says."""
    intent, charge = object_id(invoice.get("payment_intent")), object_id(invoice.get("charge"))
    for record in ((invoice.get("payments") or {}).get("data") or []):
        payment = record.get("payment") or {}
        intent = intent or object_id(payment.get("payment_intent"))
        charge = charge or object_id(payment.get("charge"))
    return intent, charge


def invoice_paid_at(invoice: dict, fallback: int) -> datetime:
    paid = (invoice.get("status_transitions") or {}).get("paid_at")
    return stripe_time(paid or fallback)


def subscription_total(subscription: dict) -> int | None:
    """The monthly amount in cents, from the subscription's one item."""
    items = ((subscription.get("items") or {}).get("data") or [])
    if not items:
        return None
    item = items[0]
    price = item.get("price") or item.get("plan") or {}
    unit = price.get("unit_amount", price.get("amount"))
    if unit is None:
        return None
    return int(unit) * int(item.get("quantity") or 1)


def subscription_period_end(subscription: dict) -> datetime | None:
    end = subscription.get("current_period_end")
    if end is None:
        items = ((subscription.get("items") or {}).get("data") or [])
        end = items[0].get("current_period_end") if items else None
    return stripe_time(end)

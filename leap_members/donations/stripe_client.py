"""The one place that talks to Stripe. Every call is configured from app.config.

Views and services call these functions and catch StripeUnavailable; nothing else in
the app imports stripe's request machinery.
"""
import json
from typing import Any, Iterator

import stripe
from flask import current_app


class StripeUnavailable(RuntimeError):
    """Stripe could not be reached or refused our request; ``message`` is safe to show a donor."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail or message)
        self.message = message


class NotConfigured(StripeUnavailable):
    def __init__(self):
        super().__init__("Online giving is not configured yet.", "STRIPE_SECRET_KEY is not set")


def client() -> stripe.StripeClient:
    """A Stripe client for this app (a new one per call: settings may differ between apps)."""
    cfg = current_app.config
    key = cfg.get("STRIPE_SECRET_KEY")
    if not key:
        raise NotConfigured()
    options: dict[str, Any] = {"max_network_retries": cfg["STRIPE_MAX_NETWORK_RETRIES"],
                               "http_client": stripe.RequestsClient(timeout=cfg["STRIPE_TIMEOUT_SECONDS"])}
    if cfg.get("STRIPE_API_BASE"):
        options["base_addresses"] = {"api": cfg["STRIPE_API_BASE"]}
    return stripe.StripeClient(key, **options)


def _call(what: str, function, *args, **kwargs):
    """Run one Stripe request, turning its failures into StripeUnavailable."""
    try:
        return function(*args, **kwargs)
    except stripe.AuthenticationError as exc:
        current_app.logger.error("Stripe refused our API key while trying to %s: %s", what, exc)
        raise StripeUnavailable("Online giving is not working right now (our payment settings "
                                "need attention). Nothing was charged. Please try again later.", str(exc)) from exc
    except stripe.APIConnectionError as exc:
        current_app.logger.warning("Stripe unreachable while trying to %s: %s", what, exc)
        raise StripeUnavailable("We could not reach our payment processor. Nothing was charged. "
                                "Please try again in a few minutes.", str(exc)) from exc
    except stripe.StripeError as exc:
        current_app.logger.error("Stripe error while trying to %s: %s", what, exc)
        raise StripeUnavailable("Our payment processor could not handle this request. Nothing was "
                                "charged. Please try again later.", str(exc)) from exc


def as_dict(obj: Any) -> dict:
    """A plain dict of a Stripe object, the same shape as a webhook payload."""
    return obj.to_dict(recursive=True, for_json=True)


def create_customer(email: str, name: str, member_id: int) -> str:
    """Create the Stripe customer of a member; the same member always gets the same one."""
    customer = _call("create a customer", client().v1.customers.create,
                     {"email": email, "name": name, "metadata": {"member_id": str(member_id)}},
                     {"idempotency_key": f"leap-customer-member-{member_id}"})
    return customer.id


def update_customer_email(customer_id: str, email: str) -> None:
    """Tell Stripe a member's new e-mail address."""
    _call("update a customer's e-mail", client().v1.customers.update, customer_id, {"email": email})


def create_checkout_session(params: dict, idempotency_key: str) -> tuple[str, str]:
    """Create a Checkout Session; return its id and the URL to send the donor to."""
    session = _call("create a Checkout Session", client().v1.checkout.sessions.create,
                    params, {"idempotency_key": idempotency_key})
    return session.id, session.url


def create_portal_session(customer_id: str, return_url: str, update_card: bool = False) -> str:
    """A Billing Portal session for a donor; with ``update_card`` it opens on the card form."""
    params: dict = {"customer": customer_id, "return_url": return_url}
    if update_card:
        params["flow_data"] = {"type": "payment_method_update"}
    session = _call("open the Billing Portal", client().v1.billing_portal.sessions.create, params)
    return session.url


def refund(payment_intent_id: str | None, charge_id: str | None, amount_cents: int | None,
           idempotency_key: str) -> str:
    """Ask Stripe to refund (all or ``amount_cents`` of) a payment; the webhook records it."""
    params: dict = {"payment_intent": payment_intent_id} if payment_intent_id else {"charge": charge_id}
    if amount_cents:
        params["amount"] = amount_cents
    created = _call("refund a payment", client().v1.refunds.create, params, {"idempotency_key": idempotency_key})
    return created.id


def events_since(created_gte: int) -> Iterator[dict]:
    """Every Stripe event created at or after ``created_gte`` (Unix seconds), oldest first."""
    page = _call("list events", client().v1.events.list, {"created": {"gte": created_gte}, "limit": 100})
    found = [as_dict(event) for event in _call("list events", lambda: list(page.auto_paging_iter()))]
    # Stripe lists newest first; apply in the order things happened. An event without a whole
    # number for its time sorts first; reconciliation skips it (envelope.py).
    return iter(sorted(reversed(found), key=_created))


def _created(event: dict) -> int:
    created = event.get("created")
    return created if type(created) is int else 0


def decline_reason(payment_intent_id: str | None) -> str | None:
    """Why the last payment attempt of a payment intent failed, in Stripe's words, if known."""
    if not payment_intent_id:
        return None
    try:
        intent = client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.StripeError as exc:
        current_app.logger.warning("Could not read decline reason of %s: %s", payment_intent_id, exc)
        return None
    error = as_dict(intent).get("last_payment_error") or {}
    message, code = error.get("message"), error.get("decline_code") or error.get("code")
    return " ".join(part for part in (message, f"({code})" if code else None) if part) or None


def invoice_for_payment(payment_intent_id: str | None) -> str | None:
    """The invoice a payment intent paid (newer API versions no longer put it on the charge)."""
    if not payment_intent_id:
        return None
    try:
        found = client().v1.invoice_payments.list(
            {"payment": {"type": "payment_intent", "payment_intent": payment_intent_id}, "limit": 1})
    except stripe.StripeError as exc:
        current_app.logger.info("No invoice found for %s: %s", payment_intent_id, exc)
        return None
    records = as_dict(found).get("data") or []
    invoice = records[0].get("invoice") if records else None
    return invoice.get("id") if isinstance(invoice, dict) else invoice


def verify_webhook(body: str, signature: str | None) -> dict:
    """Check a webhook's signature and age; return the event as a plain dict.

    Raises stripe.SignatureVerificationError (forged, altered or stale) or ValueError (not JSON).
    """
    cfg = current_app.config
    # Only the check: the handlers read plain dicts, so no Stripe object tree is built.
    stripe.WebhookSignature.verify_header(body, signature, cfg.get("STRIPE_WEBHOOK_SECRET"),
                                          tolerance=cfg["STRIPE_WEBHOOK_TOLERANCE"])
    return json.loads(body)

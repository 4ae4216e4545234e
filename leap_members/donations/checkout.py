"""From the donate form to Stripe Checkout: the pending gift, then the Checkout Session."""
import hashlib
import json
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.links import public_link
from ..core.timeutil import utcnow
from ..extensions import db
from . import stripe_client
from .amounts import fee_to_cover
from .customers import ensure_customer
from .models import Donation, Fund, Kind


@dataclass(frozen=True)
class GiftChoice:
    """What the donor chose, copied from the form's declared fields only."""
    amount_cents: int
    kind: str
    cover_fee: bool
    fund_id: int | None
    first_name: str
    last_name: str
    email: str
    anonymous: bool
    tribute_type: str | None
    tribute_name: str | None
    tribute_notify_email: str | None


def active_funds() -> list[Fund]:
    return list(db.session.scalars(select(Fund).where(Fund.active).order_by(Fund.position, Fund.name)))


def submission_key(choice: GiftChoice, nonce: str, member_id: int | None) -> str:
    """The same form sent twice with the same choices gives the same key."""
    canonical = json.dumps({"choice": asdict(choice), "nonce": nonce, "member": member_id}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def start_gift(choice: GiftChoice, member, key: str) -> Donation:
    """The pending gift for this submission: a new one, or the one a double click already made."""
    existing = db.session.scalar(select(Donation).where(Donation.submission_key == key))
    if existing is not None:
        return existing
    if choice.fund_id is not None and db.session.get(Fund, choice.fund_id) is None:
        raise ValueError("unknown fund")
    fee = fee_to_cover(choice.amount_cents) if choice.cover_fee else 0
    donation = Donation(
        kind=choice.kind, amount_cents=choice.amount_cents, fee_cents=fee, total_cents=choice.amount_cents + fee,
        currency=current_app.config["DONATION_CURRENCY"], fund_id=choice.fund_id,
        member_id=member.id if member is not None else None, donor_email=choice.email,
        donor_first_name=choice.first_name, donor_last_name=choice.last_name, anonymous=choice.anonymous,
        tribute_type=choice.tribute_type or None, tribute_name=choice.tribute_name if choice.tribute_type else None,
        tribute_notify_email=choice.tribute_notify_email if choice.tribute_type else None, submission_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(donation)
    except IntegrityError:
        # Another request with the same submission won the race: use its gift.
        found = db.session.scalar(select(Donation).where(Donation.submission_key == key))
        if found is None:
            raise
        return found
    return donation


def open_checkout(donation: Donation, member) -> str:
    """Create (or find again) the Checkout Session of a pending gift; return its URL.

    Raises StripeUnavailable. The idempotency key is the gift's, so a double click or a
    retry after a failed commit gets the same session back from Stripe.
    """
    if donation.checkout_url:
        return donation.checkout_url
    customer_id = ensure_customer(member) if member is not None else None
    session_id, url = stripe_client.create_checkout_session(
        checkout_params(donation, customer_id), idempotency_key=f"leap-checkout-{donation.public_token}")
    donation.stripe_checkout_session_id = session_id
    donation.checkout_url = url
    donation.stripe_customer_id = customer_id
    return url


def record_checkout_failure(donation: Donation, reason: str) -> None:
    """Stripe never created a session: the gift failed before any payment was possible."""
    donation.failed_at = donation.failed_at or utcnow()
    donation.failure_reason = reason[:500]
    donation.refresh_status()


def gift_description(donation: Donation) -> str:
    org = current_app.config["ORG_NAME"]
    fund = donation.fund.name if donation.fund else current_app.config["DONATION_GENERAL_FUND_LABEL"]
    prefix = "Monthly gift" if donation.kind == Kind.MONTHLY else "Gift"
    return f"{prefix} to {org} — {fund}"


def checkout_params(donation: Donation, customer_id: str | None) -> dict:
    """The Checkout Session request for a gift: inline price, our gift id in metadata."""
    monthly = donation.kind == Kind.MONTHLY
    metadata = {"donation_id": str(donation.id)}
    price_data: dict = {"currency": donation.currency, "unit_amount": donation.total_cents,
                        "product_data": {"name": gift_description(donation)}}
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    params: dict = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": public_link("donations.thanks", token=donation.public_token),
        "cancel_url": public_link("donations.cancelled", token=donation.public_token),
        "client_reference_id": str(donation.id),
        "metadata": metadata,
    }
    if customer_id:
        params["customer"] = customer_id
    else:
        params["customer_email"] = donation.donor_email
    if monthly:
        params["subscription_data"] = {"metadata": metadata, "description": gift_description(donation)}
    else:
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata, "description": gift_description(donation)}
        if not customer_id:
            params["customer_creation"] = "always"
    return params


def donation_by_token(token: str) -> Donation | None:
    return db.session.scalar(select(Donation).where(Donation.public_token == token))

"""Receipt numbers and the e-mails a gift causes: receipts, refunds, tributes, failed payments."""
from flask import current_app

from ..core.links import public_link
from ..core.tokens import make_token
from ..mail.services import queue_email
from .models import Donation, RecurringGift

FIX_CARD_PURPOSE = "donations-fix-card"


def org_facts() -> dict:
    """What every receipt states about the organisation."""
    cfg = current_app.config
    return {"legal_name": cfg["ORG_LEGAL_NAME"], "ein": cfg["ORG_EIN"], "address": cfg["ORG_ADDRESS"]}


def assign_receipt_number(donation: Donation) -> None:
    """Give a paid gift its receipt number; a number once given never changes."""
    if donation.receipt_number is None and donation.paid_at is not None:
        donation.receipt_number = f"LEAP-{donation.paid_at.year}-{donation.id:07d}"


def receipt_url(donation: Donation) -> str:
    return public_link("donations.receipt", token=donation.public_token)


def queue_receipt(donation: Donation) -> None:
    """E-mail the receipt of a paid gift, once."""
    assign_receipt_number(donation)
    queue_email(donation.donor_email, f"Your receipt from {current_app.config['ORG_NAME']} ({donation.receipt_number})",
                "donations_receipt", kind="donation-receipt", dedupe_key=f"donation-receipt:{donation.id}",
                donation=donation, org=org_facts(), link=receipt_url(donation))


def queue_refund_notice(donation: Donation) -> None:
    """Tell the donor a refund was made; one message per refunded total."""
    queue_email(donation.donor_email, f"Refund of your gift ({donation.receipt_number or 'LEAP'})",
                "donations_refund", kind="donation-refund",
                dedupe_key=f"donation-refund:{donation.id}:{donation.refunded_cents}",
                donation=donation, org=org_facts(), link=receipt_url(donation))


def queue_tribute_notice(donation: Donation) -> None:
    """Tell the person the donor named that a gift was dedicated, without the amount."""
    if not (donation.tribute_notify_email and donation.tribute_label):
        return
    queue_email(donation.tribute_notify_email, f"A gift to {current_app.config['ORG_NAME']} {donation.tribute_phrase}",
                "donations_tribute", kind="donation-tribute", dedupe_key=f"donation-tribute:{donation.id}",
                donation=donation)


def fix_card_link(gift: RecurringGift) -> str:
    token = make_token(FIX_CARD_PURPOSE, {"id": gift.id, "sub": gift.stripe_subscription_id})
    return public_link("donations.fix_card", token=token)


def queue_payment_failed(gift: RecurringGift, invoice_id: str, attempt: int) -> None:
    """Ask the donor to fix their card, once per failed attempt of an invoice."""
    queue_email(gift.donor_email, "Your monthly gift to LEAP did not go through", "donations_payment_failed",
                kind="donation-payment-failed", dedupe_key=f"recurring-failed:{invoice_id}:{attempt}",
                gift=gift, link=fix_card_link(gift),
                days=current_app.config["DONATION_FIX_CARD_LINK_DAYS"])

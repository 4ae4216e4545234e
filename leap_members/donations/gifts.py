"""Changes to gifts that several Stripe events share: paid, matched to a member, monthly links."""
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..members.models import Member, MembershipStatus
from .models import Donation, Kind, RecurringGift
from .receipts import queue_receipt, queue_tribute_notice

DETAIL_FIELDS = ("amount_cents", "fee_cents", "total_cents", "currency", "donor_email", "donor_first_name",
                 "donor_last_name", "anonymous", "tribute_type", "tribute_name")


def find_donation(**criteria) -> Donation | None:
    """The gift with one of these Stripe ids (the first criterion that is given and matches).

    The row is locked until commit (PostgreSQL), so two events about one gift (a payment and
    its refund) are applied one after the other, the second on the first's result.
    """
    for column, value in criteria.items():
        if value is None:
            continue
        found = db.session.scalar(select(Donation).where(getattr(Donation, column) == value)
                                  .with_for_update().execution_options(populate_existing=True))
        if found is not None:
            return found
    return None


def member_for_email(email: str | None) -> Member | None:
    """The member whose confirmed address this is (gifts are matched only to proven addresses)."""
    if not email:
        return None
    member = db.session.scalar(select(Member).where(Member.email == email.strip().lower()))
    if member is None or member.email_confirmed_at is None or member.status == MembershipStatus.MERGED:
        return None
    return member


def match_member(donation: Donation, *emails: str | None) -> None:
    """Link a gift made without logging in to the member with the same confirmed address."""
    if donation.member_id is not None:
        return
    for email in (donation.donor_email, *emails):
        member = member_for_email(email)
        if member is not None:
            donation.member_id = member.id
            return


def mark_paid(donation: Donation, when: datetime, *emails: str | None) -> bool:
    """Record that the gift's money arrived; the first time, number and e-mail the receipt.

    ``emails``: addresses besides the donor's that may link the gift to a member.
    """
    first = donation.paid_at is None
    donation.paid_at = when if donation.paid_at is None else min(donation.paid_at, when)
    match_member(donation, *emails)
    donation.refresh_status()
    if first:
        if donation.id is None:
            db.session.flush()   # the receipt number is made from the id
        queue_receipt(donation)
        if donation.stripe_checkout_session_id:   # a tribute is announced once, not every month
            queue_tribute_notice(donation)
    return first


def origin_of(gift: RecurringGift) -> Donation | None:
    """The pending gift made on the donate page whose checkout started this monthly gift."""
    return db.session.scalar(select(Donation).where(
        Donation.recurring_gift_id == gift.id, Donation.stripe_checkout_session_id.is_not(None)))


def recurring_from_origin(origin: Donation, subscription_id: str, customer_id: str | None) -> RecurringGift:
    """The monthly gift of a subscription, created from the donate-page gift the first time."""
    gift = db.session.scalar(select(RecurringGift).where(RecurringGift.stripe_subscription_id == subscription_id))
    if gift is None:
        gift = RecurringGift(stripe_subscription_id=subscription_id, stripe_customer_id=customer_id,
                             member_id=origin.member_id, fund_id=origin.fund_id,
                             **{name: getattr(origin, name) for name in DETAIL_FIELDS})
        db.session.add(gift)
        db.session.flush()
    origin.recurring_gift_id = gift.id
    gift.stripe_customer_id = gift.stripe_customer_id or customer_id
    gift.member_id = gift.member_id or origin.member_id
    return gift


def find_recurring(subscription_id: str, origin_id: int | None, customer_id: str | None) -> RecurringGift | None:
    """The monthly gift of a subscription: known already, or made now from the gift ``origin_id``
    (the donation_id in its metadata).

    A known gift's row is locked until commit, so an older status update waiting behind a newer
    one sees the newer one's result and leaves it alone.
    """
    gift = db.session.scalar(select(RecurringGift).where(RecurringGift.stripe_subscription_id == subscription_id)
                             .with_for_update().execution_options(populate_existing=True))
    if gift is not None:
        return gift
    if origin_id is None:
        return None
    origin = db.session.get(Donation, origin_id)
    if origin is None or origin.kind != Kind.MONTHLY:
        return None
    return recurring_from_origin(origin, subscription_id, customer_id)


def new_monthly_charge(gift: RecurringGift, invoice_id: str, total_cents: int) -> Donation:
    """A donation row for one monthly charge, carrying the monthly gift's choices."""
    details = {name: getattr(gift, name) for name in DETAIL_FIELDS}
    if total_cents != gift.total_cents:
        details.update(amount_cents=total_cents, fee_cents=0)
    details["total_cents"] = total_cents
    donation = Donation(kind=Kind.MONTHLY, recurring_gift_id=gift.id, member_id=gift.member_id,
                        fund_id=gift.fund_id, stripe_invoice_id=invoice_id,
                        stripe_customer_id=gift.stripe_customer_id, **details)
    db.session.add(donation)
    db.session.flush()
    return donation

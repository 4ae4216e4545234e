"""What staff look at: filtered gift lists with totals, problem monthly gifts, funds, refunds."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select

from ..core.timeutil import after_day, day_starts, utcnow
from ..extensions import db
from . import stripe_client
from .models import Donation, Fund, RecurringGift, RecurringStatus


@dataclass(frozen=True)
class GiftFilters:
    date_from: date | None = None
    date_to: date | None = None
    kind: str | None = None
    status: str | None = None
    fund: str | None = None     # a fund id, "general" (no fund), or None for all


@dataclass(frozen=True)
class Totals:
    count: int
    received_cents: int
    refunded_cents: int

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.refunded_cents


def _when():
    # Paid gifts by the day they were paid; unpaid ones by the day they were started.
    return func.coalesce(Donation.paid_at, Donation.created_at)


def filtered(filters: GiftFilters) -> Select:
    query = select(Donation)
    if filters.date_from:
        query = query.where(_when() >= day_starts(filters.date_from))
    if filters.date_to:
        query = query.where(_when() < after_day(filters.date_to))
    if filters.kind:
        query = query.where(Donation.kind == filters.kind)
    if filters.status:
        query = query.where(Donation.status == filters.status)
    if filters.fund == "general":
        query = query.where(Donation.fund_id.is_(None))
    elif filters.fund:
        query = query.where(Donation.fund_id == int(filters.fund))
    return query


def gift_page(filters: GiftFilters, limit: int = 200) -> list[Donation]:
    return list(db.session.scalars(filtered(filters).order_by(_when().desc(), Donation.id.desc()).limit(limit)))


def totals(filters: GiftFilters) -> Totals:
    """Count of the listed gifts, with money received and refunded among them."""
    sub = filtered(filters).subquery()
    received = case((sub.c.paid_at.is_not(None), sub.c.total_cents), else_=0)
    refunded = case((sub.c.paid_at.is_not(None), sub.c.refunded_cents), else_=0)
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(received), 0),
                                    func.coalesce(func.sum(refunded), 0)).select_from(sub)).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]))


def export_rows(filters: GiftFilters):
    """Rows for the CSV, read lazily in chunks so a large export streams."""
    funds = {fund.id: fund.name for fund in db.session.scalars(select(Fund))}
    stream = db.session.execute(filtered(filters).order_by(Donation.id).execution_options(yield_per=500)).scalars()
    for gift in stream:
        yield (gift.id, gift.receipt_number, gift.paid_at.isoformat(sep=" ") if gift.paid_at else "",
               gift.created_at.isoformat(sep=" "), gift.kind, gift.status, f"{gift.total_cents / 100:.2f}",
               f"{gift.amount_cents / 100:.2f}", f"{gift.fee_cents / 100:.2f}", f"{gift.refunded_cents / 100:.2f}",
               gift.currency.upper(), funds.get(gift.fund_id, "General"), gift.donor_first_name,
               gift.donor_last_name, gift.donor_email, gift.anonymous, gift.tribute_label or "",
               gift.member_id or "", gift.stripe_payment_intent_id or "", gift.stripe_invoice_id or "")


EXPORT_HEADER = ["Gift id", "Receipt number", "Paid at (UTC)", "Started at (UTC)", "Kind", "Status",
                 "Total charged", "Gift amount", "Fee covered", "Refunded", "Currency", "Fund",
                 "First name", "Last name", "E-mail", "Anonymous", "Dedication", "Member id",
                 "Stripe payment intent", "Stripe invoice"]


def problem_monthly_gifts(limit: int = 100) -> list[RecurringGift]:
    """Monthly gifts that are past due or unpaid, or whose latest charge failed and is not fixed."""
    return list(db.session.scalars(select(RecurringGift).where(or_(
        RecurringGift.status.in_(RecurringStatus.TROUBLE),
        RecurringGift.last_failed_invoice_id.is_not(None) & RecurringGift.status.not_in(RecurringStatus.ENDED),
    )).order_by(RecurringGift.last_failure_at.desc()).limit(limit)))


def all_funds() -> list[Fund]:
    return list(db.session.scalars(select(Fund).order_by(Fund.position, Fund.name)))


def save_fund(fund: Fund | None, name: str, description: str | None, position: int, active: bool) -> Fund:
    """Create or edit a fund. Raises ValueError if another fund has the name."""
    clash = db.session.scalar(select(Fund).where(func.lower(Fund.name) == name.lower()))
    if clash is not None and clash is not fund:
        raise ValueError("Another fund already has this name.")
    if fund is None:
        fund = Fund(name=name)
        db.session.add(fund)
    fund.name, fund.description, fund.position, fund.active = name, description, position, active
    db.session.flush()
    return fund


def refundable_cents(donation: Donation) -> int:
    return donation.total_cents - donation.refunded_cents if donation.paid_at else 0


def request_refund(donation: Donation, amount_cents: int | None) -> str:
    """Ask Stripe for a refund; the charge.refunded webhook records it. Raises StripeUnavailable.

    The idempotency key names what is refunded so far, so a double-clicked button refunds once.
    """
    if refundable_cents(donation) <= 0:
        raise ValueError("Nothing is left to refund on this gift.")
    if not (donation.stripe_payment_intent_id or donation.stripe_charge_id):
        raise ValueError("Stripe has not told us which payment this gift was, so it cannot be refunded here.")
    key = f"leap-refund-{donation.id}-{donation.refunded_cents}-{amount_cents or 'all'}"
    refund_id = stripe_client.refund(donation.stripe_payment_intent_id, donation.stripe_charge_id,
                                     amount_cents, idempotency_key=key)
    donation.refund_requested_at = utcnow()
    return refund_id



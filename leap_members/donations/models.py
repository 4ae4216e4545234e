"""Gifts, monthly gifts, funds, the link to a member's Stripe customer, and Stripe events seen."""
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.identifiers import HasUuid
from ..core.timeutil import utcnow
from ..extensions import Model

# Stripe's event id and type, as stored (envelope.py refuses longer ones before they are).
EVENT_ID_LENGTH = 255
EVENT_TYPE_LENGTH = 100


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


class Kind:
    ONE_TIME = "one_time"
    MONTHLY = "monthly"
    LABELS = {ONE_TIME: "One-time", MONTHLY: "Monthly"}


class GiftStatus:
    """What a gift's facts add up to (see Donation.refresh_status)."""
    PENDING = "pending"          # checkout started, nothing heard from Stripe yet
    PROCESSING = "processing"    # paid by a slow method (e.g. bank debit), not settled yet
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"
    FAILED = "failed"
    EXPIRED = "expired"          # the donor left Checkout without paying
    LABELS = {PENDING: "Pending", PROCESSING: "Processing", PAID: "Paid",
              PARTIALLY_REFUNDED: "Partly refunded", REFUNDED: "Refunded", DISPUTED: "Disputed",
              FAILED: "Failed", EXPIRED: "Not completed"}
    # Statuses whose money reached the organisation (refunds are subtracted separately).
    RECEIVED = (PAID, PARTIALLY_REFUNDED, REFUNDED, DISPUTED)


class Tribute:
    HONOUR = "honour"
    MEMORY = "memory"
    LABELS = {HONOUR: "In honour of", MEMORY: "In memory of"}


class Fund(Model):
    """A designation staff offer on the donate page."""
    __tablename__ = "donation_funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GiftDetailsMixin:
    """What the donor chose on the donate page; a monthly gift passes it to each charge."""
    amount_cents: Mapped[int]            # what the donor chose to give
    fee_cents: Mapped[int] = mapped_column(default=0)   # added to cover processing
    total_cents: Mapped[int]             # what the card is charged
    currency: Mapped[str] = mapped_column(String(3), default="usd")
    donor_email: Mapped[str] = mapped_column(String(254))
    donor_first_name: Mapped[str] = mapped_column(String(80))
    donor_last_name: Mapped[str] = mapped_column(String(80))
    anonymous: Mapped[bool] = mapped_column(default=False)
    tribute_type: Mapped[str | None] = mapped_column(String(10))
    tribute_name: Mapped[str | None] = mapped_column(String(120))
    tribute_notify_email: Mapped[str | None] = mapped_column(String(254))

    @property
    def donor_name(self) -> str:
        return f"{self.donor_first_name} {self.donor_last_name}".strip()

    @property
    def tribute_label(self) -> str | None:
        if not self.tribute_type or not self.tribute_name:
            return None
        return f"{Tribute.LABELS[self.tribute_type]} {self.tribute_name}"

    @property
    def tribute_phrase(self) -> str | None:
        """"in memory of Jane Doe": the label for the middle of a sentence."""
        label = self.tribute_label
        return label[0].lower() + label[1:] if label else None


class Donation(HasUuid, GiftDetailsMixin, Model):
    """One gift: a one-time payment, or one monthly charge of a recurring gift."""
    __tablename__ = "donations"
    __table_args__ = (
        Index("ix_donations_status_paid_at", "status", "paid_at"),
        Index("ix_donations_donor_email", "donor_email"),
        Index("ix_donations_updated_at", "updated_at", "id"),
        CheckConstraint("total_cents >= amount_cents AND amount_cents > 0", name="positive_amounts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=GiftStatus.PENDING)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("donation_funds.id", ondelete="SET NULL"), index=True)
    recurring_gift_id: Mapped[int | None] = mapped_column(
        ForeignKey("recurring_gifts.id", ondelete="SET NULL"), index=True)
    # Names the success and cancel pages; unguessable, so the URL shows nobody else's gift.
    public_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_public_token)
    # The donate form's submission; a double-clicked button finds the same pending gift.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), index=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_charge_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)

    # Facts heard from Stripe; the status is computed from them, so their order does not matter.
    paid_at: Mapped[datetime | None]
    processing_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    refunded_cents: Mapped[int] = mapped_column(default=0)
    refunded_at: Mapped[datetime | None]
    disputed_at: Mapped[datetime | None]
    dispute_reason: Mapped[str | None] = mapped_column(String(100))
    refund_requested_at: Mapped[datetime | None]

    # Assigned once, when the gift is first known to be paid; never changes afterwards.
    receipt_number: Mapped[str | None] = mapped_column(String(30), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fund: Mapped[Fund | None] = relationship()
    recurring_gift: Mapped["RecurringGift | None"] = relationship(
        back_populates="donations", foreign_keys=[recurring_gift_id])

    @property
    def is_received(self) -> bool:
        return self.paid_at is not None

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.refunded_cents if self.paid_at else 0

    @property
    def status_label(self) -> str:
        return GiftStatus.LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return Kind.LABELS.get(self.kind, self.kind)

    def refresh_status(self) -> None:
        """Derive the status from the facts recorded so far."""
        if self.paid_at is not None:
            if self.disputed_at is not None:
                self.status = GiftStatus.DISPUTED
            elif self.refunded_cents >= self.total_cents:
                self.status = GiftStatus.REFUNDED
            elif self.refunded_cents > 0:
                self.status = GiftStatus.PARTIALLY_REFUNDED
            else:
                self.status = GiftStatus.PAID
        elif self.failed_at is not None:
            self.status = GiftStatus.FAILED
        elif self.processing_at is not None:
            self.status = GiftStatus.PROCESSING
        elif self.expired_at is not None:
            self.status = GiftStatus.EXPIRED
        else:
            self.status = GiftStatus.PENDING


class RecurringStatus:
    """Stripe's subscription statuses, as staff and donors read them."""
    LABELS = {"incomplete": "Waiting for the first payment", "incomplete_expired": "First payment never made",
              "trialing": "Trial", "active": "Active", "past_due": "Past due", "unpaid": "Unpaid",
              "canceled": "Canceled", "paused": "Paused"}
    ACTIVE = "active"
    TROUBLE = ("past_due", "unpaid")
    ENDED = ("canceled", "incomplete_expired")


class RecurringGift(GiftDetailsMixin, Model):
    """A monthly gift: one Stripe subscription; its status follows Stripe."""
    __tablename__ = "recurring_gifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_subscription_id: Mapped[str] = mapped_column(String(255), unique=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("donation_funds.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="incomplete", index=True)
    # Stripe's time (seconds) of the event that set the status; older events do not overwrite it.
    status_event_created: Mapped[int] = mapped_column(default=0)
    current_period_end: Mapped[datetime | None]
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    canceled_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_failure_reason: Mapped[str | None] = mapped_column(String(500))
    last_failed_invoice_id: Mapped[str | None] = mapped_column(String(255))
    failed_payment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fund: Mapped[Fund | None] = relationship()
    donations: Mapped[list[Donation]] = relationship(
        back_populates="recurring_gift", foreign_keys=[Donation.recurring_gift_id], order_by="Donation.id")

    @property
    def status_label(self) -> str:
        return RecurringStatus.LABELS.get(self.status, self.status)

    @property
    def in_trouble(self) -> bool:
        return self.status in RecurringStatus.TROUBLE

    @property
    def is_live(self) -> bool:
        return self.status not in RecurringStatus.ENDED


class StripeCustomer(Model):
    """The Stripe customer of a member, reused for every gift they make while logged in."""
    __tablename__ = "stripe_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    stripe_customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The address Stripe has; differs from the member's while a change waits to be pushed.
    email: Mapped[str] = mapped_column(String(254))
    email_sync_pending: Mapped[bool] = mapped_column(default=False)
    email_sync_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EventOutcome:
    QUEUED = "queued"            # received and stored by the webhook; the event worker applies it
    APPLIED = "applied"
    IGNORED = "ignored"          # a type we do not act on, or about something that is not ours
    DEFERRED = "deferred"        # about a gift we have not heard of yet; retried as others arrive


class StripeEvent(Model):
    """Every Stripe event id, stored once: on arrival (queued) or with the change it caused."""
    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), unique=True)
    type: Mapped[str] = mapped_column(String(EVENT_TYPE_LENGTH))
    stripe_created: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(10), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    # {"event": ..., "extra": ...}, kept only while the event waits (queued or deferred).
    payload: Mapped[str | None] = mapped_column(Text)
    # Failed tries of the event worker, and when it tries again (back-off).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retry_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(12), default="webhook")   # webhook or reconcile
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]

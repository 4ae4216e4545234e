"""Reaching members: tags, saved segments, e-mail topics, bulk messages and what stops mail.

The words for an address's state are OSDI's (``EmailStatus``), so the API can give them as they are.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.identifiers import HasUuid
from ..core.timeutil import utcnow
from ..extensions import Model


class EmailStatus:
    """OSDI email_addresses[].status."""
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCING = "bouncing"
    PREVIOUS_BOUNCE = "previous bounce"
    SPAM_COMPLAINT = "spam complaint"
    PREVIOUS_SPAM_COMPLAINT = "previous spam complaint"
    ALL = (SUBSCRIBED, UNSUBSCRIBED, BOUNCING, PREVIOUS_BOUNCE, SPAM_COMPLAINT, PREVIOUS_SPAM_COMPLAINT)


class SuppressionReason:
    HARD_BOUNCE = "hard-bounce"
    SOFT_BOUNCES = "soft-bounces"      # three soft bounces within 30 days
    COMPLAINT = "complaint"
    MANUAL = "manual"                  # staff stopped mail to the address
    ALL = (HARD_BOUNCE, SOFT_BOUNCES, COMPLAINT, MANUAL)
    LABELS = {HARD_BOUNCE: "The address does not exist (hard bounce)",
              SOFT_BOUNCES: "Three soft bounces within 30 days",
              COMPLAINT: "The recipient marked a message as spam",
              MANUAL: "Stopped by staff"}


class DeliveryKind:
    HARD_BOUNCE = "hard-bounce"
    SOFT_BOUNCE = "soft-bounce"
    COMPLAINT = "complaint"
    ALL = (HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT)


class MailingStatus:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    SENT = "sent"
    WELCOME = "welcome"     # a step of the welcome series: sent to each member on their own day
    LABELS = {DRAFT: "Draft", SCHEDULED: "Scheduled", SENDING: "Sending", PAUSED: "Paused",
              CANCELLED: "Cancelled", SENT: "Sent", WELCOME: "Welcome series"}


class Tag(HasUuid, Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class MemberTag(Model):
    __tablename__ = "member_tags"
    __table_args__ = (Index("ix_member_tags_tag_member", "tag_id", "member_id"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))

    tag: Mapped[Tag] = relationship()


class TagChange(Model):
    """A tag put on or taken off a member: the member's timeline shows both."""
    __tablename__ = "tag_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    tag_name: Mapped[str] = mapped_column(String(80))   # kept if the tag is deleted later
    added: Mapped[bool]
    source: Mapped[str] = mapped_column(String(200))     # "member record", "directory selection", "CSV upload"
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class Segment(HasUuid, Model):
    """A directory query saved under a name, evaluated whenever it is used (never a frozen list)."""
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    query: Mapped[str] = mapped_column(Text, default="")          # directory query string (admin/filters.py)
    include_ids: Mapped[str] = mapped_column(String(400), default="")   # other segments, comma-separated ids
    exclude_ids: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class SegmentCount(Model):
    """A segment's size, recorded once a day (and whenever it is sent to): its count over time."""
    __tablename__ = "segment_counts"
    __table_args__ = (UniqueConstraint("segment_id", "day", name="uq_segment_counts_segment_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    day: Mapped[datetime]
    members: Mapped[int]


class Topic(Model):
    """What a bulk message is about ("Action alerts", "Newsletter"); members choose which they get."""
    __tablename__ = "email_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Members who agreed to e-mail updates get the topic unless they turned it off.
    on_by_default: Mapped[bool] = mapped_column(default=True)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicChoice(Model):
    """A member's own choice for one topic; without a row, the topic's default applies."""
    __tablename__ = "email_topic_choices"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("email_topics.id", ondelete="CASCADE"), primary_key=True)
    subscribed: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(200))   # "preference centre", "one-click unsubscribe", ...


class Suppression(Model):
    """An address that gets no bulk mail, and why. Lifting keeps the row (for "previous bounce")."""
    __tablename__ = "email_suppressions"
    __table_args__ = (
        # At most one suppression in force per address.
        Index("ix_email_suppressions_active_address", "address", unique=True,
              sqlite_where=text("lifted_at IS NULL"), postgresql_where=text("lifted_at IS NULL")),
        Index("ix_email_suppressions_address", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class DeliveryEvent(Model):
    """A bounce or complaint reported by the mail provider or read from a returned message."""
    __tablename__ = "email_delivery_events"
    __table_args__ = (Index("ix_email_delivery_events_address_kind", "address", "kind", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The provider's own id for the event (or the DSN's Message-ID): the same report twice is one event.
    source_key: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[str] = mapped_column(String(40))     # "postmark", "ses", "generic", "mailbox"
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(254))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="SET NULL"), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mailing(Model):
    """A bulk message: written once, sent to a segment's members who may get the topic."""
    __tablename__ = "mailings"
    __table_args__ = (Index("ix_mailings_status_scheduled", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_markdown: Mapped[str] = mapped_column(Text)
    topic_id: Mapped[int] = mapped_column(ForeignKey("email_topics.id"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=MailingStatus.DRAFT)
    scheduled_at: Mapped[datetime | None]
    # Opens and clicks are counted only when staff ask for it on the message (off by default).
    track_engagement: Mapped[bool] = mapped_column(default=False)
    # Set when the outbox rows are written: one row per recipient.
    recipients: Mapped[int | None]
    queued_at: Mapped[datetime | None]
    building_until: Mapped[datetime | None]     # the lease of the worker writing the outbox rows
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))

    topic: Mapped[Topic] = relationship()
    segment: Mapped[Segment | None] = relationship()


class Engagement(Model):
    """An open or a click of a message whose sender asked for them to be counted."""
    __tablename__ = "email_engagements"
    __table_args__ = (Index("ix_email_engagements_mailing_kind", "mailing_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"))
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))    # "open", "click"
    url: Mapped[str | None] = mapped_column(String(2000))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class WelcomeStep(Model):
    """One message of the welcome series: sent ``delay_days`` after a member confirms their address.

    Only members who confirm after the step was added get it: adding a step never mails the whole
    membership."""
    __tablename__ = "welcome_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    delay_days: Mapped[int]
    mailing_id: Mapped[int] = mapped_column(ForeignKey("mailings.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mailing: Mapped[Mailing] = relationship()

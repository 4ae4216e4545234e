"""The outbox: every e-mail is a row first, sent later by the worker."""
from datetime import datetime
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import Model


def new_message_id() -> str:
    """A Message-ID on the sender's domain, made once per message: every attempt to send it carries
    the same one, so a receiver can tell a resend after a crash from a new message."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    return make_msgid(domain=domain or "leap-members.invalid")


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
        # A bulk message goes at most once to each address, whoever presses Send and however often.
        UniqueConstraint("mailing_id", "to_address", name="uq_outbox_messages_mailing_address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # NULL for a bulk message's row: rendered for its member when sent (outreach/rendering.py).
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    # Indexed: a bounce or complaint may name its message only by this header (outreach/bounces.py).
    message_id: Mapped[str] = mapped_column(String(255), default=new_message_id, index=True)
    # What the message is about, for tracing (e.g. "confirm-email", "receipt", "mailing").
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Transactional mail (receipts, confirmations, resets, event details) ignores topic choices;
    # anything else is sent only to members who may get it (outreach/audience.py).
    transactional: Mapped[bool] = mapped_column(default=True, server_default=true())
    mailing_id: Mapped[int | None] = mapped_column(ForeignKey("mailings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    # Set when a message must be queued at most once (e.g. "receipt:42").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    # Not sent, and never will be: the member unsubscribed or the address was suppressed before its
    # turn came, or the message was cancelled.
    skipped_reason: Mapped[str | None] = mapped_column(String(120))

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        if self.skipped_reason:
            return "skipped"
        return "queued"

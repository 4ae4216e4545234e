"""The outbox: every e-mail is a row first, sent later by the worker."""
from datetime import datetime
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import Index, String, Text
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
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    message_id: Mapped[str] = mapped_column(String(255), default=new_message_id)
    # What the message is about, for tracing (e.g. "confirm-email", "receipt").
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Set when a message must be queued at most once (e.g. "receipt:42").
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "queued"

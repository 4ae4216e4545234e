"""What happened to a bulk message: per recipient, and counted."""
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select

from ..extensions import db
from ..mail.models import OutboxMessage
from ..members.models import Consent
from .models import DeliveryEvent, Engagement, Mailing

RECIPIENT_HEADER = ["E-mail", "Member number", "Outcome", "Sent at", "Bounce or complaint", "Why not sent or failed"]


@dataclass
class MailingReport:
    recipients: int
    sent: int
    waiting: int
    failed: int
    skipped: int
    bounced: int
    complaints: int
    unsubscribed: int
    opens: int | None       # None: not counted for this message
    clicks: int | None


# How each way of unsubscribing through a message is recorded as the consent's source: the unsubscribe
# page, the RFC 8058 one-click POST, and mail to MAIL_UNSUBSCRIBE_ADDRESS (returned_mail.py).
UNSUBSCRIBE_WAYS = {"page": "unsubscribe link", "one-click": "one-click unsubscribe", "mailto": "e-mailed unsubscribe"}


def unsubscribe_source(way: str, mailing_id: int) -> str:
    return f"{UNSUBSCRIBE_WAYS[way]} of message {mailing_id}"


def unsubscribe_sources(mailing_id: int) -> tuple[str, ...]:
    """Every consent source of unsubscribing through this message, for its report."""
    return tuple(unsubscribe_source(way, mailing_id) for way in UNSUBSCRIBE_WAYS)


def report(mailing: Mailing) -> MailingReport:
    rows = OutboxMessage.mailing_id == mailing.id
    counts = db.session.execute(select(
        func.count(),
        func.count(OutboxMessage.sent_at),
        func.count(OutboxMessage.failed_at),
        func.count(OutboxMessage.skipped_reason),
    ).where(rows)).one()
    total, sent, failed, skipped = (value or 0 for value in counts)
    events = dict(db.session.execute(select(DeliveryEvent.kind, func.count(func.distinct(DeliveryEvent.address)))
                                     .where(DeliveryEvent.mailing_id == mailing.id)
                                     .group_by(DeliveryEvent.kind)).all())
    unsubscribed = db.session.scalar(select(func.count(func.distinct(Consent.member_id))).where(
        Consent.granted.is_(False), Consent.source.in_(unsubscribe_sources(mailing.id)))) or 0
    opens = clicks = None
    if mailing.track_engagement:
        seen = dict(db.session.execute(select(Engagement.kind, func.count(func.distinct(Engagement.outbox_message_id)))
                                       .where(Engagement.mailing_id == mailing.id)
                                       .group_by(Engagement.kind)).all())
        opens, clicks = seen.get("open", 0), seen.get("click", 0)
    return MailingReport(recipients=total, sent=sent, waiting=total - sent - failed - skipped, failed=failed,
                         skipped=skipped, bounced=events.get("hard-bounce", 0) + events.get("soft-bounce", 0),
                         complaints=events.get("complaint", 0), unsubscribed=unsubscribed, opens=opens, clicks=clicks)


def recipient_rows(mailing_id: int, batch: int = 2000) -> Iterator[list]:
    """Every recipient with their outcome, in id order, read a batch at a time."""
    bounce = (select(func.max(DeliveryEvent.kind)).where(DeliveryEvent.outbox_message_id == OutboxMessage.id)
              .scalar_subquery())
    outcome = case((OutboxMessage.sent_at.is_not(None), "sent"), (OutboxMessage.failed_at.is_not(None), "failed"),
                   (OutboxMessage.skipped_reason.is_not(None), "not sent"), else_="waiting")
    last = 0
    while True:
        found = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.member_id, outcome,
                   OutboxMessage.sent_at, bounce, func.coalesce(OutboxMessage.skipped_reason, OutboxMessage.last_error))
            .where(OutboxMessage.mailing_id == mailing_id, OutboxMessage.id > last)
            .order_by(OutboxMessage.id).limit(batch)).all()
        if not found:
            return
        for row in found:
            yield list(row[1:])
        last = found[-1][0]

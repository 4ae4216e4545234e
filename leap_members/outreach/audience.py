"""Who may get bulk mail, in one place: the rules the sender, the recipient count and reminders share.

Never: members who turned the topic off or all bulk mail (``email_updates``), unconfirmed
addresses, addresses suppressed after a hard bounce or a complaint, merged and suspended records.
Transactional mail (receipts, confirmations, resets, event details) is the only mail that ignores
topic choices; it never asks here.
"""
from sqlalchemy import ColumnElement, exists, false, or_, select

from ..extensions import db
from ..members.models import Member, MembershipStatus
from .models import EmailStatus, Suppression, SuppressionReason, Topic, TopicChoice

# Records that may get bulk mail at all (merged records are empty shells; suspended members are out).
MAILABLE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.LAPSED)


def suppressed(address_column) -> ColumnElement:
    """The address has a suppression in force."""
    return exists().where(Suppression.address == address_column, Suppression.lifted_at.is_(None))


def wants_topic(topic: Topic) -> ColumnElement:
    """The member's own choice for ``topic``, or the topic's default where they made none."""
    choice = select(TopicChoice.subscribed).where(TopicChoice.member_id == Member.id,
                                                  TopicChoice.topic_id == topic.id).scalar_subquery()
    if topic.on_by_default:
        return or_(choice.is_(None), choice.is_(True))
    return choice.is_(True)


def may_get_bulk(topic: Topic | None) -> list[ColumnElement]:
    """WHERE clauses on ``members``: may get bulk mail, of ``topic`` if one is given."""
    where = [Member.email_updates.is_(True), Member.email_confirmed_at.is_not(None),
             Member.status.in_(MAILABLE_STATUSES), ~suppressed(Member.email)]
    if topic is not None:
        where.append(false() if topic.archived_at else wants_topic(topic))
    return where


def member_may_get(member: Member, topic: Topic | None = None) -> bool:
    """The same rules for one member (a reminder, a digest, a message about to be sent)."""
    return bool(db.session.scalar(select(exists().where(Member.id == member.id, *may_get_bulk(topic)))))


def address_may_get(address: str) -> bool:
    """Mail that is not to a member (a digest to a partner contact) still skips suppressed addresses."""
    return not db.session.scalar(select(suppressed(address)))


def email_status(member: Member) -> str:
    """The OSDI status of the member's address."""
    return email_statuses([member])[member.id]


def email_statuses(members) -> dict[int, str]:
    """The OSDI status of each member's address, by member id, in one query."""
    by_address: dict[str, list[tuple[str, object]]] = {}
    addresses = [member.email for member in members]
    if addresses:
        for address, reason, lifted in db.session.execute(
                select(Suppression.address, Suppression.reason, Suppression.lifted_at)
                .where(Suppression.address.in_(addresses)).order_by(Suppression.created_at.desc())):
            by_address.setdefault(address, []).append((reason, lifted))
    return {member.id: _status(by_address.get(member.email, []), member.email_updates) for member in members}


def _status(history: list[tuple[str, object]], email_updates: bool) -> str:
    active = next((reason for reason, lifted in history if lifted is None), None)
    if active == SuppressionReason.COMPLAINT:
        return EmailStatus.SPAM_COMPLAINT
    if active is not None:
        return EmailStatus.BOUNCING
    if not email_updates:
        return EmailStatus.UNSUBSCRIBED
    reasons = {reason for reason, _ in history}
    if SuppressionReason.COMPLAINT in reasons:
        return EmailStatus.PREVIOUS_SPAM_COMPLAINT
    if reasons & {SuppressionReason.HARD_BOUNCE, SuppressionReason.SOFT_BOUNCES}:
        return EmailStatus.PREVIOUS_BOUNCE
    return EmailStatus.SUBSCRIBED


def topic_choices(member: Member) -> dict[int, bool]:
    """Whether the member gets each open topic: their choice, or the topic's default."""
    chosen = dict(db.session.execute(select(TopicChoice.topic_id, TopicChoice.subscribed)
                                     .where(TopicChoice.member_id == member.id)).all())
    topics = db.session.scalars(select(Topic).where(Topic.archived_at.is_(None)).order_by(Topic.name))
    return {topic.id: chosen.get(topic.id, topic.on_by_default) for topic in topics}


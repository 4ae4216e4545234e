"""The last look before a leased batch is sent: who may still get it, and each bulk row rendered.

A member who unsubscribed, or whose address bounced, after a message was queued is skipped when
their turn comes (the row says why), never mailed.
"""
from collections.abc import Callable
from email.message import Message
from types import SimpleNamespace

from sqlalchemy import ColumnElement, or_, select, update

from ..core.leases import Lease
from ..extensions import db
from ..mail.models import OutboxMessage
from ..mail.sender import header_text
from ..members.models import Member
from .audience import may_get_bulk
from .models import Mailing, MailingStatus, Suppression
from .rendering import Prepared, prepare, render
from .verp import return_path

NOT_WANTED = "the member no longer gets this topic, or the address is suppressed"
SUPPRESSED = "the address is suppressed"


def sendable() -> ColumnElement:
    """An outbox row that may go now: not part of a bulk message, or of one that is sending."""
    live = select(Mailing.id).where(Mailing.status.in_((MailingStatus.SENDING, MailingStatus.WELCOME)))
    return or_(OutboxMessage.mailing_id.is_(None), OutboxMessage.mailing_id.in_(live))


def build_all(rows: list, build_plain: Callable[[object], Message],
              lease: Lease) -> list[tuple[int, Message, str | None]]:
    """The e-mails of leased rows, in order; rows nobody may get any more are marked skipped."""
    mailings = {mailing.id: mailing for mailing in db.session.scalars(
        select(Mailing).where(Mailing.id.in_({row.mailing_id for row in rows if row.mailing_id})))}
    members = {member.id: member for member in db.session.scalars(
        select(Member).where(Member.id.in_({row.member_id for row in rows if row.mailing_id and row.member_id})))}
    allowed = _still_allowed(rows, mailings)
    prepared = {mailing_id: prepare(mailing) for mailing_id, mailing in mailings.items()}   # once a batch
    blocked = _suppressed({row.to_address for row in rows if not row.transactional and not row.mailing_id})
    built, skipped = [], {}
    for row in rows:
        if row.transactional:
            built.append((row.id, build_plain(row), return_path(row.id)))
        elif not row.mailing_id:
            if row.to_address in blocked:
                skipped[row.id] = SUPPRESSED
            else:
                built.append((row.id, build_plain(row), return_path(row.id)))
        elif (row.mailing_id, row.member_id) not in allowed or row.member_id not in members:
            skipped[row.id] = NOT_WANTED
        else:
            built.append((row.id, _bulk_email(row, prepared[row.mailing_id], members[row.member_id], build_plain),
                          return_path(row.id)))
    for row_id, reason in skipped.items():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(skipped_reason=reason))
        lease.finished(row_id)
    return built


def _still_allowed(rows: list, mailings: dict[int, Mailing]) -> set[tuple[int, int]]:
    """(mailing, member) pairs of the batch whose member may still get the mailing's topic."""
    allowed: set[tuple[int, int]] = set()
    for mailing_id, mailing in mailings.items():
        ids = {row.member_id for row in rows if row.mailing_id == mailing_id and row.member_id}
        found = db.session.scalars(select(Member.id).where(Member.id.in_(ids), *may_get_bulk(mailing.topic)))
        allowed |= {(mailing_id, member_id) for member_id in found}
    return allowed


def _suppressed(addresses: set[str]) -> set[str]:
    if not addresses:
        return set()
    return set(db.session.scalars(select(Suppression.address).where(Suppression.address.in_(addresses),
                                                                     Suppression.lifted_at.is_(None))))


def _bulk_email(row, message: Prepared, member: Member, build_plain) -> Message:
    rendered = render(message, member, row.id)
    # The leased row with the member's own subject and bodies.
    email = build_plain(SimpleNamespace(to_address=row.to_address, subject=rendered.subject, body_text=rendered.text,
                                        body_html=rendered.html, reply_to=row.reply_to, message_id=row.message_id))
    for name, value in rendered.headers.items():
        email[name] = header_text(value)
    return email


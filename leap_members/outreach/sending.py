"""Sending a bulk message: checked, claimed once, written to the outbox in batches, paused, cancelled.

Pressing Send only moves the message to "sending" (one conditional UPDATE: a second press, by
anyone, changes nothing). The worker (``flask send-mail``) then writes one outbox row per recipient
with INSERT ... SELECT, BATCH members at a time in id order, each batch in its own commit, so no
list of recipients is ever held in memory and a restart resumes after the last member written.
The outbox's unique (mailing, address) means a message reaches an address at most once. The rows
carry no body: each is rendered for its member when it is sent (rendering.py).
"""
import secrets
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import ColumnElement, String, func, insert, literal, or_, select, update

from ..core.database import rows_changed
from ..core.leases import Lease
from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.models import OutboxMessage
from ..members.models import Member
from . import segments
from .audience import may_get_bulk
from .models import Mailing, MailingStatus
from .rendering import UnknownField, check_fields

BATCH = 5000
SKIPPED_CANCELLED = "cancelled before it was sent"


class CannotSend(ValueError):
    """Why the message cannot be sent or scheduled as it is."""


def audience(mailing: Mailing) -> list[ColumnElement]:
    """WHERE clauses on ``members``: the recipients of ``mailing`` if it were sent now."""
    if mailing.segment is None:
        raise CannotSend("Choose who the message is for (a segment).")
    try:
        in_segment = segments.matches(mailing.segment)
    except segments.BadSegment as exc:
        raise CannotSend(f"The segment cannot be used: {exc}") from None
    return [in_segment, *may_get_bulk(mailing.topic)]


def recipient_count(mailing: Mailing) -> int:
    return db.session.scalar(select(func.count()).select_from(Member).where(*audience(mailing))) or 0


def check_ready(mailing: Mailing, when: datetime | None = None) -> int:
    """Raise CannotSend with a clear message, or return how many members it would reach."""
    if not mailing.subject.strip():
        raise CannotSend("The subject is empty.")
    if not mailing.body_markdown.strip():
        raise CannotSend("The message is empty.")
    if mailing.topic.archived_at:
        raise CannotSend(f"The topic “{mailing.topic.name}” is archived.")
    try:
        check_fields(mailing.subject, mailing.body_markdown)
    except UnknownField as exc:
        raise CannotSend(str(exc)) from None
    if when is not None and when <= utcnow():
        raise CannotSend("The time to send is in the past. Choose a later time, or send now.")
    count = recipient_count(mailing)
    if count == 0:
        raise CannotSend("Nobody would get this message: the segment matches no member who may get this topic.")
    return count


def send(mailing_id: int, staff: Member, when: datetime | None = None) -> bool:
    """Start sending (or schedule) a draft; False if it was no longer a draft (sent by someone else)."""
    mailing = db.session.get_one(Mailing, mailing_id)
    check_ready(mailing, when)
    status = MailingStatus.SCHEDULED if when else MailingStatus.SENDING
    claimed = 1 == rows_changed(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status == MailingStatus.DRAFT)
        .values(status=status, scheduled_at=when, sent_by_id=staff.id, updated_at=utcnow()))
    if claimed and mailing.segment is not None:
        segments.record_count(mailing.segment)   # the segment's size over time, as it was sent to
    db.session.commit()
    return claimed


def release_scheduled() -> int:
    """Scheduled messages whose time has come start sending."""
    released = rows_changed(
        update(Mailing).where(Mailing.status == MailingStatus.SCHEDULED, Mailing.scheduled_at <= utcnow())
        .values(status=MailingStatus.SENDING, updated_at=utcnow()))
    db.session.commit()
    return released


def set_status(mailing_id: int, wanted: str) -> bool:
    """Pause, resume, unschedule or cancel; False if the message was not in a state that allows it."""
    allowed = {MailingStatus.PAUSED: (MailingStatus.SENDING,),
               MailingStatus.SENDING: (MailingStatus.PAUSED,),
               MailingStatus.DRAFT: (MailingStatus.SCHEDULED,),
               MailingStatus.CANCELLED: (MailingStatus.SENDING, MailingStatus.PAUSED, MailingStatus.SCHEDULED)}
    changed = 1 == rows_changed(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status.in_(allowed[wanted]))
        .values(status=wanted, updated_at=utcnow(), **({"finished_at": utcnow()} if wanted == MailingStatus.CANCELLED
                                                        else {})))
    if changed and wanted == MailingStatus.CANCELLED:
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.mailing_id == mailing_id, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None), OutboxMessage.skipped_reason.is_(None))
            .values(skipped_reason=SKIPPED_CANCELLED))
    db.session.commit()
    return changed


def write_outbox(batch: int = BATCH) -> int:
    """Write the outbox rows of every message that is sending and not fully written; return rows written."""
    lease = Lease(Mailing, Mailing.building_until)
    due = [Mailing.status == MailingStatus.SENDING, Mailing.queued_at.is_(None),
           or_(Mailing.building_until.is_(None), Mailing.building_until <= utcnow())]
    written = 0
    try:
        for row in lease.take(due, 5):
            written += _write_rows(db.session.get_one(Mailing, row.id), batch, lease)
            lease.finished(row.id)
    finally:
        lease.hand_back()
    return written


def _write_rows(mailing: Mailing, batch: int, lease: Lease) -> int:
    """INSERT ... SELECT the recipients, ``batch`` at a time, after the last member already written."""
    where = audience(mailing)
    mailing_id, subject = mailing.id, mailing.subject[:300]
    written_so_far = select(func.max(OutboxMessage.member_id)).where(OutboxMessage.mailing_id == mailing_id)
    last = db.session.scalar(written_so_far) or 0
    written = 0
    while True:
        lease.keep()
        ids = (select(Member.id).where(*where, Member.id > last).order_by(Member.id).limit(batch)).subquery()
        written += insert_rows(mailing_id, subject, Member.id.in_(select(ids.c.id)))
        reached = db.session.scalar(written_so_far) or 0
        db.session.commit()
        if reached == last:
            break
        last = reached
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.mailing_id == mailing_id)) or 0
    db.session.execute(update(Mailing).where(Mailing.id == mailing_id)
                       .values(recipients=total, queued_at=utcnow()))
    db.session.commit()
    return written


def insert_rows(mailing_id: int, subject: str, members: ColumnElement) -> int:
    """One INSERT ... SELECT of outbox rows of a bulk message for the ``members`` matched; how many."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "leap-members.invalid"
    now, run = utcnow(), secrets.token_hex(4)
    chosen = select(
        Member.email, literal(subject[:300]), literal("mailing"), literal(False), literal(mailing_id), Member.id,
        literal(f"<m{mailing_id}.") + Member.id.cast(String) + literal(f".{run}@{domain}>"),
        literal(now), literal(now), literal(0),
    ).where(members)
    return rows_changed(insert(OutboxMessage).from_select(
        ["to_address", "subject", "kind", "transactional", "mailing_id", "member_id", "message_id",
         "created_at", "next_attempt_at", "attempts"], chosen)
        .execution_options(preserve_rowcount=True))   # an INSERT's rowcount is kept only when asked for


def finish_sent() -> int:
    """Messages whose every row is sent, failed or skipped are done."""
    open_rows = select(OutboxMessage.id).where(
        OutboxMessage.mailing_id == Mailing.id, OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None), OutboxMessage.skipped_reason.is_(None)).exists()
    done = rows_changed(
        update(Mailing).where(Mailing.status == MailingStatus.SENDING, Mailing.queued_at.is_not(None), ~open_rows)
        .values(status=MailingStatus.SENT, finished_at=utcnow()))
    db.session.commit()
    return done


def step() -> tuple[int, int, int]:
    """What the mail worker does for bulk messages before sending: (released, rows written, finished).

    The welcome series' rows are counted with the rows written."""
    from .welcome import queue_due_steps
    return release_scheduled(), write_outbox() + queue_due_steps(), finish_sent()

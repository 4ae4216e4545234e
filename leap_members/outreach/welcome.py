"""The welcome series: after a member confirms their address, each step's message on its day.

A step goes to members who confirmed at least ``delay_days`` ago, after the step was added, who
may get its topic now (so the series stops when they unsubscribe) and have not had it. The
outbox's unique (message, address) keeps it to once each, however often the worker runs.
"""
from datetime import timedelta

from sqlalchemy import exists, func, select

from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.models import OutboxMessage
from ..members.models import Member
from .audience import may_get_bulk
from .models import Mailing, WelcomeStep
from .sending import insert_rows

# A member confirmed longer ago than this past a step's day is not sent it late (a paused step
# switched back on later must not reach people months after they joined).
CATCH_UP_DAYS = 7


def queue_due_steps() -> int:
    """Outbox rows for every active step's members whose day has come; how many were queued."""
    now = utcnow()
    queued = 0
    steps = db.session.execute(select(WelcomeStep, Mailing).join(Mailing, Mailing.id == WelcomeStep.mailing_id)
                               .where(WelcomeStep.active.is_(True)).order_by(WelcomeStep.position)).all()
    for step, mailing in steps:
        day = now - timedelta(days=step.delay_days)
        due = [Member.email_confirmed_at <= day, Member.email_confirmed_at > day - timedelta(days=CATCH_UP_DAYS),
               Member.email_confirmed_at >= step.created_at, *may_get_bulk(mailing.topic),
               ~exists().where(OutboxMessage.mailing_id == mailing.id, OutboxMessage.member_id == Member.id)]
        queued += insert_rows(mailing.id, mailing.subject, Member.id.in_(select(Member.id).where(*due)))
        db.session.commit()
    return queued


def progress() -> list[tuple[WelcomeStep, Mailing, int]]:
    """Each step with how many members it has been sent to."""
    sent = (select(func.count()).where(OutboxMessage.mailing_id == Mailing.id, OutboxMessage.sent_at.is_not(None))
            .scalar_subquery())
    return [(step, mailing, count) for step, mailing, count in db.session.execute(
        select(WelcomeStep, Mailing, sent).join(Mailing, Mailing.id == WelcomeStep.mailing_id)
        .order_by(WelcomeStep.position)).all()]


def members_at_steps(limit: int = 50) -> list[tuple[Member, int]]:
    """The members most recently sent a welcome step, with the furthest step (position) they reached."""
    reached = (select(OutboxMessage.member_id, func.max(WelcomeStep.position).label("position"),
                      func.max(OutboxMessage.sent_at).label("last"))
               .join(WelcomeStep, WelcomeStep.mailing_id == OutboxMessage.mailing_id)
               .where(OutboxMessage.sent_at.is_not(None))
               .group_by(OutboxMessage.member_id).subquery())
    return [(member, position) for member, position in db.session.execute(
        select(Member, reached.c.position).join(reached, reached.c.member_id == Member.id)
        .order_by(reached.c.last.desc()).limit(limit)).all()]

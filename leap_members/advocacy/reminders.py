"""Reminder e-mails before events, queued by a command that cron runs."""
from datetime import timedelta

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .models import Action, ActionKind, ActionSignup, ActionStatus, SignupStatus
from .notifications import send_event_reminder


def queue_event_reminders(within: timedelta) -> int:
    """Queue one reminder to each registered person of events starting within ``within``.

    Safe to run as often as cron likes: a sign-up is reminded once per start time
    (an event moved to a new time is reminded again).
    """
    now = utcnow()
    due = db.session.scalars(
        select(ActionSignup).join(Action, Action.id == ActionSignup.action_id)
        .where(Action.kind == ActionKind.EVENT,
               Action.status.in_((ActionStatus.PUBLISHED, ActionStatus.CLOSED)),
               Action.starts_at > now, Action.starts_at <= now + within,
               ActionSignup.status == SignupStatus.REGISTERED, ActionSignup.reminder_sent_at.is_(None))
        .order_by(ActionSignup.id)
        .with_for_update(of=ActionSignup, skip_locked=True)).all()
    queued = 0
    for signup in due:
        queued += send_event_reminder(signup)
        signup.reminder_sent_at = now   # considered: a member who stopped e-mail is not asked again
    db.session.flush()
    return queued

"""What advocacy adds elsewhere: the member timeline, member merges, directory flags, the staff dashboard."""
from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select, update

from ..core.database import rows_changed
from ..core.registry import MemberFlag, TimelineEvent, add_member_flag, dashboard_panel, merge_step, timeline_source
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Action, ActionKind, ActionSignup, ActionStatus, Attendance, EventGuest, SignupStatus
from .services import lock_action, promote_waiting
from .times import format_local

LIVE = (ActionStatus.PUBLISHED, ActionStatus.CLOSED)


@timeline_source
def action_signups_timeline(member):
    """Each sign-up of the member, with its current status."""
    rows = db.session.scalars(select(ActionSignup).where(ActionSignup.member_id == member.id)
                              .order_by(ActionSignup.created_at))
    for signup in rows:
        action = signup.action
        yield TimelineEvent(
            when=signup.created_at, kind="action-signup",
            text=f"{action.kind_label}: “{action.title}” — {signup.status_label.lower()}",
            url=url_for("advocacy.staff_signups", action_id=action.id))


@timeline_source
def event_attendance_timeline(member):
    """Whether the member came to the events they had a place at, and visits as a guest before joining."""
    signups = db.session.scalars(select(ActionSignup).where(ActionSignup.member_id == member.id,
                                                            ActionSignup.attendance.is_not(None)))
    for signup in signups:
        action = signup.action
        if signup.attendance == Attendance.PRESENT:
            text = f"Attended “{action.title}”" + (" (walk-in)" if signup.walk_in else "")
        else:
            text = f"Did not attend “{action.title}”"
        yield TimelineEvent(when=action.starts_at or signup.checked_in_at or signup.created_at,
                            kind="event-attendance", text=text,
                            url=url_for("advocacy.staff_signups", action_id=action.id))
    for guest in db.session.scalars(select(EventGuest).where(EventGuest.member_id == member.id)):
        action = guest.action
        yield TimelineEvent(when=action.starts_at or guest.checked_in_at, kind="event-attendance",
                            text=f"Attended “{action.title}” (walk-in guest, before joining)",
                            url=url_for("advocacy.staff_signups", action_id=action.id))


@merge_step
def merge_event_guests_and_hosts(source_id: int, target_id: int) -> dict[str, int]:
    """Visits as a guest and the events hosted go with the kept record."""
    guests = rows_changed(update(EventGuest).where(EventGuest.member_id == source_id).values(member_id=target_id)
                          .execution_options(synchronize_session=False))
    hosted = rows_changed(update(Action).where(Action.host_id == source_id).values(host_id=target_id)
                          .execution_options(synchronize_session=False))
    return {"event guest visits moved": guests, "events hosted moved": hosted}


@merge_step
def merge_action_signups(source_id: int, target_id: int) -> dict[str, int]:
    """Move sign-ups to the kept record; where both took part in one action, keep one row."""
    kept = {s.action_id: s for s in db.session.scalars(
        select(ActionSignup).where(ActionSignup.member_id == target_id))}
    moved = dropped = 0
    freed_events = set()
    for signup in list(db.session.scalars(select(ActionSignup).where(ActionSignup.member_id == source_id))):
        twin = kept.get(signup.action_id)
        if twin is None:
            signup.member_id = target_id
            moved += 1
            continue
        # Keep whichever row still takes part; if both do, the kept record's row wins.
        loser, winner = (twin, signup) if signup.is_active and not twin.is_active else (signup, twin)
        if loser.status == SignupStatus.REGISTERED:
            freed_events.add(signup.action_id)
        if loser.attendance and not winner.attendance:   # the check-in mark stays with the person
            winner.attendance, winner.checked_in_at, winner.checked_in_by = (
                loser.attendance, loser.checked_in_at, loser.checked_in_by)
        db.session.delete(loser)
        db.session.flush()  # the delete must reach the database before the unique pair is reused
        winner.member_id = target_id
        dropped += 1
    db.session.flush()
    if freed_events:
        for action_id in sorted(freed_events):
            promote_waiting(lock_action(action_id))
    return {"action sign-ups moved": moved, "duplicate action sign-ups removed": dropped}


add_member_flag(MemberFlag(
    name="took_action", label="Has taken part in an advocacy action",
    member_ids=lambda: select(ActionSignup.member_id).where(ActionSignup.status.in_(SignupStatus.ACTIVE))))


@dashboard_panel
def advocacy_dashboard_panel():
    """Upcoming events with their lists, and offers to speak waiting for an answer."""
    now = utcnow()
    events = db.session.scalars(
        select(Action).where(Action.kind == ActionKind.EVENT, Action.status.in_(LIVE),
                             Action.starts_at >= now, Action.starts_at < now + timedelta(days=60))
        .order_by(Action.starts_at).limit(8)).all()
    counts = _counts_by_status([e.id for e in events])
    upcoming = [{"action": e, "when": format_local(e.starts_at, e.timezone),
                 "registered": counts.get((e.id, SignupStatus.REGISTERED), 0),
                 "waitlisted": counts.get((e.id, SignupStatus.WAITLISTED), 0)} for e in events]
    offers = db.session.execute(
        select(Action, func.count(ActionSignup.id)).join(ActionSignup, ActionSignup.action_id == Action.id)
        .where(ActionSignup.status == SignupStatus.OFFERED, Action.status != ActionStatus.ARCHIVED)
        .group_by(Action.id).order_by(Action.id)).all()
    open_count = db.session.scalar(select(func.count()).select_from(Action)
                                   .where(Action.status == ActionStatus.PUBLISHED))
    return "advocacy/_dashboard_panel.html", {
        "advocacy_upcoming_events": upcoming,
        "advocacy_pending_offers": [{"action": a, "count": n} for a, n in offers],
        "advocacy_published_count": open_count,
    }


def _counts_by_status(action_ids: list[int]) -> dict[tuple[int, str], int]:
    if not action_ids:
        return {}
    rows = db.session.execute(select(ActionSignup.action_id, ActionSignup.status, func.count())
                              .where(ActionSignup.action_id.in_(action_ids))
                              .group_by(ActionSignup.action_id, ActionSignup.status))
    return {(action_id, status): count for action_id, status, count in rows}

"""The member's page of open actions: each action with what this member did on it, the actions
they have not taken first. Two queries whatever the number of actions: the open actions, and the
member's sign-ups on them (with their places on waiting lists)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .eligibility import restriction_text
from .models import Action, ActionKind, ActionSignup, ActionStatus, SignupStatus
from .services import waiting_ahead_of
from .times import format_local, format_range, utc_to_local

SORTS = {"newest": "Newest first", "closing": "Closing soon first"}
TAKEN_CHOICES = {"": "All actions", "no": "Not taken yet", "yes": "Taken"}
CLOSING_SOON = timedelta(days=7)


@dataclass
class ListedAction:
    action: Action
    closing_soon: bool
    deadline_text: str
    when_text: str
    restriction: str | None
    taken_text: str = ""   # what this member did, e.g. "You signed on March 3"; "" if not taken


def open_actions(kind: str | None, sort: str, now: datetime) -> list[ListedAction]:
    """Published actions still taking sign-ups at ``now``, filtered by type, in the chosen order."""
    query = select(Action).where(Action.status == ActionStatus.PUBLISHED)
    if kind in ActionKind.LABELS:
        query = query.where(Action.kind == kind)
    actions = [a for a in db.session.scalars(query) if a.accepts_signups(now)]
    listed = [ListedAction(
        action=a,
        closing_soon=bool(a.signup_deadline and a.signup_deadline - now < CLOSING_SOON),
        deadline_text=format_local(a.signup_deadline, a.timezone) if a.signup_deadline else "",
        when_text=format_range(a.starts_at, a.ends_at, a.timezone) if a.is_event else "",
        restriction=restriction_text(a))
        for a in actions]
    newest = sorted(listed, key=lambda item: (item.action.published_at or item.action.created_at,
                                              item.action.id), reverse=True)
    if sort == "closing":
        # Python's sort is stable: among equal deadlines (or none) the newest stays first.
        return sorted(newest, key=lambda item: (item.action.signup_deadline is None,
                                                item.action.signup_deadline or now))
    return newest


def member_action_list(member_id: int, kind: str | None, sort: str, taken: str) -> list[ListedAction]:
    """The open actions for one member: what they did on each, those not taken first (each group
    in the chosen order), filtered by ``taken`` ("yes", "no" or "" for all)."""
    listed = open_actions(kind, sort, utcnow())
    signups = signups_on(member_id, [item.action.id for item in listed])
    for item in listed:
        found = signups.get(item.action.id)
        item.taken_text = taken_text(item.action, *found) if found else ""
    if taken == "yes":
        listed = [item for item in listed if item.taken_text]
    elif taken == "no":
        listed = [item for item in listed if not item.taken_text]
    return sorted(listed, key=lambda item: bool(item.taken_text))   # stable: the order within each group stays


def signups_on(member_id: int, action_ids: list[int]) -> dict[int, tuple[ActionSignup, int | None]]:
    """The member's sign-ups that still count on these actions, by action id, each with its place
    on the waiting list (1: the next to get a seat; None when not waiting). One query."""
    if not action_ids:
        return {}
    ahead = waiting_ahead_of(ActionSignup).correlate(ActionSignup).scalar_subquery()
    rows = db.session.execute(select(ActionSignup, ahead).where(
        ActionSignup.member_id == member_id, ActionSignup.action_id.in_(action_ids),
        ActionSignup.status.not_in(SignupStatus.OPEN_AGAIN)))
    return {signup.action_id: (signup, ahead + 1 if signup.status == SignupStatus.WAITLISTED else None)
            for signup, ahead in rows}


def taken_text(action: Action, signup: ActionSignup, place: int | None = None) -> str:
    """What the member did on the action, in a few words."""
    day = utc_to_local(signup.created_at, action.timezone)
    on_day = f"{day:%B} {day.day}" if day else ""
    return {
        SignupStatus.SIGNED: f"You signed on {on_day}",
        SignupStatus.SENT: f"You sent your letter on {on_day}",
        SignupStatus.REGISTERED: "Registered",
        SignupStatus.WAITLISTED: f"Waiting list: {ordinal(place)}" if place else "Waiting list",
        SignupStatus.OFFERED: "Offer sent",
        SignupStatus.ACCEPTED: "Offer accepted",
        SignupStatus.DECLINED: "Offer declined",
        SignupStatus.REMOVED: "Taken off the list by staff",
    }.get(signup.status, "")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"

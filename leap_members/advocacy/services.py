"""Members taking part: sign up, withdraw, and the counts shown on action pages."""
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..core.timeutil import utcnow
from ..extensions import db
from ..members.models import Member
from .eligibility import ineligibility_reason
from .models import Action, ActionKind, ActionSignup, SignupStatus
from .notifications import send_letters, send_promotion, send_signup_confirmation


class SignupError(Exception):
    """A sign-up or withdrawal that cannot be done; ``message`` is shown to the member."""
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ActionNotOpen(SignupError):
    status_code = 409


class NotEligible(SignupError):
    status_code = 403


class AlreadySignedUp(SignupError):
    status_code = 409


ALREADY = {
    ActionKind.PETITION: "You have already signed this petition.",
    ActionKind.LETTER: "You have already sent this letter.",
    ActionKind.EVENT: "You are already on the list for this event.",
    ActionKind.SPEAKING: "You have already offered to help with this.",
}
# Fields a sign-up form may set, by kind; nothing else reaches the row.
SIGNUP_FIELDS = {
    ActionKind.PETITION: ("comment",),
    ActionKind.LETTER: ("letter_subject", "letter_body"),
    ActionKind.EVENT: ("comment",),
    ActionKind.SPEAKING: ("availability", "topics"),
}


def find_action(slug: str) -> Action | None:
    """The action at /actions/<slug>, whatever its status."""
    return db.session.scalar(select(Action).where(Action.slug == slug))


def lock_action(action_id: int) -> Action:
    """Reload the action and lock its row until commit, so sign-ups for it run one at a time.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite ignores FOR UPDATE, but a writing
    transaction there already holds the database write lock from its first statement
    (core/database.py), which serialises sign-ups just the same.
    """
    return db.session.scalars(
        select(Action).where(Action.id == action_id).with_for_update()
        .execution_options(populate_existing=True)).one()


def signup_for(action_id: int, member_id: int) -> ActionSignup | None:
    """The member's one row for this action, if any."""
    return db.session.scalar(select(ActionSignup).where(
        ActionSignup.action_id == action_id, ActionSignup.member_id == member_id))


def count_registered(action_id: int) -> int:
    """Seats taken at an event."""
    return db.session.scalar(select(func.count()).select_from(ActionSignup).where(
        ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.REGISTERED)) or 0


def status_counts(action_id: int) -> dict[str, int]:
    """How many sign-ups of the action are in each status."""
    rows = db.session.execute(select(ActionSignup.status, func.count()).where(
        ActionSignup.action_id == action_id).group_by(ActionSignup.status))
    return {status: count for status, count in rows}


def waitlist_position(signup: ActionSignup) -> int | None:
    """1 for the next person to get a seat; None when not waiting."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    return (db.session.scalar(waiting_ahead_of(signup)) or 0) + 1


def waiting_ahead_of(signup) -> Select:
    """How many on the same action's waiting list were queued before ``signup``: a sign-up row, or
    ActionSignup itself to count for each row of a query (correlate it there)."""
    other = aliased(ActionSignup)
    return select(func.count()).select_from(other).where(
        other.action_id == signup.action_id, other.status == SignupStatus.WAITLISTED,
        or_(other.queued_at < signup.queued_at, and_(other.queued_at == signup.queued_at, other.id < signup.id)))


def sign_up(action: Action, member: Member, fields: dict) -> ActionSignup:
    """Record ``member``'s part in ``action`` and queue the confirmation e-mail.

    ``fields`` holds the sign-up form's declared fields. Raises ActionNotOpen, NotEligible
    or AlreadySignedUp; two requests at once (a double click, two tabs) make one row.
    """
    action = lock_action(action.id)
    if not action.accepts_signups():
        raise ActionNotOpen("This action is closed and no longer takes sign-ups.")
    reason = ineligibility_reason(action, member)
    if reason:
        raise NotEligible(reason)
    signup = signup_for(action.id, member.id)
    _check_can_join_again(action, signup)
    if signup is None:
        signup = ActionSignup(action=action, member=member)
    for name in SIGNUP_FIELDS[action.kind]:
        setattr(signup, name, fields.get(name) or None)
    signup.status = _initial_status(action)
    signup.queued_at = utcnow()
    signup.withdrawn_at = signup.decided_at = signup.staff_note = None
    if action.kind == ActionKind.LETTER:
        signup.signature = f"{member.full_name}\n{member.city}, {member.state}"
    try:
        with db.session.begin_nested():
            db.session.add(signup)
            db.session.flush()
    except IntegrityError as exc:
        raise AlreadySignedUp(ALREADY[action.kind]) from exc
    if action.kind == ActionKind.LETTER:
        signup.letters_emailed = send_letters(signup)
    send_signup_confirmation(signup)
    return signup


def _check_can_join_again(action: Action, signup: ActionSignup | None) -> None:
    if signup is None or signup.status in SignupStatus.OPEN_AGAIN:
        return
    if signup.status == SignupStatus.REMOVED:
        raise AlreadySignedUp("LEAP staff took you off this event's list. Please contact them if you want to come.")
    if signup.status == SignupStatus.DECLINED:
        raise AlreadySignedUp("LEAP staff have already answered your offer for this request.")
    raise AlreadySignedUp(ALREADY[action.kind])


def _initial_status(action: Action) -> str:
    if action.kind == ActionKind.PETITION:
        return SignupStatus.SIGNED
    if action.kind == ActionKind.LETTER:
        return SignupStatus.SENT
    if action.kind == ActionKind.SPEAKING:
        return SignupStatus.OFFERED
    if action.capacity is not None and count_registered(action.id) >= action.capacity:
        return SignupStatus.WAITLISTED
    return SignupStatus.REGISTERED


def withdraw(action: Action, member: Member) -> ActionSignup:
    """Leave an event (or its waiting list) or withdraw an offer to speak."""
    action = lock_action(action.id)
    signup = signup_for(action.id, member.id)
    if action.kind == ActionKind.EVENT:
        if signup is None or signup.status not in (SignupStatus.REGISTERED, SignupStatus.WAITLISTED):
            raise SignupError("You are not on the list for this event.")
        if action.has_started():
            raise ActionNotOpen("This event has already started.")
        freed_seat = signup.status == SignupStatus.REGISTERED
        signup.status = SignupStatus.CANCELLED
        signup.withdrawn_at = utcnow()
        db.session.flush()
        if freed_seat:
            promote_waiting(action)
        return signup
    if action.kind == ActionKind.SPEAKING:
        if signup is None or signup.status not in (SignupStatus.OFFERED, SignupStatus.ACCEPTED):
            raise SignupError("You have no open offer for this request.")
        signup.status = SignupStatus.WITHDRAWN
        signup.withdrawn_at = utcnow()
        db.session.flush()
        return signup
    raise SignupError("Petition signatures and letters cannot be withdrawn once sent.")


def promote_waiting(action: Action) -> list[ActionSignup]:
    """Give free seats to the waiting list in the order people joined it; call with the action locked."""
    if action.kind != ActionKind.EVENT or action.has_started():
        return []
    query = (select(ActionSignup).where(ActionSignup.action_id == action.id,
                                        ActionSignup.status == SignupStatus.WAITLISTED)
             .order_by(ActionSignup.queued_at, ActionSignup.id))
    if action.capacity is not None:
        free = action.capacity - count_registered(action.id)
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for signup in promoted:
        signup.status = SignupStatus.REGISTERED
        send_promotion(signup)
    db.session.flush()
    return promoted


def member_signups(member_id: int) -> list[ActionSignup]:
    """Every sign-up of a member, newest first."""
    return list(db.session.scalars(
        select(ActionSignup).where(ActionSignup.member_id == member_id)
        .order_by(ActionSignup.created_at.desc(), ActionSignup.id.desc())))

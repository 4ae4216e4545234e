"""Event check-in: who came and who did not, walk-ins (members and guests), and guests who join later.

Staff may check people in at any event, its host (``Action.host_id``) at that event only. A mark
goes on the person's sign-up row with who made it and when; a walk-in member gets a seat on the
list whether or not the event is full (they are in the room); someone who is not a member is an
EventGuest, invited by e-mail to join, and linked to the member they become.
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..admin.audit import describe, record_event
from ..core.links import public_link
from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.services import queue_email
from ..members.models import Member, MembershipStatus
from ..members.services import find_by_email
from .models import Action, ActionSignup, Attendance, EventGuest, SignupStatus
from .services import lock_action, signup_for
from .times import format_range

MARKS = {"present": Attendance.PRESENT, "no_show": Attendance.NO_SHOW, "undo": None}


class CheckInRefused(ValueError):
    """A mark that cannot be made (the person left the list meanwhile); ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WalkIn:
    """What a walk-in became: a member's sign-up or a guest, and whether this request added them."""
    name: str
    anchor: str          # the row's id on the check-in page
    added: bool
    member: bool         # the address was a member's: checked in as that member


def may_check_in(action: Action, person) -> bool:
    """Staff at any event; a member at the event they host."""
    return action.is_event and (person.is_staff or (action.host_id is not None and action.host_id == person.id))


def _mark(signup: ActionSignup, attendance: str | None, by) -> bool:
    """Set the mark with who and when; False when it was already so (a second phone, a double tap)."""
    if signup.attendance == attendance and (attendance is not None or signup.checked_in_at is None):
        return False
    signup.attendance = attendance
    signup.checked_in_at = utcnow()
    signup.checked_in_by = describe(by)
    return True


def mark_attendance(signup: ActionSignup, mark: str, by) -> bool:
    """Mark someone with a place at the event present or a no-show, or undo the mark ("undo")."""
    lock_action(signup.action_id)
    db.session.refresh(signup)   # they may have left the list while the page was open
    if signup.status != SignupStatus.REGISTERED:
        raise CheckInRefused(f"{signup.member.full_name} is no longer on this event's list.")
    changed = _mark(signup, MARKS[mark], by)
    db.session.flush()
    return changed


def check_in_member(action: Action, member: Member, by) -> WalkIn:
    """A member at the door: present, with a place on the list made for them if they had none.

    Someone waiting, who left or whom staff took off is seated as a walk-in; the event's capacity
    does not apply (they are in the room). Two phones at once make one row.
    """
    action = lock_action(action.id)
    signup = signup_for(action.id, member.id)
    if signup is not None and signup.status == SignupStatus.REGISTERED:
        added = _mark(signup, Attendance.PRESENT, by)
    else:
        if signup is None:
            signup = ActionSignup(action=action, member=member)
        signup.status = SignupStatus.REGISTERED
        signup.walk_in = True
        signup.withdrawn_at = None
        added = _mark(signup, Attendance.PRESENT, by)
        signup, added = _add_once(signup, lambda: signup_for(action.id, member.id), added)
    db.session.flush()
    return WalkIn(member.full_name, f"signup-{signup.id}", added, member=True)


def check_in_guest(action: Action, fields: dict, by) -> WalkIn:
    """Someone new at the door (``fields``: first_name, last_name, email normalised, phone).

    An address that is a member's checks that member in instead. A new guest is audited and
    invited to join by e-mail; the same address twice at one event is one row.
    """
    member = find_by_email(fields["email"])
    if member is not None and member.status != MembershipStatus.MERGED:
        return check_in_member(action, member, by)
    action = lock_action(action.id)
    guest = _guest(action.id, fields["email"])
    if guest is not None:
        return WalkIn(guest.full_name, f"guest-{guest.id}", False, member=False)
    guest = EventGuest(action_id=action.id, first_name=fields["first_name"], last_name=fields["last_name"],
                       email=fields["email"], phone=fields.get("phone") or None, checked_in_by=describe(by))
    guest, added = _add_once(guest, lambda: _guest(action.id, fields["email"]))
    if not added:
        return WalkIn(guest.full_name, f"guest-{guest.id}", False, member=False)
    record_event("event-guest", f"Checked in {guest.full_name} <{guest.email}> at “{action.title}” as a guest",
                 details={"action_id": action.id, "guest_id": guest.id})
    _invite(guest, action)
    return WalkIn(guest.full_name, f"guest-{guest.id}", True, member=False)


def _add_once(row, find, added: bool = True):
    """Save ``row``; when the same person was added a moment ago elsewhere (a unique constraint), the row
    ``find`` gives instead. Returns the row and whether this request added it."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing, False
    return row, added


def _guest(action_id: int, email: str) -> EventGuest | None:
    return db.session.scalar(select(EventGuest).where(EventGuest.action_id == action_id, EventGuest.email == email))


def _invite(guest: EventGuest, action: Action) -> None:
    """Thank the guest for coming and invite them to join, the address filled in on the join form."""
    queue_email(guest.email, f"Thank you for coming: {action.title}", "advocacy_guest_invitation",
                kind="event-guest-invitation", dedupe_key=f"event-guest:{action.id}:{guest.email}",
                transactional=False, guest=guest, action=action,
                when=format_range(action.starts_at, action.ends_at, action.timezone),
                join_link=public_link("members.join", email=guest.email))


def remove_guest(guest: EventGuest) -> None:
    """Take back a guest recorded by mistake (audited)."""
    record_event("event-guest", f"Removed guest {guest.full_name} <{guest.email}> from “{guest.action.title}”",
                 details={"action_id": guest.action_id, "guest_id": guest.id, "removed": True})
    db.session.delete(guest)
    db.session.flush()


def link_guests(member: Member) -> None:
    """Attach the guest visits made with the member's address to the member (on joining, on a new address)."""
    db.session.execute(update(EventGuest).where(EventGuest.email == member.email, EventGuest.member_id.is_(None))
                       .values(member_id=member.id).execution_options(synchronize_session=False))

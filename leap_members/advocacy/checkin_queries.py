"""What the check-in page and the sign-in sheet show: who is on the list, in what state, and the counts."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, or_, select

from ..extensions import db
from ..members import search
from ..members.models import Member, MembershipStatus
from ..members.services import find_by_email
from .models import Action, ActionSignup, Attendance, EventGuest, SignupStatus

MAX_FOUND = 10
MIN_SEARCH = 2
MIN_BLANK_ROWS = 10
MAX_BLANK_ROWS = 40


@dataclass(frozen=True)
class Attendee:
    """One row of the check-in list: a member with a place, or a guest."""
    anchor: str
    name: str
    attendance: str | None       # Attendance.PRESENT, NO_SHOW or None (not yet)
    walk_in: bool
    signup_id: int | None = None
    guest_id: int | None = None
    marked_at: datetime | None = None
    marked_by: str | None = None

    @property
    def state_label(self) -> str:
        return Attendance.LABELS.get(self.attendance or "", "Not yet")


def _matches(first_name, last_name, text: str) -> list:
    """Every word of ``text`` is part of the name, any case."""
    name = func.lower(first_name + " " + last_name)
    return [name.contains(word.lower(), autoescape=True) for word in text.split()]


def attendees(action_id: int, text: str = "") -> list[Attendee]:
    """Everyone with a place at the event and every guest, by last name, narrowed by ``text``."""
    signups = db.session.execute(
        select(ActionSignup, Member).join(Member, Member.id == ActionSignup.member_id)
        .where(ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.REGISTERED,
               *_matches(Member.first_name, Member.last_name, text)))
    rows = [((member.last_name.lower(), member.first_name.lower(), signup.id),
             Attendee(f"signup-{signup.id}", member.full_name, signup.attendance, signup.walk_in,
                      signup_id=signup.id, marked_at=signup.checked_in_at, marked_by=signup.checked_in_by))
            for signup, member in signups]
    guests = db.session.scalars(select(EventGuest).where(
        EventGuest.action_id == action_id, *_matches(EventGuest.first_name, EventGuest.last_name, text)))
    rows += [((guest.last_name.lower(), guest.first_name.lower(), guest.id),
              Attendee(f"guest-{guest.id}", guest.full_name, Attendance.PRESENT, True, guest_id=guest.id,
                       marked_at=guest.checked_in_at, marked_by=guest.checked_in_by))
             for guest in guests]
    return [attendee for _, attendee in sorted(rows, key=lambda row: row[0])]


def waiting(action_id: int, text: str = "") -> list[tuple[ActionSignup, Member]]:
    """The waiting list, in its order: people who may turn up anyway."""
    return [(signup, member) for signup, member in db.session.execute(
        select(ActionSignup, Member).join(Member, Member.id == ActionSignup.member_id)
        .where(ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.WAITLISTED,
               *_matches(Member.first_name, Member.last_name, text))
        .order_by(ActionSignup.queued_at, ActionSignup.id))]


def attendance_counts(action_id: int) -> dict[str, int]:
    """registered (booked a place), present, no_show, not_yet and walk_ins (members and guests)."""
    counts = dict.fromkeys(("registered", "present", "no_show", "not_yet", "walk_ins"), 0)
    rows = db.session.execute(
        select(ActionSignup.walk_in, ActionSignup.attendance, func.count())
        .where(ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.REGISTERED)
        .group_by(ActionSignup.walk_in, ActionSignup.attendance))
    for walk_in, attendance, number in rows:
        counts["walk_ins" if walk_in else "registered"] += number
        counts[{Attendance.PRESENT: "present", Attendance.NO_SHOW: "no_show"}.get(attendance or "", "not_yet")] += number
    guests = db.session.scalar(select(func.count()).select_from(EventGuest)
                               .where(EventGuest.action_id == action_id)) or 0
    counts["present"] += guests
    counts["walk_ins"] += guests
    return counts


def find_walk_ins(action_id: int, text: str, staff: bool) -> list[tuple[Member, str | None]]:
    """Members a walk-in may be, with their status at the event (None: not on its list).

    Staff search names and addresses as in the directory; a host, who is not staff, finds a member
    only by their whole e-mail address, so the box cannot list the membership.
    """
    text = " ".join(text.split())
    if staff and len(text) >= MIN_SEARCH:
        found = list(db.session.scalars(
            select(Member).where(*(search.matches(term) for term in text.split()),
                                 Member.status != MembershipStatus.MERGED)
            .order_by(Member.last_name, Member.first_name, Member.id).limit(MAX_FOUND)))
    else:
        member = find_by_email(text) if "@" in text else None
        found = [member] if member is not None and member.status != MembershipStatus.MERGED else []
    statuses: dict[int, str] = {}
    if found:
        rows = db.session.execute(select(ActionSignup.member_id, ActionSignup.status).where(
            ActionSignup.action_id == action_id, ActionSignup.member_id.in_([m.id for m in found])))
        statuses.update((member_id, status) for member_id, status in rows)
    return [(member, statuses.get(member.id)) for member in found]


def event_guests(action_id: int) -> list[EventGuest]:
    """The event's guests, in the order they came."""
    return list(db.session.scalars(select(EventGuest).where(EventGuest.action_id == action_id)
                                   .order_by(EventGuest.checked_in_at, EventGuest.id)))


def sheet_names(action_id: int) -> list[Member]:
    """Everyone with a place, in alphabetical order, for the printed sign-in sheet."""
    return list(db.session.scalars(
        select(Member).join(ActionSignup, ActionSignup.member_id == Member.id)
        .where(ActionSignup.action_id == action_id, ActionSignup.status == SignupStatus.REGISTERED)
        .order_by(func.lower(Member.last_name), func.lower(Member.first_name), Member.id)))


def blank_rows(names: int) -> int:
    """Empty lines for walk-ins: a quarter of the list, at least ten."""
    return min(MAX_BLANK_ROWS, max(MIN_BLANK_ROWS, names // 4))


def attended_since(since) -> ColumnElement:
    """The member was at an event that started at ``since`` or later: marked present, or there as a guest
    before joining (the directory's "attended an event in the last N months")."""
    as_member = exists().where(ActionSignup.member_id == Member.id, ActionSignup.attendance == Attendance.PRESENT,
                               ActionSignup.action_id == Action.id, Action.starts_at >= since)
    as_guest = exists().where(EventGuest.member_id == Member.id, EventGuest.action_id == Action.id,
                              Action.starts_at >= since)
    return or_(as_member, as_guest)

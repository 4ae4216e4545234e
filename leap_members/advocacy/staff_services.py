"""Staff work on actions: write, publish, close, archive; manage sign-ups; export them."""
import re
import unicodedata
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from ..members.categories import category_label
from ..members.models import Member
from ..members.services import find_by_email
from .models import (
    Action,
    ActionKind,
    ActionSignup,
    ActionStatus,
    ActionTarget,
    Attendance,
    EventGuest,
    SignupStatus,
)
from .notifications import send_event_change, send_offer_decision, send_promotion, send_removal
from .services import lock_action, promote_waiting

ACTION_FIELDS = ("kind", "title", "slug", "summary", "description", "timezone", "closes_at",
                 "allowed_categories", "verified_only", "goal", "letter_subject", "letter_template",
                 "starts_at", "ends_at", "online", "location", "private_details", "capacity")
# Changing these on an event tells the people on its list.
EVENT_LOGISTICS = ("starts_at", "ends_at", "online", "location", "timezone")
RESERVED_SLUGS = frozenset({"new", "mine", "calendar"})


class ActionRefused(ValueError):
    """A staff change that cannot be made; ``field`` names the form field to show it beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; never only digits (those are ids)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100].strip("-") or "action"
    return f"action-{slug}" if slug.isdigit() or slug in RESERVED_SLUGS else slug


def _slug_in_use(slug: str, action_id: int | None) -> bool:
    with db.session.no_autoflush:  # the action being saved must not find itself
        return db.session.scalar(select(Action.id).where(Action.slug == slug, Action.id != (action_id or 0))) is not None


def _free_slug(base: str, action_id: int | None) -> str:
    candidate, n = base, 1
    while _slug_in_use(candidate, action_id):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def create_action(fields: dict, targets: list[dict], author: Member) -> Action:
    """A new draft action from the staff form's declared fields."""
    action = Action(status=ActionStatus.DRAFT, created_by_id=author.id)
    _apply(action, fields, targets)
    db.session.add(action)
    _flush_checking_slug(action)
    return action


def update_action(action: Action, fields: dict, targets: list[dict]) -> Action:
    """Save staff edits; people on an event's list hear of a new time or place."""
    action = lock_action(action.id)
    has_signups = bool(db.session.scalar(select(func.count()).select_from(ActionSignup)
                                         .where(ActionSignup.action_id == action.id)))
    if has_signups and fields["kind"] != action.kind:
        raise ActionRefused("People have already signed up, so the type cannot change.", "kind")
    logistics_before = tuple(getattr(action, name) for name in EVENT_LOGISTICS)
    _apply(action, fields, targets)
    _flush_checking_slug(action)
    if action.is_event and logistics_before != tuple(getattr(action, name) for name in EVENT_LOGISTICS):
        for signup in _signups(action.id, (SignupStatus.REGISTERED, SignupStatus.WAITLISTED)):
            signup.reminder_sent_at = None
            send_event_change(signup)
    promote_waiting(action)  # a larger capacity gives seats to the waiting list
    return action


def _apply(action: Action, fields: dict, targets: list[dict]) -> None:
    for name in ACTION_FIELDS:
        if name != "slug":
            setattr(action, name, fields.get(name))
    # A blank web address is made from the title; one typed by staff is kept as typed.
    action.slug = fields.get("slug") or _free_slug(slugify(fields["title"]), action.id)
    # Fields of the other types (typed, then the type changed) are not kept.
    if action.kind != ActionKind.PETITION:
        action.goal = None
    if action.kind != ActionKind.LETTER:
        action.letter_subject = action.letter_template = None
    if action.kind != ActionKind.EVENT:
        action.starts_at = action.ends_at = action.capacity = action.location = action.private_details = None
        action.online = False
    action.host_id = _host_id(fields.get("host_email")) if action.kind == ActionKind.EVENT else None
    if action.kind == ActionKind.LETTER:
        action.targets = [ActionTarget(position=i, **target) for i, target in enumerate(targets)]
    else:
        action.targets = []


def _host_id(email: str | None) -> int | None:
    """The member hosting an event, by their address: someone with an active membership."""
    if not email:
        return None
    host = find_by_email(email)
    if host is None or not host.is_active_member:
        raise ActionRefused("No active LEAP member has this e-mail address. The host must be a member: "
                            "ask them to join first, or leave this empty.", "host_email")
    return host.id


def _flush_checking_slug(action: Action) -> None:
    if action.slug in RESERVED_SLUGS or action.slug.isdigit():
        raise ActionRefused("Choose another web address: this one is reserved.", "slug")
    if _slug_in_use(action.slug, action.id):
        raise ActionRefused("Another action already uses this web address.", "slug")
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ActionRefused("Another action already uses this web address.", "slug") from exc


def publish(action: Action) -> None:
    """Show a draft to members, or reopen a closed action."""
    if action.status == ActionStatus.ARCHIVED:
        raise ActionRefused("Archived actions cannot be published again.")
    action.status = ActionStatus.PUBLISHED
    action.published_at = action.published_at or utcnow()
    action.closed_at = None


def close(action: Action) -> None:
    """Stop sign-ups; members still see the action and its results."""
    if action.status != ActionStatus.PUBLISHED:
        raise ActionRefused("Only a published action can be closed.")
    action.status = ActionStatus.CLOSED
    action.closed_at = utcnow()


def archive(action: Action) -> None:
    """Take the action out of every list; those who took part can still open it."""
    if action.status == ActionStatus.ARCHIVED:
        raise ActionRefused("This action is already archived.")
    action.status = ActionStatus.ARCHIVED
    action.archived_at = utcnow()


def promote(signup: ActionSignup) -> None:
    """Give a waiting person a seat now (staff may go over capacity)."""
    lock_action(signup.action_id)
    db.session.refresh(signup)  # the member may have left while the page was open
    if signup.status != SignupStatus.WAITLISTED:
        raise ActionRefused(f"{signup.member.full_name} is not on the waiting list.")
    signup.status = SignupStatus.REGISTERED
    send_promotion(signup)
    db.session.flush()


def remove(signup: ActionSignup) -> None:
    """Take someone off an event's list; a freed seat goes to the waiting list."""
    action = lock_action(signup.action_id)
    db.session.refresh(signup)
    if signup.status not in (SignupStatus.REGISTERED, SignupStatus.WAITLISTED):
        raise ActionRefused(f"{signup.member.full_name} is not on this event's list.")
    freed_seat = signup.status == SignupStatus.REGISTERED
    signup.status = SignupStatus.REMOVED
    signup.withdrawn_at = utcnow()
    send_removal(signup)
    db.session.flush()
    if freed_seat:
        promote_waiting(action)


def decide_offer(signup: ActionSignup, accept: bool, note: str | None) -> None:
    """Accept or decline an offer to speak or volunteer; the member is told."""
    lock_action(signup.action_id)
    db.session.refresh(signup)  # the member may have withdrawn while the page was open
    if signup.status not in (SignupStatus.OFFERED, SignupStatus.ACCEPTED, SignupStatus.DECLINED):
        raise ActionRefused(f"{signup.member.full_name} has withdrawn this offer.")
    signup.status = SignupStatus.ACCEPTED if accept else SignupStatus.DECLINED
    signup.staff_note = note or None
    signup.decided_at = utcnow()
    send_offer_decision(signup)
    db.session.flush()


def _signups(action_id: int, statuses) -> list[ActionSignup]:
    return list(db.session.scalars(select(ActionSignup).where(
        ActionSignup.action_id == action_id, ActionSignup.status.in_(statuses))))


def staff_action_list(status: str | None) -> list[tuple[Action, int]]:
    """Actions (newest first) with how many people take part in each."""
    taking_part = (select(ActionSignup.action_id, func.count().label("n"))
                   .where(ActionSignup.status.in_(SignupStatus.ACTIVE))
                   .group_by(ActionSignup.action_id).subquery())
    query = (select(Action, func.coalesce(taking_part.c.n, 0))
             .outerjoin(taking_part, taking_part.c.action_id == Action.id)
             .order_by(Action.created_at.desc(), Action.id.desc()))
    if status:
        query = query.where(Action.status == status)
    else:
        query = query.where(Action.status != ActionStatus.ARCHIVED)
    return [tuple(row) for row in db.session.execute(query)]


def action_signups(action_id: int) -> list[ActionSignup]:
    """Everyone who signed up, in the order they (re)joined."""
    return list(db.session.scalars(select(ActionSignup).where(ActionSignup.action_id == action_id)
                                   .order_by(ActionSignup.queued_at, ActionSignup.id)))


EXPORT_HEADER = ["Sign-up id", "Member id", "First name", "Last name", "E-mail", "Category", "City", "State",
                 "Status", "Signed up (UTC)", "Comment", "Letter subject", "Letter", "Letters e-mailed",
                 "Availability", "Topics", "Staff note", "Attendance", "Checked in (UTC)", "Checked in by", "Walk-in"]
GUEST_STATUS = "Guest at the door (not a member)"


def _time(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def export_rows(action_id: int) -> Iterator[list]:
    """The CSV rows for an action's sign-ups, read from the database in batches, then an event's guests."""
    query = (select(ActionSignup, Member).join(Member, Member.id == ActionSignup.member_id)
             .where(ActionSignup.action_id == action_id).order_by(ActionSignup.id)
             .execution_options(yield_per=500))
    for signup, member in db.session.execute(query):
        yield [signup.id, member.id, member.first_name, member.last_name, member.email,
               category_label(member.category), member.city, member.state, signup.status_label,
               _time(signup.created_at), signup.comment, signup.letter_subject,
               signup.letter_body, signup.letters_emailed, signup.availability, signup.topics, signup.staff_note,
               Attendance.LABELS.get(signup.attendance or "", ""), _time(signup.checked_in_at) if signup.attendance
               else "", signup.checked_in_by if signup.attendance else "", "yes" if signup.walk_in else ""]
    guests = (select(EventGuest).where(EventGuest.action_id == action_id).order_by(EventGuest.id)
              .execution_options(yield_per=500))
    for guest in db.session.scalars(guests):
        yield ["", guest.member_id or "", guest.first_name, guest.last_name, guest.email, GUEST_STATUS, "", "",
               GUEST_STATUS, _time(guest.checked_in_at), "", "", "", "", "", "", "",
               Attendance.LABELS[Attendance.PRESENT], _time(guest.checked_in_at), guest.checked_in_by, "yes"]

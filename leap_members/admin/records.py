"""The member record: notes, status and role changes, and the timeline of what happened."""
from flask import url_for
from sqlalchemy import select

from ..core import registry
from ..core.registry import TimelineEvent, timeline_source
from ..extensions import db
from ..members.models import Member, MembershipStatus, Role
from .audit import current_actor, describe, record_event
from .models import AuditEvent, MemberMerge, StaffNote

SETTABLE_STATUSES = {MembershipStatus.ACTIVE: "Active", MembershipStatus.LAPSED: "Lapsed",
                     MembershipStatus.SUSPENDED: "Suspended (cannot log in)"}
ROLE_LABELS = {Role.MEMBER: "Member", Role.STAFF: "Staff (read, notes, verify, export)",
               Role.ADMIN: "Admin (everything, including roles)"}


class ChangeRefused(ValueError):
    """A change staff asked for that would do harm; the message says why."""


def add_note(member: Member, body: str) -> StaffNote:
    """Keep a staff note on a member record."""
    actor_id, actor_label = current_actor()
    note = StaffNote(member_id=member.id, author_id=actor_id, author_label=actor_label, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def change_status(member: Member, status: str, reason: str, actor: Member) -> bool:
    """Set active, lapsed or suspended; suspending ends every session. Returns False if unchanged."""
    if status not in SETTABLE_STATUSES:
        raise ChangeRefused("Choose active, lapsed or suspended.")
    if member.status == MembershipStatus.MERGED:
        raise ChangeRefused("This record was merged into another one; change the status of that record.")
    if member.id == actor.id:
        raise ChangeRefused("You cannot change the status of your own account.")
    if member.status == status:
        return False
    before = member.status
    member.status = status
    if status == MembershipStatus.SUSPENDED:
        member.end_all_sessions()
    text = f"Status of {describe(member)} changed from {before} to {status}"
    record_event("status", text + (f": {reason}" if reason else ""), member_id=member.id,
                 details={"from": before, "to": status, "reason": reason})
    return True


def change_role(member: Member, role: str, actor: Member) -> bool:
    """Promote or demote; admins cannot change their own role, so one admin always remains."""
    if role not in ROLE_LABELS:
        raise ChangeRefused("Choose member, staff or admin.")
    if member.id == actor.id:
        raise ChangeRefused("You cannot change your own role. Ask another admin.")
    if role != Role.MEMBER and (not member.email_confirmed or member.status != MembershipStatus.ACTIVE):
        raise ChangeRefused("Only an active member with a confirmed e-mail address can be made staff.")
    if member.role == role:
        return False
    before = member.role
    member.role = role
    # A changed role starts from a fresh login, so no old session carries old powers.
    member.end_all_sessions()
    record_event("role", f"Role of {describe(member)} changed from {before} to {role}", member_id=member.id,
                 details={"from": before, "to": role})
    return True


def staff_team() -> list[Member]:
    return list(db.session.scalars(select(Member).where(Member.role.in_((Role.STAFF, Role.ADMIN)))
                                   .order_by(Member.last_name, Member.first_name, Member.id)))


def notes_of(member: Member) -> list[StaffNote]:
    return list(db.session.scalars(select(StaffNote).where(StaffNote.member_id == member.id)
                                   .order_by(StaffNote.created_at.desc(), StaffNote.id.desc())))


def timeline(member: Member) -> list[TimelineEvent]:
    """Everything that happened to a member, newest first, from every feature."""
    events: list[TimelineEvent] = []
    for source in registry.timeline_sources:
        events.extend(source(member))
    return sorted(events, key=lambda event: event.when, reverse=True)


@timeline_source
def membership_events(member: Member):
    """Joined, confirmed, verified, consents given or withdrawn, last login."""
    yield TimelineEvent(member.created_at, "joined", f"Joined as {member.category_info.label}")
    if member.email_confirmed_at:
        yield TimelineEvent(member.email_confirmed_at, "confirmed", "Confirmed the e-mail address")
    if member.verified_at and member.is_verified:
        yield TimelineEvent(member.verified_at, "verified", "Professional background verified")
    for consent in member.consents:
        verb = "Agreed to" if consent.granted else "Withdrew consent to"
        yield TimelineEvent(consent.created_at, "consent", f"{verb} e-mail updates (via {consent.source})")
    if member.last_login_at:
        yield TimelineEvent(member.last_login_at, "login", "Last logged in")


@timeline_source
def staff_events(member: Member):
    """Staff notes, staff decisions about the member, and merges."""
    for note in notes_of(member):
        yield TimelineEvent(note.created_at, "note", f"Note by {note.author_label}: {note.body}")
    history = db.session.scalars(select(AuditEvent).where(AuditEvent.member_id == member.id))
    for event in history:
        yield TimelineEvent(event.created_at, event.action, f"{event.summary} (by {event.actor_label})")
    # The kept record shows the merge through its audit event; the retired one points to it.
    merge = db.session.scalar(select(MemberMerge).where(MemberMerge.source_member_id == member.id))
    if merge:
        yield TimelineEvent(merge.created_at, "merged", f"Merged into record #{merge.target_member_id}",
                            url_for("admin.member", member_id=merge.target_member_id))

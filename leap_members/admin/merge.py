"""Merging two records of the same person: everything moves to the record that is kept."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core import registry
from ..core.database import rows_changed
from ..core.registry import merge_step
from ..extensions import db
from ..members.models import Consent, Member, MembershipStatus, Role
from .audit import current_actor, record_event
from .models import AuditEvent, MemberMerge, StaffNote

# Profile fields the kept record takes from the duplicate when it has none of its own.
FILLABLE = ("phone", "organisation", "role_title", "years_of_service")


class MergeRefused(ValueError):
    """The two records cannot be merged; the message says why."""


def merged_email(member_id: int) -> str:
    """A placeholder address for a merged-away record: frees the real one, keeps the unique index."""
    return f"merged-{member_id}@merged.invalid"


def check_mergeable(source: Member, target: Member) -> None:
    """Raise MergeRefused unless ``source`` may be folded into ``target``."""
    if source.id == target.id:
        raise MergeRefused("A record cannot be merged with itself.")
    for member in (source, target):
        if member.status == MembershipStatus.MERGED:
            raise MergeRefused(f"{member.full_name} (#{member.id}) was already merged into another record.")
    if source.role != Role.MEMBER:
        raise MergeRefused("The duplicate is a staff account. Change its role to member before merging it.")


def merge_members(source: Member, target: Member) -> MemberMerge:
    """Move gifts, sign-ups, notes and history from ``source`` to ``target``; retire ``source``."""
    check_mergeable(source, target)
    moved: dict[str, int] = {}
    for step in registry.merge_steps:
        for what, count in (step(source.id, target.id) or {}).items():
            moved[what] = moved.get(what, 0) + count
    filled = [name for name in FILLABLE
              if getattr(target, name) in (None, "") and getattr(source, name) not in (None, "")]
    for name in filled:
        setattr(target, name, getattr(source, name))
    if source.created_at < target.created_at:
        target.created_at = source.created_at  # membership began with the older record
    old_email, old_name = source.email, source.full_name
    source.status = MembershipStatus.MERGED
    source.email = merged_email(source.id)
    source.pending_email = None
    source.password_hash = None
    source.end_all_sessions()
    merge = MemberMerge(source_member_id=source.id, target_member_id=target.id, source_email=old_email,
                        source_name=old_name, moved={**moved, "fields filled": len(filled)},
                        merged_by_label=current_actor()[1])
    try:
        with db.session.begin_nested():
            db.session.add(merge)
            db.session.flush()
    except IntegrityError as exc:  # two staff merging the same record at once
        raise MergeRefused("This record was merged a moment ago by someone else.") from exc
    record_event("merge", f"Merged #{source.id} {old_name} <{old_email}> into #{target.id} {target.full_name}",
                 member_id=target.id, details={"source_id": source.id, "source_email": old_email,
                                               "moved": moved, "filled": filled})
    return merge


def merge_into(member_id: int) -> MemberMerge | None:
    """Where a merged-away record went, if it was merged."""
    return db.session.scalar(select(MemberMerge).where(MemberMerge.source_member_id == member_id))


def _move(model, column, source_id: int, target_id: int) -> int:
    return rows_changed(update(model).where(column == source_id).values({column.key: target_id})
                        .execution_options(synchronize_session=False))


@merge_step
def move_staff_notes(source_id: int, target_id: int) -> dict[str, int]:
    return {"staff notes": _move(StaffNote, StaffNote.member_id, source_id, target_id)}


@merge_step
def move_consents(source_id: int, target_id: int) -> dict[str, int]:
    """Consent records stay evidence of what the person agreed to, so they follow the person."""
    return {"consent records": _move(Consent, Consent.member_id, source_id, target_id)}


@merge_step
def move_audit_history(source_id: int, target_id: int) -> dict[str, int]:
    return {"history entries": _move(AuditEvent, AuditEvent.member_id, source_id, target_id)}

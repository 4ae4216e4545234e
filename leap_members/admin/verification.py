"""The verification queue: staff check professional claims and tell the member the outcome."""
from sqlalchemy import func, select, update

from ..core.database import rows_changed
from ..core.links import public_link
from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.services import queue_email
from ..members.models import Member, MembershipStatus, Verification
from .audit import describe, record_event

QUEUE_LIMIT = 200


class AlreadyDecided(ValueError):
    """Someone decided this claim already (or it is not waiting for review)."""


def pending_claims() -> list[Member]:
    """Members waiting for review, oldest first, so nobody waits for ever."""
    return list(db.session.scalars(
        select(Member).where(Member.verification == Verification.PENDING,
                             Member.status != MembershipStatus.MERGED)
        .order_by(Member.created_at, Member.id).limit(QUEUE_LIMIT)))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member).where(
        Member.verification == Verification.PENDING, Member.status != MembershipStatus.MERGED)) or 0


def decide_claim(member: Member, approve: bool, reason: str) -> None:
    """Verify or reject a pending claim once, record it and e-mail the member.

    The conditional UPDATE makes a second, simultaneous decision fail instead of e-mailing twice.
    """
    outcome = Verification.VERIFIED if approve else Verification.REJECTED
    now = utcnow()
    changed = rows_changed(
        update(Member).where(Member.id == member.id, Member.verification == Verification.PENDING)
        .values(verification=outcome, verified_at=now if approve else None, verification_note=reason or None)
        .execution_options(synchronize_session=False))
    if changed != 1:
        raise AlreadyDecided(f"The claim of {member.full_name} is no longer waiting for review.")
    db.session.refresh(member)
    verb = "Verified" if approve else "Did not verify"
    record_event("verification", f"{verb} the professional background of {describe(member)}"
                 + (f": {reason}" if reason else ""), member_id=member.id,
                 details={"outcome": outcome, "reason": reason})
    template = "admin_verification_approved" if approve else "admin_verification_rejected"
    subject = ("Your LEAP membership is verified" if approve
               else "About the verification of your LEAP membership")
    queue_email(member.email, subject, template, kind=f"verification-{outcome}", member=member,
                reason=reason, account_url=public_link("members.account"))

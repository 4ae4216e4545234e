"""How a request moves: new → matching → booked → done, or cancelled / no speaker; every move is a step.

The one place that changes ``SpeakerRequest.status``. Booking is a conditional UPDATE, so when two
speakers accept at the same moment exactly one of them books the request.
"""
from sqlalchemy import select, update

from ..core.database import rows_changed
from ..core.timeutil import utcnow
from ..extensions import db
from .history import record_step
from .models import RequestStatus, SpeakerProfile, SpeakerRequest

# Where a request may go from each status.
MOVES = {
    RequestStatus.NEW: {RequestStatus.MATCHING, RequestStatus.BOOKED, RequestStatus.CANCELLED,
                        RequestStatus.NO_SPEAKER},
    RequestStatus.MATCHING: {RequestStatus.BOOKED, RequestStatus.CANCELLED, RequestStatus.NO_SPEAKER},
    # A booked speaker who drops out puts the request back to matching.
    RequestStatus.BOOKED: {RequestStatus.DONE, RequestStatus.CANCELLED, RequestStatus.MATCHING},
    RequestStatus.DONE: set(),
    RequestStatus.CANCELLED: set(),
    RequestStatus.NO_SPEAKER: set(),
}


class MoveRefused(ValueError):
    """A move the request's status does not allow; the message says why, for staff or the visitor."""


def lock_request(request_id: int) -> SpeakerRequest:
    """Reload the request and lock its row until commit (PostgreSQL; SQLite's writer lock does the same)."""
    return db.session.scalars(select(SpeakerRequest).where(SpeakerRequest.id == request_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def move(request: SpeakerRequest, to: str, text: str, *, member_id: int | None = None, reason: str | None = None,
         actor_label: str | None = None) -> None:
    """Change the status (not to booked: see ``book``) and write the step."""
    if to == RequestStatus.BOOKED:
        raise ValueError("book a request with book(), which makes sure only one speaker wins")
    if to not in MOVES[request.status]:
        raise MoveRefused(f"This request is {request.status_label.lower()}; it cannot be marked "
                          f"{RequestStatus.LABELS[to].lower()}.")
    request.status = to
    if to in RequestStatus.CLOSED:
        request.closed_at = utcnow()
        request.closed_reason = reason
    if to == RequestStatus.MATCHING:
        request.booked_profile_id = None
        request.booked_at = None
    record_step(to, text, request=request, member_id=member_id, actor_label=actor_label)


def book(request: SpeakerRequest, profile: SpeakerProfile, text: str, *, actor_label: str | None = None) -> bool:
    """Book ``profile`` for the request if it is still open; False if someone else got there first."""
    now = utcnow()
    won = rows_changed(
        update(SpeakerRequest)
        .where(SpeakerRequest.id == request.id, SpeakerRequest.status.in_(RequestStatus.OPEN))
        .values(status=RequestStatus.BOOKED, booked_profile_id=profile.id, booked_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    if won != 1:
        return False
    db.session.refresh(request)
    record_step(RequestStatus.BOOKED, text, request=request, member_id=profile.member_id, actor_label=actor_label)
    return True

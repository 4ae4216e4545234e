"""The steps of a request and of a speaker's part in the bureau, and the member timeline they feed."""
from flask import url_for
from sqlalchemy import select

from ..admin.audit import current_actor
from ..core.registry import TimelineEvent, timeline_source
from ..extensions import db
from .models import SpeakerHistory, SpeakerRequest


def record_step(kind: str, text: str, *, request: SpeakerRequest | None = None, member_id: int | None = None,
                actor_label: str | None = None) -> SpeakerHistory:
    """Write one step; ``member_id`` puts it on that speaker's member timeline too.

    The actor is the logged-in person (or the command line) unless ``actor_label`` says otherwise,
    e.g. "the requester" for a visitor's own step.
    """
    step = SpeakerHistory(request_id=request.id if request else None, member_id=member_id, kind=kind, text=text,
                          actor_label=actor_label or current_actor()[1])
    db.session.add(step)
    db.session.flush()
    return step


def request_steps(request: SpeakerRequest) -> list[SpeakerHistory]:
    """The request's timeline, oldest first."""
    return list(db.session.scalars(select(SpeakerHistory).where(SpeakerHistory.request_id == request.id)
                                   .order_by(SpeakerHistory.created_at, SpeakerHistory.id)))


@timeline_source
def speaker_timeline(member):
    """The member's steps as a speaker: profile decisions, invitations, bookings, reports."""
    steps = db.session.scalars(select(SpeakerHistory).where(SpeakerHistory.member_id == member.id))
    for step in steps:
        url = url_for("speakers.staff_request", request_id=step.request_id) if step.request_id else None
        yield TimelineEvent(step.created_at, f"speaker-{step.kind}", f"Speakers bureau: {step.text}", url)

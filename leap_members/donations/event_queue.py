"""The event worker: applies the Stripe events the webhook stored, oldest first.

The webhook only checks the signature and stores the event, so Stripe has its answer at once
however long applying it takes (Stripe's advice for webhook endpoints). Each event is then
applied here in its own transaction, through the same process_event path as reconciliation,
so an event both see is applied once. An event that fails is tried again after a back-off
without holding up the ones behind it. Run by ``flask apply-stripe-events [--loop]``.
"""
import json
from collections import Counter
from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Row

from ..core.leases import Lease
from ..core.timeutil import backoff, utcnow
from ..extensions import db
from .envelope import check_envelope
from .events import Result, apply_received, prepare
from .models import EventOutcome, StripeEvent

FAILED = "failed"
RELEASED = "applied after waiting"


def apply_queued(keep_going: Callable[[], bool] = lambda: True) -> Counter:
    """Apply the queued events that are due, oldest first, until none is or ``keep_going`` says
    stop; count their outcomes. One event at a time: a worker that dies strands only the event it
    held, and only until its lease ends; one that is stopped hands it back.

    Counts "applied", "ignored", "deferred", "duplicate" (applied meanwhile by another worker or
    by reconciliation), "failed" (tried again later) and "applied after waiting" (deferred events
    an applied one let through).
    """
    counts: Counter = Counter()
    lease = Lease(StripeEvent, StripeEvent.retry_at)
    due = [StripeEvent.outcome == EventOutcome.QUEUED,
           or_(StripeEvent.retry_at.is_(None), StripeEvent.retry_at <= utcnow())]
    try:
        while keep_going() and (leased := lease.take(due, 1, StripeEvent.stripe_event_id, StripeEvent.payload)):
            result = _apply_one(leased[0])
            lease.finished(leased[0].id)
            counts[result.outcome if result else FAILED] += 1
            if result and result.released:
                counts[RELEASED] += len(result.released)
    finally:
        lease.hand_back()
    return counts


def _apply_one(leased: Row) -> Result | None:
    """Apply one leased event in a transaction of its own; None if it failed and was postponed."""
    try:
        event = json.loads(leased.payload)["event"]
        if reason := check_envelope(event):   # stored before the webhook checked envelopes
            return _refuse(leased.id, reason)
        # Stripe may be asked a fact or two here, with no transaction open.
        result = apply_received(event, prepare(event))
        db.session.commit()
        return result
    except Exception as exc:   # noqa: BLE001 - whatever went wrong, this event waits and the rest go on
        db.session.rollback()
        current_app.logger.exception("Could not apply Stripe event %s; it will be tried again", leased.stripe_event_id)
        _postpone(leased.id, exc)
        return None


def _refuse(row_id: int, reason: str) -> Result:
    """Settle an event that can never be applied as ignored, instead of retrying it for ever."""
    row = db.session.get(StripeEvent, row_id)
    current_app.logger.warning("Ignored stored Stripe event %r: %s", row.stripe_event_id, reason)
    row.outcome, row.note, row.payload, row.retry_at = EventOutcome.IGNORED, f"refused: {reason}", None, None
    row.applied_at = utcnow()   # when it was settled, as for every other ignored event
    db.session.commit()
    return Result(EventOutcome.IGNORED, reason)


def _postpone(row_id: int, error: Exception) -> None:
    row = db.session.get(StripeEvent, row_id)
    row.attempts += 1
    row.retry_at = utcnow() + backoff(row.attempts)
    row.note = f"try {row.attempts} failed: {type(error).__name__}: {error}"[:500]
    db.session.commit()


def waiting() -> dict[str, int]:
    """Events stored and not applied: queued (and of those, postponed after a failure), deferred."""
    queued = StripeEvent.outcome == EventOutcome.QUEUED
    counts = db.session.execute(select(
        func.count().filter(queued).label("queued"),
        func.count().filter(queued, StripeEvent.retry_at > utcnow()).label("postponed"),
        func.count().filter(StripeEvent.outcome == EventOutcome.DEFERRED).label("deferred"))
        .where(StripeEvent.outcome.in_((EventOutcome.QUEUED, EventOutcome.DEFERRED)))).one()
    db.session.rollback()
    return dict(counts._mapping)

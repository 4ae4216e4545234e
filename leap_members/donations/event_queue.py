"""The event worker: applies the Stripe events the webhook stored, oldest first.

The webhook only checks the signature and stores the event, so Stripe has its answer at once
however long applying it takes (Stripe's advice for webhook endpoints). Each event is then
applied here in its own transaction, through the same process_event path as reconciliation,
so an event both see is applied once. An event that fails is tried again after a back-off
without holding up the ones behind it. Run by ``flask apply-stripe-events [--loop]``.
"""
import json
from collections import Counter
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, or_, select

from ..core.timeutil import backoff, utcnow
from ..extensions import db
from .events import apply_received, prepare
from .models import EventOutcome, StripeEvent

LEASE = timedelta(minutes=10)
FAILED = "failed"
RELEASED = "applied after waiting"


class Claim(NamedTuple):
    id: int
    stripe_event_id: str
    payload: str


def apply_queued(limit: int | None = None) -> Counter:
    """Apply the queued events that are due, oldest first; count their outcomes.

    Counts "applied", "ignored", "deferred", "duplicate" (applied meanwhile by another worker or
    by reconciliation), "failed" (tried again later) and "applied after waiting" (deferred events
    an applied one let through).
    """
    counts: Counter = Counter()
    tried = 0
    while limit is None or tried < limit:
        due = _next_due()
        if due is None:
            break
        tried += 1
        try:
            event = json.loads(due.payload)["event"]
            # Stripe may be asked a fact or two here, with no transaction open.
            result = apply_received(event, prepare(event))
            db.session.commit()
        except Exception as exc:   # noqa: BLE001 - whatever went wrong, this event waits and the rest go on
            db.session.rollback()
            current_app.logger.exception("Could not apply Stripe event %s; it will be tried again", due.stripe_event_id)
            _postpone(due.id, exc)
            counts[FAILED] += 1
            continue
        counts[result.outcome] += 1
        if result.released:
            counts[RELEASED] += len(result.released)
    return counts


def _next_due() -> Claim | None:
    """Lease the oldest due event to this worker, in a transaction of its own: other workers skip
    it meanwhile, and if this one dies it is due again when the lease ends."""
    now = utcnow()
    row = db.session.scalars(
        select(StripeEvent)
        .where(StripeEvent.outcome == EventOutcome.QUEUED, or_(StripeEvent.retry_at.is_(None), StripeEvent.retry_at <= now))
        .order_by(StripeEvent.id).limit(1).with_for_update(skip_locked=True)).first()
    if row is None:
        db.session.rollback()
        return None
    claim = Claim(row.id, row.stripe_event_id, row.payload)
    row.retry_at = now + LEASE
    db.session.commit()
    return claim


def _postpone(row_id: int, error: Exception) -> None:
    row = db.session.get(StripeEvent, row_id)
    row.attempts += 1
    row.retry_at = utcnow() + backoff(row.attempts)
    row.note = f"try {row.attempts} failed: {type(error).__name__}: {error}"[:500]
    db.session.commit()


def waiting() -> dict[str, int]:
    """Events stored and not applied: queued (and of those, postponed after a failure), deferred."""
    count = db.session.scalar
    found = {
        "queued": count(select(func.count()).where(StripeEvent.outcome == EventOutcome.QUEUED)),
        "postponed": count(select(func.count()).where(StripeEvent.outcome == EventOutcome.QUEUED,
                                                      StripeEvent.retry_at > utcnow())),
        "deferred": count(select(func.count()).where(StripeEvent.outcome == EventOutcome.DEFERRED)),
    }
    db.session.rollback()
    return found

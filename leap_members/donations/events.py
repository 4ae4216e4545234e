"""Applying Stripe events exactly once: store, lease, apply, defer and retry, in one place.

The webhook only checks the signature and the envelope, and stores each event as it arrives
(receive: queued), so Stripe has its answer at once however long applying it takes. The event
worker (apply_queued, run by ``flask apply-stripe-events [--loop]``) then leases the stored
events oldest first and applies each in its own transaction; one that fails is tried again
after a back-off without holding up the ones behind it. The reconciliation command applies
what Stripe lists. Both go through process_event/apply_received, so an event seen by both is
applied once. Events about a gift not recorded yet are kept (deferred) and applied as soon as
a later event records that gift (retry_deferred).
"""
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row

from ..core.database import on_sqlite
from ..core.leases import Lease
from ..core.timeutil import backoff, utcnow
from ..extensions import db
from . import stripe_client
from .envelope import check_envelope
from .handlers import HANDLERS, Extra, Ignored, NotReady
from .models import EventOutcome, StripeEvent
from .stripe_objects import parse_charge, parse_dispute, parse_invoice

DUPLICATE = "duplicate"
FAILED = "failed"
RELEASED = "applied after waiting"
# Stored but not applied yet: a later delivery, the worker or reconciliation may still apply them.
WAITING = (EventOutcome.QUEUED, EventOutcome.DEFERRED)
# Stripe redelivers for three days; waiting events older than that are retried only by reconciliation.
DEFERRED_WINDOW = timedelta(days=3)


@dataclass
class Result:
    """What processing one event did; ``released`` lists waiting events it let through."""
    outcome: str
    note: str
    released: list[tuple[str, str, str]] = field(default_factory=list)   # (event id, type, note)


def prepare(event: dict) -> Extra:
    """Facts an event needs from Stripe itself, fetched before any database work starts."""
    obj = event["data"]["object"]
    if event.get("type") == "invoice.payment_failed":
        return {"decline_reason": stripe_client.decline_reason(parse_invoice(obj).payment_intent_id)}
    if event.get("type") in ("charge.refunded", "charge.dispute.created"):
        payment = (parse_dispute(obj) if event["type"] == "charge.dispute.created" else parse_charge(obj)).payment
        if payment.donation_id or payment.invoice_id:
            return {}
        # A monthly charge's refund names only its payment intent; ask Stripe which invoice it paid.
        return {"invoice": stripe_client.invoice_for_payment(payment.payment_intent_id)}
    return {}


def _apply(event: dict, extra: Extra) -> tuple[str, str]:
    handler = HANDLERS.get(event["type"])   # the envelope is checked before anything is applied
    if handler is None:
        return EventOutcome.IGNORED, "an event type we do not act on"
    try:
        with db.session.begin_nested():
            note = handler(event, event["data"]["object"], extra)
    except Ignored as exc:
        return EventOutcome.IGNORED, str(exc)
    return EventOutcome.APPLIED, note


def receive(event: dict, body: str) -> bool:
    """Store a verified event (envelope checked) for the event worker, committed; False if an event
    with its id was stored before.

    The body goes in as Stripe signed it, wrapped as {"event": ...}, so nothing is parsed or
    serialised again on the way in.
    """
    statement = _insert(event, "webhook", EventOutcome.QUEUED, payload='{"event":' + body + "}")
    stored = db.session.execute(statement.returning(StripeEvent.id)).first()
    db.session.commit()
    return stored is not None


def process_event(event: dict, source: str = "webhook", extra: Extra | None = None) -> Result:
    """Apply one event (envelope checked) unless already applied. The caller commits.

    Raises whatever the database raises, so the caller can roll back and try again later.
    """
    row = _record(event, source)
    return apply_received(event, extra) if row is None else _apply_to(row, event, extra or {})


def apply_received(event: dict, extra: Extra | None = None) -> Result:
    """Apply an event whose id is stored already (queued, or deferred), unless it has been applied.

    The row is locked first: a second worker applying the same event waits, then finds it done.
    """
    row = db.session.scalars(select(StripeEvent).where(StripeEvent.stripe_event_id == event["id"])
                             .with_for_update()).one()
    if row.outcome not in WAITING:
        return Result(DUPLICATE, f"already {row.outcome}")
    return _apply_to(row, event, extra or {})


def _apply_to(row: StripeEvent, event: dict, extra: Extra) -> Result:
    try:
        outcome, note = _apply(event, extra)
    except NotReady as exc:
        row.outcome, row.note = EventOutcome.DEFERRED, str(exc)[:500]
        row.payload = json.dumps({"event": event, "extra": extra})
        db.session.flush()
        return Result(EventOutcome.DEFERRED, str(exc))
    _settle(row, outcome, note)
    released = retry_deferred() if outcome == EventOutcome.APPLIED else []
    return Result(outcome, note, [(waiting.stripe_event_id, waiting.type, text) for waiting, text in released])


def _insert(event: dict, source: str, outcome: str, payload: str | None = None):
    """INSERT ... ON CONFLICT DO NOTHING of an event id: a second delivery of the same event,
    even at the same moment, waits for the first one's transaction and then inserts nothing.

    The envelope must have passed envelope.check_envelope: then every value fits its column."""
    insert = sqlite.insert if on_sqlite() else postgresql.insert
    return (insert(StripeEvent).values(
        stripe_event_id=event["id"], type=event["type"], stripe_created=event["created"],
        outcome=outcome, source=source, received_at=utcnow(), payload=payload)
        .on_conflict_do_nothing(index_elements=[StripeEvent.stripe_event_id]))


def _record(event: dict, source: str) -> StripeEvent | None:
    """Store a new event id (as waiting until applied); None if the id is stored already."""
    return db.session.scalars(_insert(event, source, EventOutcome.DEFERRED).returning(StripeEvent)).first()


def _settle(row: StripeEvent, outcome: str, note: str) -> None:
    row.outcome, row.note, row.payload, row.applied_at = outcome, (note or "")[:500], None, utcnow()
    row.retry_at = None
    db.session.flush()


def retry_deferred(everything: bool = False) -> list[tuple[StripeEvent, str]]:
    """Apply waiting events that can be applied now, oldest first, until none moves."""
    applied: list[tuple[StripeEvent, str]] = []
    while True:
        query = select(StripeEvent).where(StripeEvent.outcome == EventOutcome.DEFERRED).order_by(
            StripeEvent.stripe_created, StripeEvent.id)
        if not everything:
            query = query.where(StripeEvent.received_at >= utcnow() - DEFERRED_WINDOW)
        progress = False
        for row in db.session.scalars(query).all():
            stored = json.loads(row.payload or "{}")
            if not stored:
                continue
            extra = cast(Extra, stored.get("extra") or {})   # what prepare fetched, stored with the event
            try:
                outcome, note = _apply(stored["event"], extra)
            except NotReady:
                continue
            _settle(row, outcome, note)
            applied.append((row, note))
            progress = True
        if not progress:
            return applied


# The event worker: the stored events, leased one at a time.
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
    row = db.session.get_one(StripeEvent, row_id)
    current_app.logger.warning("Ignored stored Stripe event %r: %s", row.stripe_event_id, reason)
    row.outcome, row.note, row.payload, row.retry_at = EventOutcome.IGNORED, f"refused: {reason}", None, None
    row.applied_at = utcnow()   # when it was settled, as for every other ignored event
    db.session.commit()
    return Result(EventOutcome.IGNORED, reason)


def _postpone(row_id: int, error: Exception) -> None:
    row = db.session.get_one(StripeEvent, row_id)
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

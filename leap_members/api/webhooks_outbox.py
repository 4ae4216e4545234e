"""New people, signatures, attendances and paid gifts queue their webhook deliveries in the transaction
that records them (an outbox): a rollback queues nothing, and a commit never loses one.

Watching the session sees every path that writes through the ORM (pages, the API, Stripe events,
imports with ``add_all``) without each having to remember a call. After each flush the records that
became new are noted: a member added; a sign-up added, or moved back to signed, registered or the
waiting list after the member had left; a gift whose ``paid_at`` was set. Just before the outermost
commit their bodies are made (webhooks_payloads.py) and one delivery row is inserted for each
unpaused endpoint that wants that kind; the idempotency key makes a second notice of the same
happening insert nothing. Statements that bypass the ORM (``insert(Member)`` with many rows in
admin/fake_data.py, INSERT ... SELECT in the bench) are not seen and send nothing.
"""
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from ..advocacy.models import ActionSignup, SignupStatus
from ..core.timeutil import utcnow
from ..donations.models import Donation
from ..members.models import Member
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .webhooks_payloads import bodies

_NOTED = "webhook_records"
# The sign-up statuses that make a signature or an attendance.
SIGNUP_EVENTS = {SignupStatus.SIGNED: WebhookEvent.SIGNATURE, SignupStatus.REGISTERED: WebhookEvent.ATTENDANCE,
                 SignupStatus.WAITLISTED: WebhookEvent.ATTENDANCE}
ROWS_PER_INSERT = 500


def _new_kind(record: Any, added: bool) -> str | None:
    """The webhook event ``record`` makes in this flush, if any."""
    if isinstance(record, Member):
        return WebhookEvent.PERSON if added else None
    if isinstance(record, ActionSignup):
        kind = SIGNUP_EVENTS.get(record.status)
        if kind is None or added:
            return kind
        before = inspect(record).attrs.status.history.deleted   # loaded: the column has active_history
        return kind if before and before[0] not in SignupStatus.ACTIVE else None
    if isinstance(record, Donation) and record.paid_at is not None:
        if added:
            return WebhookEvent.DONATION
        history = inspect(record).attrs.paid_at.history
        # Not loaded before it was set (deleted empty): maybe paid already; the idempotency key decides.
        return WebhookEvent.DONATION if history.added and not (history.deleted and history.deleted[0]) else None
    return None


@event.listens_for(Session, "after_flush")
def _note_new_records(session: Session, flush_context) -> None:
    for records, added in ((session.new, True), (session.dirty, False)):
        for record in records:
            if kind := _new_kind(record, added):
                session.info.setdefault(_NOTED, []).append((kind, record))


@event.listens_for(Session, "before_commit")
def _queue_noted(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()   # the commit's own flush, early: what it writes gets noted too
    if noted := session.info.pop(_NOTED, None):
        queue_deliveries(session, noted)


@event.listens_for(Session, "after_transaction_end")
def _forget_noted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:   # committed, rolled back or closed: nothing noted outlives it
        session.info.pop(_NOTED, None)


def queue_deliveries(session: Session, noted: list[tuple[str, Any]]) -> int:
    """Insert the deliveries of the noted records still there; how many rows were asked for."""
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.paused_at.is_(None))).all()
    wanted = {kind: [endpoint.id for endpoint in endpoints if kind in endpoint.events] for kind in WebhookEvent.ALL}
    records: dict[str, dict[int, Any]] = {kind: {} for kind in WebhookEvent.ALL}
    for kind, record in noted:
        # Gone since (deleted, or added in a savepoint that was rolled back), or no longer new: nothing to send.
        if wanted[kind] and inspect(record).persistent and _new_kind(record, True) == kind:
            records[kind][record.id] = record
    now, rows = utcnow(), []
    for kind, found in records.items():
        for record, key, body in bodies(kind, list(found.values())) if found else ():
            rows += [{"endpoint_id": endpoint_id, "event": kind, "record_uuid": record.uuid, "idempotency_key": key,
                      "body": body, "created_at": now, "next_attempt_at": now, "attempts": 0}
                     for endpoint_id in wanted[kind]]
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    for start in range(0, len(rows), ROWS_PER_INSERT):
        session.execute(insert(WebhookDelivery).values(rows[start:start + ROWS_PER_INSERT])
                        .on_conflict_do_nothing(index_elements=["endpoint_id", "idempotency_key"]))
    return len(rows)

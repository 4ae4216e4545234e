"""Bounces and complaints: each report stored once, and the address suppressed when it must be.

A hard bounce or a complaint stops bulk mail to the address at once; soft bounces only when an
address has had three within 30 days (counted from after the last time staff lifted a
suppression of it, so lifting gives the address a fresh start). Every report goes through
``record_event``, whoever sent it (a provider's webhook or a returned message), so the same
report twice is one event and one address never has two suppressions in force.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from ..mail.models import OutboxMessage
from ..members.models import Member
from . import verp
from .models import DeliveryEvent, DeliveryKind, Suppression, SuppressionReason

SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_WINDOW = timedelta(days=30)
_SUPPRESSES_AT_ONCE = {DeliveryKind.HARD_BOUNCE: SuppressionReason.HARD_BOUNCE,
                       DeliveryKind.COMPLAINT: SuppressionReason.COMPLAINT}


@dataclass(frozen=True)
class Report:
    """One bounce or complaint as a source tells it, before it is matched to a message."""
    source_key: str
    kind: str
    address: str
    occurred_at: datetime
    detail: str = ""
    message_id: str | None = None          # the Message-ID header of the message it is about
    return_paths: tuple[str, ...] = ()     # addresses that may be the message's VERP return path


def normalise(address: str) -> str:
    """The form addresses are stored and compared in (members' addresses are stored lower-case)."""
    return (address or "").strip().strip("<>").strip().lower()


def source_key(*parts: str) -> str:
    """A key that fits the column: the parts joined, or their hash when that would be too long."""
    joined = ":".join(parts)
    return joined if len(joined) <= 255 else f"{parts[0]}:sha256:{hashlib.sha256(joined.encode()).hexdigest()}"


def record_event(source: str, source_key: str, kind: str, address: str, occurred_at: datetime, detail: str,
                 outbox_message_id: int | None = None) -> bool:
    """Store one report and suppress the address if it must be; False if the report was known already."""
    if kind not in DeliveryKind.ALL:
        raise ValueError(f"not a delivery event kind: {kind!r}")
    # PostgreSQL refuses NUL in text: a report carrying one must not fail (and be redelivered) for ever.
    source_key, detail, address = (text.replace("\x00", "") for text in (source_key, detail, normalise(address)))
    if db.session.scalar(select(DeliveryEvent.id).where(DeliveryEvent.source_key == source_key)):
        return False
    mailing_id = None
    if outbox_message_id is not None:
        mailing_id = db.session.scalar(select(OutboxMessage.mailing_id).where(OutboxMessage.id == outbox_message_id))
    event = DeliveryEvent(source_key=source_key, source=source, kind=kind, address=address,
                          outbox_message_id=outbox_message_id, mailing_id=mailing_id, detail=detail[:2000],
                          occurred_at=occurred_at)
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:   # the same report, delivered twice at once: the other copy won
        return False
    if kind in _SUPPRESSES_AT_ONCE:
        suppress(address, _SUPPRESSES_AT_ONCE[kind], detail)
    elif _soft_bounces_reach_limit(address, occurred_at):
        suppress(address, SuppressionReason.SOFT_BOUNCES, detail)
    return True


def record_report(source: str, report: Report) -> bool:
    """``record_event`` for a report, linked to the outbox message it names (by VERP, then Message-ID)."""
    outbox_id = outbox_message_for(report.message_id, report.return_paths)
    return record_event(source, report.source_key, report.kind, report.address, report.occurred_at,
                        report.detail, outbox_id)


def outbox_message_for(message_id: str | None, return_paths: tuple[str, ...] = ()) -> int | None:
    """The outbox row a report is about: a signed VERP return path first, else the Message-ID header."""
    for address in return_paths:
        found = verp.message_of(address)
        if found is not None and db.session.get(OutboxMessage, found) is not None:
            return found
    wanted = (message_id or "").strip()
    if "@" not in wanted:   # not a Message-ID header (Postmark's MessageID is its own UUID)
        return None
    wanted = wanted if wanted.startswith("<") else f"<{wanted}>"
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == wanted).limit(1))


def _soft_bounces_reach_limit(address: str, occurred_at: datetime) -> bool:
    """Whether some 30 days that include ``occurred_at`` hold SOFT_BOUNCE_LIMIT soft bounces.

    Reports can arrive out of order, so every window around the new bounce is looked at, not
    only the 30 days before it.
    """
    last_lift = db.session.scalar(select(func.max(Suppression.lifted_at)).where(Suppression.address == address))
    since = occurred_at - SOFT_BOUNCE_WINDOW
    if last_lift is not None:
        since = max(since, last_lift)
    times = sorted(db.session.scalars(select(DeliveryEvent.occurred_at).where(
        DeliveryEvent.address == address, DeliveryEvent.kind == DeliveryKind.SOFT_BOUNCE,
        DeliveryEvent.occurred_at >= since, DeliveryEvent.occurred_at <= occurred_at + SOFT_BOUNCE_WINDOW)))
    return any(times[i + SOFT_BOUNCE_LIMIT - 1] - times[i] <= SOFT_BOUNCE_WINDOW
               for i in range(len(times) - SOFT_BOUNCE_LIMIT + 1))


def active_suppression(address: str) -> Suppression | None:
    return db.session.scalar(select(Suppression).where(Suppression.address == normalise(address),
                                                       Suppression.lifted_at.is_(None)))


def suppress(address: str, reason: str, detail: str = "") -> bool:
    """Stop bulk mail to ``address``; False if a suppression was already in force (it is kept as it is)."""
    address = normalise(address)
    if active_suppression(address) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Suppression(address=address, reason=reason, detail=detail[:2000]))
    except IntegrityError:   # suppressed by another report at the same moment (the partial unique index)
        return False
    return True


def lift(address: str, staff: Member) -> bool:
    """Let bulk mail reach ``address`` again; the suppression stays in the history. False if none was in force."""
    found = active_suppression(address)
    if found is None:
        return False
    found.lifted_at, found.lifted_by_id = utcnow(), staff.id
    db.session.flush()
    return True

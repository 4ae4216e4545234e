"""Mail that comes back: delivery reports (RFC 3464), spam complaints (ARF, RFC 5965) and
unsubscribe requests sent to the List-Unsubscribe mailto.

``parse`` only reads a message; ``apply`` changes the database. Anyone can send mail to the
bounce mailbox, so a report counts only when it names one of our messages, by its signed VERP
return path or its Message-ID, and the address suppressed is the one that message went to
(never an address the report merely claims).
"""
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from ..core.timeutil import utcnow
from ..core.tokens import TokenError
from ..extensions import db
from ..mail.models import OutboxMessage
from ..members.services import ConsentContext
from .bounces import normalise, outbox_message_for, record_event, source_key
from .choices import read_unsubscribe_link, set_topic
from .models import DeliveryKind
from .reports import unsubscribe_source

SOURCE = "mailbox"
RECORDED, KNOWN, UNSUBSCRIBED, NOT_OURS, UNPARSEABLE = "recorded", "known", "unsubscribed", "not ours", "unparseable"
UNSUBSCRIBE_SUBJECT = re.compile(r"^\s*unsubscribe\s+(\S+)\s*$", re.IGNORECASE)
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")
COMPLAINT_TYPES = {"abuse", "fraud", "other"}   # not "not-spam", "virus" or "auth-failure"


@dataclass(frozen=True)
class Bounce:
    kind: str
    recipient: str
    occurred_at: datetime
    detail: str


@dataclass(frozen=True)
class Returned:
    """What one message in the bounce mailbox says."""
    report_id: str                              # its own Message-ID, or a hash of it without one
    bounces: tuple[Bounce, ...] = ()
    message_id: str | None = None               # the Message-ID of our message it is about
    return_paths: tuple[str, ...] = ()          # where our VERP return path may appear
    unsubscribe_token: str | None = None


def parse(raw: bytes, unsubscribe_address: str = "") -> Returned | None:
    """Read one message; None if it is neither a report nor an unsubscribe request we understand."""
    try:
        return _parse(raw, unsubscribe_address)
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError):   # mail of any shape comes here
        return None


def _parse(raw: bytes, unsubscribe_address: str) -> Returned | None:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    report_id = (message.get("Message-ID") or "").strip() or "sha256-" + hashlib.sha256(raw).hexdigest()
    envelope = _addresses(message, ENVELOPE_HEADERS)
    if unsubscribe_address and normalise(unsubscribe_address) in envelope:
        found = UNSUBSCRIBE_SUBJECT.match(str(message.get("Subject") or ""))
        return Returned(report_id, unsubscribe_token=found.group(1)) if found else None
    report = next((part for part in message.walk() if part.get_content_type() == "multipart/report"), None)
    if report is None:
        return None
    kind = str(report.get_param("report-type") or "").lower()
    if kind == "delivery-status":
        blocks = _blocks(report, "message/delivery-status")
        bounces = tuple(bounce for block in blocks[1:] if (bounce := _bounce(block, blocks[0], message)))
        extra = tuple(_strip_type(block.get(name, "")) for block in blocks[1:]
                      for name in ("Original-Recipient", "Final-Recipient"))
    elif kind == "feedback-report":
        blocks = _blocks(report, "message/feedback-report")
        bounces = tuple(bounce for bounce in (_complaint(blocks[0], message),) if bounce) if blocks else ()
        extra = (_strip_type(blocks[0].get("Original-Mail-From", "")),) if blocks else ()
    else:
        return None
    if not bounces:
        return None
    return Returned(report_id, bounces, message_id=_original_message_id(report),
                    return_paths=tuple(envelope) + tuple(address for address in extra if address))


def apply(returned: Returned) -> str:
    """Record what ``returned`` says; the outcome, one of the names above. The caller commits."""
    if returned.unsubscribe_token is not None:
        try:
            member, mailing = read_unsubscribe_link(returned.unsubscribe_token)
        except TokenError:
            return UNPARSEABLE
        set_topic(member, mailing.topic, False, ConsentContext(unsubscribe_source("mailto", mailing.id), None))
        return UNSUBSCRIBED
    outbox_id = outbox_message_for(returned.message_id, returned.return_paths)
    if outbox_id is None:
        return NOT_OURS
    address = normalise(db.session.get_one(OutboxMessage, outbox_id).to_address)
    fresh = [record_event(SOURCE, source_key(SOURCE, returned.report_id, address), bounce.kind, address,
                          bounce.occurred_at, _detail(bounce, address), outbox_id) for bounce in returned.bounces]
    return RECORDED if any(fresh) else KNOWN


def _detail(bounce: Bounce, address: str) -> str:
    """The report's words, and the address it names when that is not the one we sent to (a forward)."""
    if bounce.recipient and bounce.recipient != address:
        return f"{bounce.detail} (reported for {bounce.recipient})".strip()
    return bounce.detail


def _bounce(block: Message, per_message: Message, message: Message) -> Bounce | None:
    """A per-recipient block of a delivery report: failed is hard (soft for a 4.x.x status), delayed soft."""
    action = str(block.get("Action", "")).strip().lower()
    status = str(block.get("Status", "")).strip().split(" ")[0]
    if action == "failed":
        kind = DeliveryKind.SOFT_BOUNCE if status.startswith("4") else DeliveryKind.HARD_BOUNCE
    elif action == "delayed":
        kind = DeliveryKind.SOFT_BOUNCE
    else:
        return None   # delivered, relayed, expanded
    recipient = _strip_type(block.get("Original-Recipient") or block.get("Final-Recipient") or "")
    detail = " ".join(str(block.get(name, "")).strip() for name in ("Status", "Diagnostic-Code")).strip()
    when = _date(block.get("Last-Attempt-Date")) or _date(per_message.get("Arrival-Date")) or _date(message["Date"])
    return Bounce(kind, recipient, when or utcnow(), " ".join(detail.split()))


def _complaint(fields: Message, message: Message) -> Bounce | None:
    feedback_type = str(fields.get("Feedback-Type", "abuse")).strip().lower()
    if feedback_type not in COMPLAINT_TYPES:
        return None
    when = _date(fields.get("Arrival-Date")) or _date(fields.get("Received-Date")) or _date(message["Date"])
    return Bounce(DeliveryKind.COMPLAINT, _strip_type(fields.get("Original-Rcpt-To", "")), when or utcnow(),
                  f"complaint ({feedback_type}) from {str(fields.get('User-Agent', 'a mailbox provider')).strip()}")


def _blocks(report: Message, content_type: str) -> list[Message]:
    """The header blocks of a report's machine-readable part (parsed as messages by the email package)."""
    for part in report.get_payload():
        if isinstance(part, Message) and part.get_content_type() == content_type:
            payload = part.get_payload()
            if isinstance(payload, list):
                return [block for block in payload if isinstance(block, Message)]
            return [HeaderParser().parsestr(text) for text in str(payload).strip().split("\n\n") if text.strip()]
    return []


def _original_message_id(report: Message) -> str | None:
    """The Message-ID of the returned message, from its copy or its headers (the report's third part)."""
    for part in report.get_payload():
        if not isinstance(part, Message):
            continue
        payload = part.get_payload()
        if part.get_content_type() == "message/rfc822" and isinstance(payload, list) and payload:
            found = payload[0].get("Message-ID") if isinstance(payload[0], Message) else None
        elif part.get_content_type() == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            found = HeaderParser().parsestr(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
                                            ).get("Message-ID")
        else:
            continue
        return str(found).strip() if found else None
    return None


def _addresses(message: Message, names: tuple[str, ...]) -> list[str]:
    values = [str(value) for name in names for value in message.get_all(name, [])]
    return [normalise(address) for _, address in getaddresses(values) if address]


def _strip_type(value: str) -> str:
    """``rfc822; ana@example.org`` -> ``ana@example.org``."""
    return normalise(str(value).rpartition(";")[2])


def _date(value) -> datetime | None:
    try:
        when = parsedate_to_datetime(str(value)) if value else None
        return when.astimezone(timezone.utc).replace(tzinfo=None) if when and when.tzinfo else when
    except (TypeError, ValueError, OverflowError):
        return None

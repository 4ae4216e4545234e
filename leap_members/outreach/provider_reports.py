"""Reading a provider's webhook: who sent it is checked first, then the body becomes Reports.

``generic`` is our own format, for any provider or relay that can be taught to send it (README,
"Bounce webhooks"): HMAC-SHA256 over "<unix time>.<body>" with EMAIL_WEBHOOK_SECRET, five minutes'
tolerance. ``postmark`` is Postmark's Bounce and SpamComplaint webhook, authenticated by the HTTP
Basic credentials written into the webhook's URL. Amazon SES comes through SNS (sns.py).
"""
import hashlib
import hmac
import json
import time
from datetime import datetime, timezone

from flask import Request, current_app

from .bounces import Report, normalise, source_key
from .models import DeliveryKind

TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "X-Leap-Signature"
GENERIC_TYPES = {"hard_bounce": DeliveryKind.HARD_BOUNCE, "soft_bounce": DeliveryKind.SOFT_BOUNCE,
                 "complaint": DeliveryKind.COMPLAINT}
# Postmark's bounce types that say something about the address; the rest (auto-replies,
# challenge requests, virus notices...) are not bounces and are acknowledged without a record.
POSTMARK_TYPES = {"HardBounce": DeliveryKind.HARD_BOUNCE, "BadEmailAddress": DeliveryKind.HARD_BOUNCE,
                  "SoftBounce": DeliveryKind.SOFT_BOUNCE, "Transient": DeliveryKind.SOFT_BOUNCE,
                  "DnsError": DeliveryKind.SOFT_BOUNCE, "InboxFull": DeliveryKind.SOFT_BOUNCE,
                  "Blocked": DeliveryKind.SOFT_BOUNCE, "SpamComplaint": DeliveryKind.COMPLAINT}


class Refused(Exception):
    """The request does not prove who sent it: nothing is read from it."""

    def __init__(self, reason: str, status: int = 401, headers: dict | None = None):
        super().__init__(reason)
        self.status, self.headers = status, headers or {}


class Malformed(ValueError):
    """The sender is proven but the body is not what it should be."""


def sign(secret: str, body: bytes, at: int) -> str:
    """The X-Leap-Signature header value for ``body`` sent at ``at`` (for senders and tests)."""
    digest = hmac.new(secret.encode(), str(at).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def read_generic(request: Request) -> list[Report]:
    secret = current_app.config["EMAIL_WEBHOOK_SECRET"]
    if not secret:
        raise Refused("EMAIL_WEBHOOK_SECRET is not set", 403)
    body = request.get_data(cache=False)
    _check_signature(secret, body, request.headers.get(SIGNATURE_HEADER, ""))
    data = parse_json(body)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise Malformed('the body must be {"events": [...]}')
    return [_generic_report(event) for event in events]


def _check_signature(secret: str, body: bytes, header: str) -> None:
    parts = [part.strip().partition("=") for part in header.split(",")]
    stamps = [value for key, _, value in parts if key == "t"]
    signatures = [value for key, _, value in parts if key == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        raise Refused(f"no {SIGNATURE_HEADER} header of the form t=<unix time>,v1=<hex>")
    if abs(time.time() - int(stamps[0])) > TOLERANCE_SECONDS:
        raise Refused("the signature's time is more than five minutes away")
    expected = sign(secret, body, int(stamps[0])).partition(",v1=")[2]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise Refused("the signature does not match")


def _generic_report(event) -> Report:
    if not isinstance(event, dict):
        raise Malformed("each event must be an object")
    event_id, kind, email = event.get("id"), GENERIC_TYPES.get(str(event.get("type"))), event.get("email")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 200:
        raise Malformed("each event needs an id (a string of at most 200 characters)")
    if kind is None:
        raise Malformed(f"event {event_id}: type must be one of {', '.join(GENERIC_TYPES)}")
    message_id, detail = event.get("message_id"), event.get("detail", "")
    if not isinstance(message_id, str | None) or not isinstance(detail, str):
        raise Malformed(f"event {event_id}: message_id and detail must be strings")
    return Report(source_key=source_key("generic", event_id), kind=kind, address=parse_address(email, event_id),
                  occurred_at=parse_time(event.get("occurred_at"), event_id), detail=detail, message_id=message_id)


def read_postmark(request: Request) -> list[Report]:
    user, password = current_app.config["POSTMARK_WEBHOOK_USER"], current_app.config["POSTMARK_WEBHOOK_PASSWORD"]
    if not user or not password:
        raise Refused("POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are not set", 403)
    given = request.authorization
    sent_user = (given.username or "") if given and given.type == "basic" else ""
    sent_password = (given.password or "") if given and given.type == "basic" else ""
    # Both compared, always, in constant time: the answer says nothing about which one was wrong.
    user_ok = hmac.compare_digest(sent_user.encode(), user.encode())
    if not (hmac.compare_digest(sent_password.encode(), password.encode()) and user_ok):
        raise Refused("wrong or missing credentials", 401, {"WWW-Authenticate": 'Basic realm="bounce webhook"'})
    data = parse_json(request.get_data(cache=False))
    if not isinstance(data, dict):
        raise Malformed("a Postmark webhook is one JSON object")
    record_type = data.get("RecordType")
    kind = POSTMARK_TYPES.get(str(data.get("Type")))
    if record_type not in ("Bounce", "SpamComplaint") or kind is None:
        return []   # deliveries, opens, auto-replies...: nothing to record
    event_id = data.get("ID")
    if not isinstance(event_id, int | str) or isinstance(event_id, bool) or not str(event_id):
        raise Malformed("a Postmark bounce needs its ID")
    detail = " ".join(str(data.get(name) or "") for name in ("Description", "Details")).strip()
    message_id = data.get("MessageID")
    return [Report(source_key=source_key("postmark", str(record_type), str(event_id)), kind=kind,
                   address=parse_address(data.get("Email"), str(event_id)),
                   occurred_at=parse_time(data.get("BouncedAt"), str(event_id)), detail=detail,
                   message_id=message_id if isinstance(message_id, str) else None)]


def parse_json(body: bytes):
    """The body as JSON, or Malformed (never a server error, whatever was sent)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):   # not UTF-8, not JSON, or nested too deep
        raise Malformed("the body is not JSON") from None


def parse_address(value, event_id: str) -> str:
    """A recipient's address, normalised; Malformed if it cannot be one."""
    address = normalise(value) if isinstance(value, str) else ""
    if "@" not in address or len(address) > 254 or not address.isprintable() or " " in address:
        raise Malformed(f"event {event_id}: no e-mail address")
    return address


def parse_time(value, event_id: str) -> datetime:
    """An ISO 8601 time as the naive UTC datetime columns store; a time without a zone is taken as UTC."""
    try:
        when = datetime.fromisoformat(value)
        return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    except (TypeError, ValueError, OverflowError):   # OverflowError: year 1 or 9999 moved to UTC
        raise Malformed(f"event {event_id}: the time must be ISO 8601, like 2026-03-01T12:00:00Z") from None

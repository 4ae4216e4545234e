"""The envelope of a Stripe event (id, type, created, data.object), checked before it is stored.

A signed event is trusted to come from Stripe, not to have a sane shape: one that would not fit
stripe_events, or that the handlers could not read, is refused (webhook: 400) or skipped
(reconciliation) instead of failing on every redelivery.
"""
import time
from typing import Any

from .models import EVENT_ID_LENGTH as ID_LENGTH
from .models import EVENT_TYPE_LENGTH as TYPE_LENGTH

# stripe_created is a 32-bit INTEGER on PostgreSQL; a later time would not fit it.
LAST_SECOND = 2**31 - 1
AHEAD = 3653 * 86400   # about ten years, in seconds: further is no clock's error


def _text(value: Any, length: int) -> bool:
    # Printable also keeps out NUL, which PostgreSQL refuses in text, and line breaks in logs.
    return isinstance(value, str) and 0 < len(value) <= length and value.isprintable()


def check_envelope(event: Any) -> str | None:
    """Why a Stripe event cannot be stored, or None if its envelope is sound."""
    if not isinstance(event, dict):
        return "the event is not a JSON object"
    if not _text(event.get("id"), ID_LENGTH):
        return f"id is not a string of 1 to {ID_LENGTH} printable characters"
    if not _text(event.get("type"), TYPE_LENGTH):
        return f"type is not a string of 1 to {TYPE_LENGTH} printable characters"
    created = event.get("created")
    latest = min(int(time.time()) + AHEAD, LAST_SECOND)
    # type() rather than isinstance: True is an int too. Stripe sends whole seconds, never floats.
    # Above 0: the handlers read 0 as "no time".
    if type(created) is not int or not 0 < created <= latest:
        return "created is not a whole number of seconds between 1970 and ten years from now"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "data.object is not a JSON object"
    return None


def printable_id(event: Any) -> str:
    """The event's id for a log line, or a stand-in when it has none fit to print."""
    event_id = event.get("id") if isinstance(event, dict) else None
    shown = event_id[:ID_LENGTH] if isinstance(event_id, str) else ""
    return shown if _text(shown, ID_LENGTH) else "(no printable id)"

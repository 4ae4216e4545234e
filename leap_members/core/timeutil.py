"""Times are stored in UTC."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """The current time in UTC, as a naive datetime (the form every column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)

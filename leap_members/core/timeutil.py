"""Times are stored in UTC."""
from datetime import datetime, timedelta, timezone


def utcnow() -> datetime:
    """The current time in UTC, as a naive datetime (the form every column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4, 8 ... minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** (max(attempts, 1) - 1), 360))

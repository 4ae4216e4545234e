"""Times are stored in UTC."""
from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone


def utcnow() -> datetime:
    """The current time in UTC, as a naive datetime (the form every column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4, 8 ... minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** (max(attempts, 1) - 1), 360))


def day_starts(day: date) -> datetime:
    return datetime.combine(day, time.min)


def after_day(day: date) -> datetime:
    """The first moment after ``day`` (a filter's "up to and including"); for the last day a
    date can name, the last moment there is."""
    return day_starts(day + timedelta(days=1)) if day < date.max else datetime.max


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))

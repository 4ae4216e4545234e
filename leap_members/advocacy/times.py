"""Event times: stored in UTC, entered and shown in the event's own time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

# The zones staff choose from; any IANA name is accepted by the model.
TIMEZONE_CHOICES = {
    "America/New_York": "Eastern (New York)",
    "America/Chicago": "Central (Chicago)",
    "America/Denver": "Mountain (Denver)",
    "America/Phoenix": "Mountain, no daylight saving (Phoenix)",
    "America/Los_Angeles": "Pacific (Los Angeles)",
    "America/Anchorage": "Alaska (Anchorage)",
    "Pacific/Honolulu": "Hawaii (Honolulu)",
    "America/Puerto_Rico": "Atlantic (Puerto Rico)",
    "UTC": "UTC",
}


class NonexistentLocalTime(ValueError):
    """The wall-clock time falls in a daylight-saving gap (e.g. 2:30 on the spring-forward night)."""


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in ``zone_name`` as a naive UTC datetime.

    Raises NonexistentLocalTime for times the clocks skip. An ambiguous time (the hour
    repeated in autumn) is read as its first occurrence.
    """
    zone = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=zone, fold=0)
    as_utc = aware.astimezone(timezone.utc)
    if as_utc.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local)
    return as_utc.replace(tzinfo=None)


def utc_to_local(moment: datetime | None, zone_name: str) -> datetime | None:
    """A naive UTC datetime as an aware datetime in ``zone_name``."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone_name))


def format_local(moment: datetime | None, zone_name: str, with_day: bool = True) -> str:
    """E.g. "Tuesday, March 4, 2025, 7:00 PM EST"."""
    local = utc_to_local(moment, zone_name)
    if local is None:
        return ""
    pattern = "%A, %B %-d, %Y, %-I:%M %p %Z" if with_day else "%-I:%M %p %Z"
    return local.strftime(pattern)


def format_range(starts: datetime | None, ends: datetime | None, zone_name: str) -> str:
    """The start, and the end (time only when on the same local day)."""
    if starts is None:
        return ""
    text = format_local(starts, zone_name)
    if ends is None:
        return text
    start_local, end_local = utc_to_local(starts, zone_name), utc_to_local(ends, zone_name)
    same_day = start_local is not None and end_local is not None and start_local.date() == end_local.date()
    return f"{text} – {format_local(ends, zone_name, with_day=not same_day)}"

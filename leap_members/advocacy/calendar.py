"""An iCalendar (.ics) file for one event (RFC 5545), written by hand: it is a few lines."""
from datetime import datetime, timedelta

from ..core.timeutil import utcnow
from .models import Action

DEFAULT_LENGTH = timedelta(hours=1)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def event_ics(action: Action, page_url: str, host: str, include_details: bool) -> str:
    """The calendar file of an event (it has a start); the private details (e.g. the meeting link)
    only if ``include_details``."""
    starts = action.starts_at
    if starts is None:
        raise ValueError(f"action {action.id} has no start: it is not an event")
    ends = action.ends_at or starts + DEFAULT_LENGTH
    where = "Online" if action.online else (action.location or "")
    description = action.summary
    if include_details and action.private_details:
        description += "\n\n" + action.private_details
    description += "\n\n" + page_url
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//LEAP Members//Advocacy//EN", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:action-{action.id}@{host}",
        f"DTSTAMP:{_stamp(utcnow())}",
        f"DTSTART:{_stamp(starts)}",
        f"DTEND:{_stamp(ends)}",
        f"SUMMARY:{_escape(action.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(where)}",
        f"URL:{page_url}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)

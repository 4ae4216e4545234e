"""Today's date where LEAP works, which decides when agreements start and end."""
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

DEFAULT_TIMEZONE = "America/New_York"


def local_today() -> date:
    """Today in the organisation's time zone (config ORG_TIMEZONE, else US Eastern)."""
    name = current_app.config.get("ORG_TIMEZONE") or DEFAULT_TIMEZONE
    zone: tzinfo
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc  # no tz database: UTC is at most a day off, and says so in the logs
        current_app.logger.warning("Time zone %r is unknown; partnership dates use UTC.", name)
    return datetime.now(zone).date()

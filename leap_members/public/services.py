"""Reading and seeding the timeline."""
from sqlalchemy import select

from ..extensions import db
from .content import DEFAULT_TIMELINE
from .models import TimelineEntry


def published_timeline() -> list[TimelineEntry]:
    return list(db.session.scalars(
        select(TimelineEntry).where(TimelineEntry.published).order_by(TimelineEntry.year, TimelineEntry.id)))


def seed_default_timeline() -> int:
    """Add the organisation's timeline if the table is empty; return how many were added."""
    if db.session.scalar(select(TimelineEntry.id).limit(1)) is not None:
        return 0
    db.session.add_all(TimelineEntry(**entry) for entry in DEFAULT_TIMELINE)
    db.session.flush()
    return len(DEFAULT_TIMELINE)

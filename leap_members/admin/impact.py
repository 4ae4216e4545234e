"""Staff editing of the public Impact timeline (the entries belong to the public site)."""
from sqlalchemy import select

from ..extensions import db
from ..public.models import TimelineEntry
from .audit import record_event

ENTRY_FIELDS = ("year", "title", "position", "outcome", "published")


def all_entries() -> list[TimelineEntry]:
    return list(db.session.scalars(select(TimelineEntry).order_by(TimelineEntry.year, TimelineEntry.id)))


def save_entry(entry: TimelineEntry | None, fields: dict) -> TimelineEntry:
    """Create an entry (``entry`` None) or update one from declared form fields."""
    created = entry is None
    if entry is None:
        entry = TimelineEntry()
        db.session.add(entry)
    for name in ENTRY_FIELDS:
        setattr(entry, name, fields[name])
    db.session.flush()
    verb = "Added" if created else "Edited"
    record_event("impact", f"{verb} impact entry {entry.year}: {entry.title}"
                 + ("" if entry.published else " (not published)"), details={"entry_id": entry.id})
    return entry


def set_published(entry: TimelineEntry, published: bool) -> None:
    """Show or hide an entry on the public page."""
    if entry.published == published:
        return
    entry.published = published
    record_event("impact", f"{'Published' if published else 'Unpublished'} impact entry {entry.year}: "
                 f"{entry.title}", details={"entry_id": entry.id})

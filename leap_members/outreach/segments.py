"""Saved segments: a directory query under a name, with other segments added or taken out.

A segment is evaluated whenever it is used, so it always means the members matching it now:
the members its filters match, plus those of the segments it includes (with no filters of its
own, only those), less those of the segments it excludes.
"""
from urllib.parse import parse_qsl

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from werkzeug.datastructures import MultiDict

from ..admin.directory import conditions
from ..admin.filters import PAGING, BadFilter, DirectoryQuery, parse_query
from ..core.timeutil import utcnow
from ..extensions import db
from ..members.models import Member
from .models import Segment, SegmentCount

MAX_DEPTH = 5


class BadSegment(ValueError):
    """A segment that cannot be evaluated; the message says why."""


def directory_query(text: str) -> DirectoryQuery:
    """The directory filters a segment keeps (sort and paging are not part of it)."""
    try:
        return parse_query(MultiDict(parse_qsl(text.lstrip("?"), keep_blank_values=True)), ignore=PAGING)
    except BadFilter as exc:
        raise BadSegment(str(exc)) from None


def id_list(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


def matches(segment: Segment, depth: int = 0, seen: frozenset[int] = frozenset()) -> ColumnElement:
    """A condition on ``members``: the member is in ``segment`` now."""
    if segment.id in seen or depth > MAX_DEPTH:
        raise BadSegment(f"“{segment.name}” includes itself through other segments.")
    seen = seen | {segment.id}
    query = directory_query(segment.query)
    own = and_(*conditions(query))
    included = [matches(other, depth + 1, seen) for other in _segments(id_list(segment.include_ids))]
    excluded = [matches(other, depth + 1, seen) for other in _segments(id_list(segment.exclude_ids))]
    if not included:
        condition = own
    elif query.filter_args():
        condition = or_(own, *included)
    else:
        condition = or_(*included)
    for other in excluded:
        condition = and_(condition, ~other)
    return condition


def members_of(segment: Segment) -> Select:
    return select(Member.id).where(matches(segment))


def count(segment: Segment, *extra: ColumnElement) -> int:
    return db.session.scalar(select(func.count()).select_from(Member).where(matches(segment), *extra)) or 0


def record_count(segment: Segment) -> int:
    """Today's size of the segment, kept for its count over time (one row a day, the latest figure)."""
    size = count(segment)
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    row = db.session.scalar(select(SegmentCount).where(SegmentCount.segment_id == segment.id,
                                                       SegmentCount.day == today))
    if row is None:
        db.session.add(SegmentCount(segment_id=segment.id, day=today, members=size))
    else:
        row.members = size
    return size


def _segments(ids: list[int]) -> list[Segment]:
    if not ids:
        return []
    return list(db.session.scalars(select(Segment).where(Segment.id.in_(ids)).order_by(Segment.id)))

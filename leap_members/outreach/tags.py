"""Tags: labels staff put on members, one at a time or on every member a directory search finds.

However many members a change touches, it is three statements: lock the tag, change ``member_tags``
(INSERT ... SELECT or DELETE), and write the timeline's ``tag_changes`` (INSERT ... SELECT). The
lock makes changes of one tag run one at a time, so tagging twice adds nothing twice, and lets the
second statement find exactly the rows the first one wrote: they carry the change's own time.
"""
from urllib.parse import parse_qsl

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ..core.database import on_sqlite, rows_changed
from ..core.timeutil import utcnow
from ..extensions import db
from ..members.models import Member
from .models import MemberTag, Segment, Tag, TagChange

MAX_NAME = 80
SEPARATOR = "; "   # between a member's tag names in the export


class TagRefused(ValueError):
    """A tag name or change that cannot be accepted; the message says why."""


def clean_name(text: str) -> str:
    """A tag name as kept: spaces collapsed, 1 to 80 characters."""
    name = " ".join((text or "").split())
    if not name:
        raise TagRefused("Give the tag a name.")
    if len(name) > MAX_NAME:
        raise TagRefused(f"A tag name has at most {MAX_NAME} characters.")
    return name


def tags_named(names) -> list[Tag]:
    """The tags with these names, whatever their case, in the order they were made."""
    names = set(names)
    if not names:
        return []
    # The exact names too: SQLite's lower() changes only ASCII letters ("Équipe" stays as it is).
    return list(db.session.scalars(select(Tag).where(or_(func.lower(Tag.name).in_({name.lower() for name in names}),
                                                         Tag.name.in_(names))).order_by(Tag.id)))


def _check_free(name: str, tag_id: int | None = None) -> None:
    """Names are unique whatever their case: “Volunteers” and “volunteers” would be one tag to a reader."""
    taken = next(iter(tags_named([name])), None)
    if taken is not None and taken.id != tag_id:
        raise TagRefused(f"There is already a tag called “{taken.name}”.")


def create_tag(name: str, by: Member | None) -> Tag:
    name = clean_name(name)
    _check_free(name)
    tag = Tag(name=name, created_by_id=by.id if by else None)
    db.session.add(tag)
    _flush_name(name)
    return tag


def rename_tag(tag: Tag, name: str) -> Tag:
    """Members keep the tag; their timelines keep the name it had when it was put on or taken off."""
    name = clean_name(name)
    _check_free(name, tag.id)
    tag.name = name
    _flush_name(name)
    return tag


def _flush_name(name: str) -> None:
    """Write the name; the unique index refuses it if someone took it a moment ago."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise TagRefused(f"There is already a tag called “{name}”.") from None


def delete_tag(tag: Tag, by: Member | None) -> int:
    """Take the tag off everyone (their timelines say so, and keep its name), then delete it; how many had it."""
    removed = remove_tag(tag, [], by, "the tag was deleted")
    db.session.execute(update(TagChange).where(TagChange.tag_id == tag.id).values(tag_id=None))
    db.session.execute(delete(Tag).where(Tag.id == tag.id))
    db.session.expunge(tag)
    return removed


def lock_tag(tag_id: int) -> Tag:
    """Reload the tag and lock its row until commit (SQLite's writing transactions hold the
    database's write lock already, core/database.py)."""
    return db.session.scalars(select(Tag).where(Tag.id == tag_id).with_for_update()
                              .execution_options(populate_existing=True)).one()


def add_tag(tag: Tag, where: list[ColumnElement], by: Member | None, source: str) -> int:
    """Put ``tag`` on every member matching ``where`` who does not have it yet; how many got it."""
    lock_tag(tag.id)
    now = utcnow()
    lacking = ~exists().where(MemberTag.member_id == Member.id, MemberTag.tag_id == tag.id)
    chosen = select(Member.id, literal(tag.id, Integer), literal(now, DateTime), _actor(by)).where(*where, lacking)
    added = rows_changed(insert(MemberTag).from_select(["member_id", "tag_id", "added_at", "added_by_id"], chosen))
    if added:
        _record(tag, True, now, by, source,
                select(MemberTag.member_id).where(MemberTag.tag_id == tag.id, MemberTag.added_at == now))
    return added


def remove_tag(tag: Tag, where: list[ColumnElement], by: Member | None, source: str) -> int:
    """Take ``tag`` off every member matching ``where`` who has it; how many lost it."""
    lock_tag(tag.id)
    now = utcnow()
    having = select(MemberTag.member_id).where(MemberTag.tag_id == tag.id,
                                               MemberTag.member_id.in_(select(Member.id).where(*where)))
    if not _record(tag, False, now, by, source, having):
        return 0
    recorded = select(TagChange.member_id).where(TagChange.tag_id == tag.id, TagChange.at == now,
                                                 TagChange.added.is_(False))
    return rows_changed(delete(MemberTag).where(MemberTag.tag_id == tag.id, MemberTag.member_id.in_(recorded))
                        .execution_options(synchronize_session=False))


def _actor(by: Member | None):
    return literal(by.id if by else None, Integer)


def _record(tag: Tag, added: bool, now, by: Member | None, source: str, member_ids: Select) -> int:
    """One timeline row for each member ``member_ids`` selects."""
    rows = select(member_ids.subquery().c.member_id, literal(tag.id, Integer), literal(tag.name, String),
                  literal(added, Boolean), literal(source[:200], String), literal(now, DateTime), _actor(by))
    return rows_changed(insert(TagChange).from_select(
        ["member_id", "tag_id", "tag_name", "added", "source", "at", "by_id"], rows))


def tag_member(member: Member, tag: Tag, by: Member | None) -> bool:
    """Tag one member from their record; False if they had the tag already."""
    return add_tag(tag, [Member.id == member.id], by, "member record") == 1


def untag_member(member: Member, tag: Tag, by: Member | None) -> bool:
    """Take the tag off one member; False if they did not have it."""
    return remove_tag(tag, [Member.id == member.id], by, "member record") == 1


def all_tags() -> list[Tag]:
    return list(db.session.scalars(select(Tag).order_by(func.lower(Tag.name), Tag.id)))


def tags_of(member: Member) -> list[Tag]:
    return list(db.session.scalars(select(Tag).join(MemberTag, MemberTag.tag_id == Tag.id)
                                   .where(MemberTag.member_id == member.id).order_by(func.lower(Tag.name))))


def member_counts() -> dict[int, int]:
    """How many members have each tag (merged records included: they keep their tags)."""
    return dict(db.session.execute(select(MemberTag.tag_id, func.count()).group_by(MemberTag.tag_id)).all())


def changes_of(member: Member) -> list[TagChange]:
    return list(db.session.scalars(select(TagChange).where(TagChange.member_id == member.id)
                                   .order_by(TagChange.at, TagChange.id)))


def segments_filtering_by(tag: Tag) -> list[Segment]:
    """The saved segments whose filters name the tag: without it they cannot be worked out."""
    named = {("tag", str(tag.id)), ("not_tag", str(tag.id))}
    return [segment for segment in db.session.scalars(select(Segment).order_by(Segment.name))
            if named & set(parse_qsl(segment.query.lstrip("?")))]


def tag_names(member_id) -> ColumnElement:
    """The member's tag names in alphabetical order, joined with "; " (NULL without tags), for the export:
    one correlated subquery per row, served by member_tags' primary key."""
    order = (func.lower(Tag.name), Tag.name)
    if on_sqlite():   # SQLite before 3.44 has no ORDER BY inside group_concat: it is given sorted rows
        names = (select(Tag.name).join(MemberTag, MemberTag.tag_id == Tag.id).where(MemberTag.member_id == member_id)
                 .order_by(*order).correlate_except(Tag, MemberTag).subquery())
        return select(func.aggregate_strings(names.c.name, SEPARATOR)).scalar_subquery()
    return (select(func.aggregate_strings(Tag.name, SEPARATOR).aggregate_order_by(*order))
            .join(MemberTag, MemberTag.tag_id == Tag.id).where(MemberTag.member_id == member_id).scalar_subquery())

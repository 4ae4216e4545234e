"""The saved segments, read-only, as OSDI lists and as queries (the same segments under both names).

A segment is worked out whenever it is read, so its items are the people matching it now, paged
like every collection (by when the person last changed, then id). An item is a person in the list:
its ``self`` names the list and the person. A segment that cannot be worked out (its filters name
a tag that is gone, or it includes itself) reads with ``total_people: null`` and ``leap:problem``,
and its items answer 409 with the reason, until staff fix it.
"""
from collections.abc import Sequence

from flask import abort
from sqlalchemy import ColumnElement, case, func, select

from ..extensions import db
from ..members.models import Member
from ..outreach.models import Segment
from ..outreach.segments import BadSegment, matches
from . import bp
from .hal import dates, identifiers, link, respond
from .lookup import find, find_person
from .odata import Filterable
from .paging import Listing, collection
from .people import LISTED
from .routing import api_route

SEGMENT_FILTERS = {"modified_date": Filterable(Segment.updated_at, "date"),
                   "created_date": Filterable(Segment.created_at, "date")}
PEOPLE_FILTERS = {"modified_date": Filterable(Member.updated_at, "date"),
                  "created_date": Filterable(Member.created_at, "date")}


def sizes(segments: Sequence[Segment]) -> dict[int, int | str]:
    """Each segment's number of people now, or why it cannot be worked out: one query for the page."""
    found: dict[int, int | str] = {}
    counted: dict[int, ColumnElement] = {}
    for segment in segments:
        try:
            counted[segment.id] = matches(segment)
        except BadSegment as problem:
            found[segment.id] = str(problem)
    if counted:
        row = db.session.execute(select(*[func.count(case((condition, 1))) for condition in counted.values()])
                                 .select_from(Member).where(*LISTED)).one()
        found.update(zip(counted, row))
    return found


def segment_representer(name: str):
    """How a page of segments reads under ``name`` ("lists" or "queries")."""
    def represent(segments: Sequence[Segment]) -> list[dict]:
        found = sizes(segments)
        return [_segment(name, segment, found[segment.id]) for segment in segments]
    return represent


def _segment(name: str, segment: Segment, size: int | str) -> dict:
    uuid = segment.uuid
    body = {"identifiers": identifiers(uuid), **dates(segment), "name": segment.name, "title": segment.name,
            "description": segment.description, "total_people": size if isinstance(size, int) else None,
            "_links": {"self": link(name, uuid), "osdi:items": link(name, uuid, "items")}}
    if isinstance(size, str):
        body["leap:problem"] = size
    return body


def item_representer(name: str, segment: Segment):
    """How a page of the segment's people reads as items of the list (or query) ``name``."""
    def represent(members: Sequence[Member]) -> list[dict]:
        return [{**dates(member), "item_type": "osdi:person",
                 "_links": {"self": link(name, segment.uuid, "items", member.uuid),
                            "osdi:person": link("people", member.uuid),
                            f"osdi:{'list' if name == 'lists' else 'query'}": link(name, segment.uuid)}}
                for member in members]
    return represent


def _members_of(segment: Segment) -> ColumnElement:
    try:
        return matches(segment)
    except BadSegment as problem:
        abort(409, f"This segment cannot be worked out: {problem} Staff can fix it in the console.")


def _find(name: str, uuid: str) -> Segment:
    return find(Segment, uuid, "list" if name == "lists" else "query")


def _listing(name: str) -> Listing:
    return Listing(name=name, model=Segment, modified=Segment.updated_at, represent=segment_representer(name),
                   filters=SEGMENT_FILTERS)


def _items(name: str, uuid: str):
    segment = _find(name, uuid)
    listing = Listing(name="items", model=Member, modified=Member.updated_at,
                      represent=item_representer(name, segment), filters=PEOPLE_FILTERS)
    return collection(listing, name, uuid, "items", where=[*LISTED, _members_of(segment)])


def _item(name: str, uuid: str, person_uuid: str):
    segment = _find(name, uuid)
    member = find_person(person_uuid)
    if db.session.scalar(select(Member.id).where(Member.id == member.id, _members_of(segment))) is None:
        abort(404, f"Couldn't find item with id = {person_uuid}")
    return respond(item_representer(name, segment)([member])[0])


@api_route(bp, "/lists")
def lists():
    return collection(_listing("lists"), "lists")


@api_route(bp, "/lists/<uuid>")
def list_(uuid: str):
    return respond(segment_representer("lists")([_find("lists", uuid)])[0])


@api_route(bp, "/lists/<uuid>/items")
def list_items(uuid: str):
    return _items("lists", uuid)


@api_route(bp, "/lists/<uuid>/items/<item_uuid>")
def list_item(uuid: str, item_uuid: str):
    return _item("lists", uuid, item_uuid)


@api_route(bp, "/queries")
def queries():
    return collection(_listing("queries"), "queries")


@api_route(bp, "/queries/<uuid>")
def query(uuid: str):
    return respond(segment_representer("queries")([_find("queries", uuid)])[0])


@api_route(bp, "/queries/<uuid>/items")
def query_items(uuid: str):
    return _items("queries", uuid)


@api_route(bp, "/queries/<uuid>/items/<item_uuid>")
def query_item(uuid: str, item_uuid: str):
    return _item("queries", uuid, item_uuid)

"""Tags and taggings: the staff's tags, and who has each, as OSDI tags and taggings.

Tag names are unique whatever their case; POSTing a name that exists answers with that tag (200),
as Action Network does, so a client can "make sure" a tag exists. A tagging is a member having a
tag (member_tags has no id of its own): its id is the tag's and the person's uuids XORed, the same
every time and unique to the pair, and turned back into the person's with the tag's. Tags put on and
taken off here go through outreach/tags, so the member's timeline shows them, sourced "API: <key>".
"""
from uuid import UUID

from flask import abort
from sqlalchemy import select

from ..admin.audit import describe, record_event
from ..extensions import db
from ..members.models import Member
from ..outreach.models import MemberTag, Tag
from ..outreach.tags import TagRefused, add_tag, create_tag, remove_tag, tags_named
from . import bp
from .auth import actor, current_key
from .checks import one_line, only_fields
from .hal import dates, href, identifiers, iso, json_body, link, respond
from .lookup import find, find_person, person_from_link
from .odata import Filterable
from .paging import Listing, collection
from .people import LISTED
from .routing import api_route
from .writing import one_transaction

READ_ONLY = ("identifiers", "created_date", "modified_date", "_links")
DELETED = {"notice": "This tagging was successfully deleted."}   # Action Network's words


def represent_tags(tags) -> list[dict]:
    return [{"identifiers": identifiers(tag.uuid), **dates(tag), "name": tag.name,
             "_links": {"self": link("tags", tag.uuid), "osdi:taggings": link("tags", tag.uuid, "taggings")}}
            for tag in tags]


def paired_uuid(tag_uuid: str, other: str) -> str:
    """The id of the tagging of a tag and a person; given the tag and a tagging's id, the person's uuid."""
    return str(UUID(int=UUID(tag_uuid).int ^ UUID(other).int))


def represent_taggings(rows) -> list[dict]:
    """Member_tags rows as OSDI taggings (two queries a page: the people's and the tags' uuids)."""
    people = dict(db.session.execute(select(Member.id, Member.uuid)
                                     .where(Member.id.in_({row.member_id for row in rows}))).all())
    tags = dict(db.session.execute(select(Tag.id, Tag.uuid).where(Tag.id.in_({row.tag_id for row in rows}))).all())
    return [_tagging(tags[row.tag_id], people[row.member_id], row) for row in rows]


def _tagging(tag_uuid: str, person_uuid: str, row: MemberTag) -> dict:
    uuid = paired_uuid(tag_uuid, person_uuid)
    return {"identifiers": identifiers(uuid), "created_date": iso(row.added_at), "modified_date": iso(row.added_at),
            "item_type": "osdi:person",
            "_links": {"self": link("tags", tag_uuid, "taggings", uuid), "osdi:tag": link("tags", tag_uuid),
                       "osdi:person": link("people", person_uuid)}}


DATE_FILTERS = {"modified_date": Filterable(MemberTag.added_at, "date"),
                "created_date": Filterable(MemberTag.added_at, "date")}
TAGS = Listing(name="tags", model=Tag, modified=Tag.updated_at, represent=represent_tags,
               filters={"modified_date": Filterable(Tag.updated_at, "date"),
                        "created_date": Filterable(Tag.created_at, "date")})
# The tag's taggings, and a person's: in the order they were made, then by the other side's id.
TAG_TAGGINGS = Listing(name="taggings", model=MemberTag, modified=MemberTag.added_at, tie=MemberTag.member_id,
                       represent=represent_taggings, filters=DATE_FILTERS)
PERSON_TAGGINGS = Listing(name="taggings", model=MemberTag, modified=MemberTag.added_at, tie=MemberTag.tag_id,
                          represent=represent_taggings, filters=DATE_FILTERS)
# Merged records keep their tags, but the API does not show them (their person lives on elsewhere).
LISTED_PEOPLE = MemberTag.member_id.in_(select(Member.id).where(*LISTED))


@api_route(bp, "/tags")
def tags():
    return collection(TAGS, "tags")


@api_route(bp, "/tags/<uuid>")
def tag(uuid: str):
    return respond(represent_tags([find_tag(uuid)])[0])


@api_route(bp, "/tags", methods=("POST",))
def tag_create():
    body = json_body()
    only_fields(body, "", ("name", *READ_ONLY))
    name = one_line(body.get("name"), "name", 1000) or ""
    with one_transaction():
        existing = tags_named([name])
        if existing:
            return respond(represent_tags(existing)[0])
        try:
            made = create_tag(name, None)
        except TagRefused as refused:
            existing = tags_named([name])   # made by another request a moment ago
            if existing:
                return respond(represent_tags(existing)[0])
            abort(400, str(refused))
        record_event("api", f"Created the tag “{made.name}” through the API", details={"tag_id": made.id},
                     actor=actor())
    return respond(represent_tags([made])[0], 201, {"Location": href("tags", made.uuid)})


@api_route(bp, "/tags/<uuid>/taggings")
def tag_taggings(uuid: str):
    found = find_tag(uuid)
    return collection(TAG_TAGGINGS, "tags", found.uuid, "taggings", where=[MemberTag.tag_id == found.id, LISTED_PEOPLE])


@api_route(bp, "/people/<uuid>/taggings")
def person_taggings(uuid: str):
    person = find_person(uuid)
    return collection(PERSON_TAGGINGS, "people", person.uuid, "taggings", where=[MemberTag.member_id == person.id])


@api_route(bp, "/tags/<uuid>/taggings/<tagging_id>")
def tagging(uuid: str, tagging_id: str):
    found = find_tag(uuid)
    person, row = _tagging_of(found, tagging_id)
    return respond(_tagging(found.uuid, person.uuid, row))


@api_route(bp, "/tags/<uuid>/taggings", methods=("POST",))
def tagging_create(uuid: str):
    body = json_body()
    only_fields(body, "", ("_links", "item_type", *READ_ONLY))
    with one_transaction():
        found = find_tag(uuid)
        person = person_from_link(body.get("_links"))
        added = add_tag(found, [Member.id == person.id], None, f"API: {current_key().name}")
        if added:
            record_event("api", f"Tagged {describe(person)} “{found.name}” through the API", member_id=person.id,
                         details={"tag_id": found.id, "added": True}, actor=actor())
    row = _row(found, person)
    assert row is not None
    answer = _tagging(found.uuid, person.uuid, row)
    if added:
        return respond(answer, 201, {"Location": answer["_links"]["self"]["href"]})
    return respond(answer)


@api_route(bp, "/tags/<uuid>/taggings/<tagging_id>", methods=("DELETE",))
def tagging_delete(uuid: str, tagging_id: str):
    with one_transaction():
        found = find_tag(uuid)
        person, _ = _tagging_of(found, tagging_id)
        remove_tag(found, [Member.id == person.id], None, f"API: {current_key().name}")
        record_event("api", f"Took the tag “{found.name}” off {describe(person)} through the API",
                     member_id=person.id, details={"tag_id": found.id, "added": False}, actor=actor())
    return respond(DELETED)


def find_tag(uuid: str) -> Tag:
    return find(Tag, uuid, "tag")


def _tagging_of(tag: Tag, tagging_id: str) -> tuple[Member, MemberTag]:
    """The person and row of the tagging ``tagging_id`` of ``tag``, or a 404."""
    try:
        person_uuid = paired_uuid(tag.uuid, tagging_id) if len(tagging_id) <= 36 else None
    except ValueError:
        person_uuid = None
    person = db.session.scalar(select(Member).where(Member.uuid == person_uuid, *LISTED)) if person_uuid else None
    row = _row(tag, person) if person is not None else None
    if person is None or row is None:
        abort(404, f"Couldn't find tagging with id = {tagging_id}")
    return person, row


def _row(tag: Tag, person: Member) -> MemberTag | None:
    return db.session.get(MemberTag, (person.id, tag.id), populate_existing=True)

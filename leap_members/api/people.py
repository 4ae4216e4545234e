"""People: the members, as OSDI people, read with their e-mail status and membership."""
from collections.abc import Sequence

from ..members.models import Member, MembershipStatus
from ..outreach.audience import email_statuses
from . import bp
from .hal import dates, href, identifiers, respond
from .lookup import find_person
from .odata import Filterable
from .paging import Listing, collection
from .routing import api_route

PERSON_LINKS = ("donations", "signatures", "attendances", "taggings")
# Records the API lists: a merged record is an empty shell; its person lives on in the other record.
LISTED = (Member.status != MembershipStatus.MERGED,)


def represent_people(members: Sequence[Member]) -> list[dict]:
    statuses = email_statuses(members)
    return [represent_person(member, statuses[member.id]) for member in members]


def represent_person(member: Member, email_status: str) -> dict:
    uuid = member.uuid
    own = href("people", uuid)   # once: a page of 100 people has 500 links
    person = {
        "identifiers": identifiers(uuid),
        **dates(member),
        "given_name": member.first_name,
        "family_name": member.last_name,
        "languages_spoken": ["en"],
        "email_addresses": [{"primary": True, "address": member.email, "status": email_status}],
        "phone_numbers": [{"primary": True, "number": member.phone, "number_type": "Mobile"}] if member.phone else [],
        "postal_addresses": [{"primary": True, "locality": member.city or None, "region": member.state or None,
                              "postal_code": member.zip_code or None, "country": "US"}],
        "custom_fields": dict(member.custom_fields or {}),
        "leap:membership": {"category": member.category, "status": member.status,
                            "verified": member.is_verified},
        "_links": {"self": {"href": own}, **{f"osdi:{name}": {"href": f"{own}/{name}"} for name in PERSON_LINKS}},
    }
    # A member's employer and role are shown only where they did not ask to keep them private.
    if member.is_professional and not member.affiliation_private:
        person["employer"] = member.organisation
        person["occupation"] = member.role_title
    return person


PEOPLE = Listing(name="people", model=Member, modified=Member.updated_at, represent=represent_people,
                 filters={"modified_date": Filterable(Member.updated_at, "date"),
                          "created_date": Filterable(Member.created_at, "date"),
                          "email_address": Filterable(Member.email, "email")})


@api_route(bp, "/people")
def people():
    return collection(PEOPLE, "people", where=LISTED)


@api_route(bp, "/people/<uuid>")
def person(uuid: str):
    return respond(represent_people([find_person(uuid)])[0])

"""What the OpenAPI document says of each operation: OPERATIONS, keyed by endpoint name (the view
function's name), then method.

openapi.py adds what every operation shares: the path's ids, the key, and the error answers the
framework gives (400 for any request, 401, 403 and 413 for writes, 404 where the path names a record).
An entry names the other errors its view gives, its successful statuses, and its schemas
(openapi_schemas.COMPONENTS). Collections take their filter fields from their own Listing.
"""
from dataclasses import dataclass

from .campaigns import CAMPAIGNS, OUTREACHES
from .donations import DONATIONS
from .events import ATTENDANCES, EVENTS
from .hal import HAL
from .lists import PEOPLE_FILTERS, SEGMENT_FILTERS
from .odata import Filterable
from .openapi_schemas import BOOLEAN, STRING, page_component
from .paging import DEFAULT_PER_PAGE, MAX_PER_PAGE
from .people import PEOPLE
from .petitions import PETITIONS, SIGNATURES
from .tags import PERSON_TAGGINGS, TAG_TAGGINGS, TAGS


@dataclass(frozen=True)
class Operation:
    summary: str
    group: str                      # the OpenAPI tag the operation is listed under
    ok: str                         # the component schema of a successful answer
    statuses: tuple[int, ...] = (200,)   # the successful answers, each with the body ``ok``
    answer: str = "The record, in HAL+JSON."
    body: str | None = None         # the component schema of the request body
    query: tuple[str, ...] = ()     # names in PARAMETERS
    errors: tuple[int, ...] = ()    # error answers besides those openapi.responses() adds
    description: str = ""
    media_type: str = HAL
    example: dict | None = None     # a request body that works, for the reader (and schemathesis)


PARAMETERS: dict[str, dict] = {
    "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1},
             "description": "Which page, from 1. A page past the end is an empty page."},
    "per_page": {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1},
                 "description": f"Records per page: {DEFAULT_PER_PAGE} when not given; more than "
                                f"{MAX_PER_PAGE} is read as {MAX_PER_PAGE}."},
    "after": {"name": "after", "in": "query", "schema": {"type": "string", "pattern": r"^\d+_\d+$"},
              "description": "The place a next link carries: the page starts after that record (keyset paging)."},
    "filter": {"name": "filter", "in": "query", "schema": STRING,
               "description": "OData subset: <field> gt|lt|eq '<value>', joined by and. The fields each "
                              "collection filters on are in its operation's description."},
    "background_processing": {"name": "background_processing", "in": "query", "schema": BOOLEAN,
                              "description": "Accepted for Action Network's clients; the work is done before "
                                             "the answer either way."},
}

ERROR_MESSAGES = {
    400: "The request cannot be read: a bad parameter or filter, an unknown field, a wrong type, a control "
         "character in the address. The message names it.",
    401: "No API key in the OSDI-API-Token header, or one that is unknown or revoked.",
    403: "The API key may only read, or the person may not take part in this action.",
    404: "No record with this id: Couldn't find <noun> with id = <id>.",
    409: "The request conflicts with the record's state (e.g. an action that takes no sign-ups); the message says how.",
    413: "The body is over the limit (1 MB).",
    429: "Too many requests with this key (or, without one, from this address): wait and try again.",
}


def listing(name: str, filters: dict[str, Filterable], group: str, summary: str) -> Operation:
    """A collection's GET: its pages, and the fields its filter takes."""
    if filters:
        how = "Filter on " + ", ".join(sorted(filters)) + "."
        query: tuple[str, ...] = ("page", "per_page", "after", "filter")
    else:
        how, query = "This collection cannot be filtered.", ("page", "per_page", "after")
    return Operation(summary, group, page_component(name),
                     answer="A page of the collection, in its stable order (modified_date, then id).",
                     query=query, description=how)


def reading(component: str, group: str, summary: str) -> Operation:
    return Operation(summary, group, component)


def _items(name: str) -> Operation:
    found = listing("items", PEOPLE_FILTERS, "Lists and queries", f"List the people in one of the {name}")
    return Operation(found.summary, found.group, found.ok, answer=found.answer, query=found.query, errors=(409,),
                     description=found.description + " 409: the segment cannot be worked out (staff can fix it).")


def _item() -> Operation:
    return Operation("Get one person's item, if they are in the segment now", "Lists and queries", "Item",
                     errors=(409,))


PERSON_EXAMPLE = {"person": {"given_name": "Nia", "family_name": "Okafor",
                             "email_addresses": [{"address": "nia.okafor@example.org", "status": "subscribed"}],
                             "postal_addresses": [{"locality": "Dayton", "region": "OH", "postal_code": "45402"}],
                             "custom_fields": {"ward": "7"}},
                  "add_tags": ["Speakers bureau volunteers"]}
PERSON_LINK_EXAMPLE = {"_links": {"osdi:person": {"href": "https://example.org/api/v2/people/"
                                                          "c945d6fe-929e-11e3-a2e9-12313d316c29"}}}


def taking_part(component: str, group: str, summary: str) -> Operation:
    """A sign-up POST: 201 when it is new, 200 with the existing one when the person already takes part."""
    return Operation(summary, group, component, statuses=(200, 201),
                     answer="201: the new sign-up; 200: the one the person already had.",
                     body="SignupRequest", query=("background_processing",), errors=(409,),
                     example={"comments": "Treatment, not jail.", **PERSON_LINK_EXAMPLE},
                     description="The person is named by _links.osdi:person (its href's last path segment, "
                                 "whatever the host), or embedded and matched or added as the person signup "
                                 "helper does; add_tags go on them either way. "
                                 "403: the person may not take part; 409: the action is not open, or they "
                                 "cannot be signed up again.")


OPERATIONS: dict[str, dict[str, Operation]] = {
    "entry_point": {"get": Operation("The API entry point (AEP): the collections and where they are",
                                     "Entry point", "EntryPoint", answer="The entry point.")},
    "people": {"get": listing("people", PEOPLE.filters, "People", "List people")},
    "person": {"get": reading("Person", "People", "Get a person")},
    "person_signup": {"post": Operation(
        "Person signup helper: add a person, or update the one with this e-mail address (else phone number)",
        "People", "Person", statuses=(200, 201), answer="201: a new person; 200: the person found and updated.",
        body="PersonRequest", query=("background_processing",), errors=(409,), example=PERSON_EXAMPLE,
        description="Arrays and custom_fields are merged, not replaced; add_tags and remove_tags name tags "
                    "(unknown names are ignored). A new person gets e-mail updates when the request's status "
                    "says subscribed or the key is set to subscribe new people. 409: another person has the "
                    "address, or another request is writing this person.")},
    "person_update": {"put": Operation("Update a person", "People", "Person", body="PersonRequest",
                                       query=("background_processing",), errors=(409,),
                                       example={"given_name": "Nina", "custom_fields": {"ward": "8"}},
                                       description="As the signup helper, for the person the path names.")},
    "tags": {"get": listing("tags", TAGS.filters, "Tags", "List tags")},
    "tag": {"get": reading("Tag", "Tags", "Get a tag")},
    "tag_create": {"post": Operation("Make a tag", "Tags", "Tag", statuses=(200, 201),
                                     answer="201: the new tag; 200: the tag that has this name already.",
                                     body="TagRequest", example={"name": "Speakers bureau volunteers"})},
    "tag_taggings": {"get": listing("taggings", TAG_TAGGINGS.filters, "Tags", "List a tag's taggings")},
    "person_taggings": {"get": listing("taggings", PERSON_TAGGINGS.filters, "Tags", "List a person's taggings")},
    "tagging": {"get": reading("Tagging", "Tags", "Get a tagging")},
    "tagging_create": {"post": Operation("Tag a person", "Tags", "Tagging", statuses=(200, 201),
                                         answer="201: the new tagging; 200: the person had the tag already.",
                                         body="TaggingRequest", query=("background_processing",),
                                         example=PERSON_LINK_EXAMPLE)},
    "tagging_delete": {"delete": Operation("Take the tag off the person", "Tags", "Notice",
                                           answer="Action Network's notice that the tagging was deleted.")},
    "donations": {"get": listing("donations", DONATIONS.filters, "Donations", "List donations (paid gifts)")},
    "donation": {"get": reading("Donation", "Donations", "Get a donation")},
    "person_donations": {"get": listing("donations", DONATIONS.filters, "Donations", "List a person's donations")},
    "petitions": {"get": listing("petitions", PETITIONS.filters, "Petitions", "List petitions")},
    "petition": {"get": reading("Petition", "Petitions", "Get a petition")},
    "petition_signatures": {"get": listing("signatures", SIGNATURES.filters, "Petitions", "List a petition's signatures")},
    "record_signature": {"post": taking_part("Signature", "Petitions", "Record a signature (record signature helper)")},
    "signature": {"get": reading("Signature", "Petitions", "Get a signature")},
    "person_signatures": {"get": listing("signatures", SIGNATURES.filters, "Petitions", "List a person's signatures")},
    "events": {"get": listing("events", EVENTS.filters, "Events", "List events")},
    "event": {"get": reading("Event", "Events", "Get an event")},
    "event_attendances": {"get": listing("attendances", ATTENDANCES.filters, "Events", "List an event's attendances")},
    "record_attendance": {"post": taking_part("Attendance", "Events",
                                              "Register a person (record attendance helper): a seat, or the waiting list")},
    "attendance": {"get": reading("Attendance", "Events", "Get an attendance")},
    "person_attendances": {"get": listing("attendances", ATTENDANCES.filters, "Events", "List a person's attendances")},
    "advocacy_campaigns": {"get": listing("advocacy_campaigns", CAMPAIGNS.filters, "Advocacy campaigns",
                                          "List advocacy campaigns (letters to officials)")},
    "advocacy_campaign": {"get": reading("AdvocacyCampaign", "Advocacy campaigns", "Get an advocacy campaign")},
    "campaign_outreaches": {"get": listing("outreaches", OUTREACHES.filters, "Advocacy campaigns",
                                           "List a campaign's outreaches (letters sent)")},
    "outreach": {"get": reading("Outreach", "Advocacy campaigns", "Get an outreach")},
    "person_outreaches": {"get": listing("outreaches", OUTREACHES.filters, "Advocacy campaigns",
                                         "List a person's outreaches")},
    "lists": {"get": listing("lists", SEGMENT_FILTERS, "Lists and queries", "List the saved segments as lists")},
    "list_": {"get": reading("List", "Lists and queries", "Get a list")},
    "list_items": {"get": _items("lists")},
    "list_item": {"get": _item()},
    "queries": {"get": listing("queries", SEGMENT_FILTERS, "Lists and queries", "List the saved segments as queries")},
    "query": {"get": reading("Query", "Lists and queries", "Get a query")},
    "query_items": {"get": _items("queries")},
    "query_item": {"get": _item()},
}

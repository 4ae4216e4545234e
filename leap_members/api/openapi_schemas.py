"""What the OpenAPI document says of each operation, and the JSON Schemas of what goes in and out.

OPERATIONS is keyed by endpoint name (the view function's name) and method; openapi.py adds the
parameters of the path, the key, and the error answers every operation can give. The schemas are
strict where a client relies on the shape: required keys, no unknown keys, dates in UTC with ``Z``,
amounts with two decimals.
"""
from dataclasses import dataclass

from ..advocacy.models import ActionStatus
from ..donations.models import GiftStatus
from ..members.categories import CATEGORIES
from ..members.models import MembershipStatus
from ..outreach.models import EmailStatus
from .campaigns import CAMPAIGNS, OUTREACHES
from .donations import DONATIONS
from .entry import COLLECTIONS
from .events import ATTENDANCES, EVENTS
from .hal import HAL
from .lists import PEOPLE_FILTERS, SEGMENT_FILTERS
from .odata import Filterable
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


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(required: dict, optional: dict | None = None) -> dict:
    """An object with these keys (``required`` always present) and no others."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})},
            "additionalProperties": False}


def array(items: dict, **more) -> dict:
    return {"type": "array", "items": items, **more}


STRING = {"type": "string"}
TEXT = {"type": ["string", "null"]}
BOOLEAN = {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
# What hal.iso() writes: UTC, milliseconds, Z.
DATE = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Dollars and cents, e.g. \"25.00\"."}
EMAIL = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+$"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LINK = closed({"href": {"type": "string", "format": "uri"}}, {"title": STRING})
# A link a request names a record with: its href's last path segment is the id, whatever the host.
LINK_IN = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string", "minLength": 1}}}
CURIES = array(closed({"name": {"const": "osdi"}, "href": {"type": "string"}, "templated": {"const": True}}),
               minItems=1)
IDENTIFIERS = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": rf"^[a-z_]+:{UUID}$"},
               "contains": {"type": "string", "pattern": "^leap_members:"},
               "description": "leap_members:<uuid>, and the same uuid under API_EXTRA_ID_SYSTEM when that is set."}


def links(*required: str, optional: tuple[str, ...] = ()) -> dict:
    return closed({"self": LINK, **{name: LINK for name in required}}, {name: LINK for name in optional})


def resource(fields: dict, links_schema: dict, optional: dict | None = None) -> dict:
    """A record as OSDI writes it: identifiers, dates, its fields and its links."""
    return closed({"identifiers": IDENTIFIERS, "created_date": DATE, "modified_date": DATE, **fields,
                   "_links": links_schema}, optional)


def page(name: str, item: str) -> dict:
    """A page of a collection (paging.collection): totals, links, and the records under osdi:<name>."""
    key = f"osdi:{name}"
    return closed({
        "total_pages": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "page": {"type": "integer", "minimum": 1},
        "total_records": COUNT,
        "_links": closed({"self": LINK, key: array(LINK), "curies": CURIES}, {"next": LINK, "previous": LINK}),
        "_embedded": closed({key: array(ref(item))}),
    })


PERSON = resource(
    {
        "given_name": STRING,
        "family_name": STRING,
        "languages_spoken": array(STRING),
        "email_addresses": array(closed({"primary": BOOLEAN, "address": EMAIL,
                                         "status": {"enum": list(EmailStatus.ALL)}}), minItems=1),
        "phone_numbers": array(closed({"primary": BOOLEAN, "number": STRING, "number_type": STRING})),
        "postal_addresses": array(closed({"primary": BOOLEAN, "locality": TEXT, "region": TEXT,
                                          "postal_code": TEXT, "country": STRING})),
        "custom_fields": {"type": "object"},
        "leap:membership": closed({
            "category": {"enum": list(CATEGORIES)},
            "status": {"enum": [status for status in MembershipStatus.ALL if status != MembershipStatus.MERGED]},
            "verified": BOOLEAN,
        }),
    },
    links("osdi:donations", "osdi:signatures", "osdi:attendances", "osdi:taggings"),
    optional={"employer": TEXT, "occupation": TEXT},
)

ENTRY_POINT = closed({
    "motd": STRING, "vendor_name": STRING, "product_name": STRING, "osdi_version": STRING,
    "max_pagesize": {"const": MAX_PER_PAGE},
    "_links": closed({"self": LINK, "curies": CURIES, "docs": LINK, "osdi:people": LINK},
                     {f"osdi:{name}": LINK for name in COLLECTIONS if name != "people"}),
})


ACTION = {   # what petitions, events and letter campaigns share (actions.action_fields)
    "title": STRING, "description": STRING, "summary": STRING, "browser_url": {"type": "string", "format": "uri"},
    "leap:status": {"enum": list(ActionStatus.LABELS)}, "leap:closes_date": {"oneOf": [DATE, {"type": "null"}]},
    "leap:open_to": TEXT,
}
TARGET = closed({"name": STRING, "title": TEXT, "email_addresses": array(closed({"address": STRING})),
                 "postal_addresses": array(closed({"address_lines": array(STRING)}))})
NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}

DONATION = resource(
    {"amount": AMOUNT, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "action_date": DATE,
     "recipients": array(closed({"display_name": STRING, "amount": AMOUNT}), minItems=1),
     "payment": closed({"method": {"enum": ["Credit Card", "Bank Debit"]}, "reference_number": TEXT}),
     "action_network:recurrence": closed({"recurring": BOOLEAN, "period": {"enum": ["Monthly", "None"]}}),
     "leap:status": {"enum": list(GiftStatus.LABELS)}, "leap:refunded_amount": AMOUNT, "leap:fee_covered": AMOUNT,
     "leap:anonymous": BOOLEAN, "leap:tribute": TEXT, "leap:receipt_number": TEXT,
     "leap:donor": closed({"given_name": STRING, "family_name": STRING, "email_address": STRING})},
    links(optional=("osdi:person",)),
)
PETITION = resource({**ACTION, "target": array({"type": "object"}), "total_signatures": COUNT,
                     "leap:goal": {"type": ["integer", "null"], "minimum": 0}},
                    links("osdi:signatures", "osdi:record_signature_helper"))
SIGNATURE = resource({"comments": TEXT}, links("osdi:petition", "osdi:person"))
EVENT = resource(
    {**ACTION, "start_date": NULLABLE_DATE, "end_date": NULLABLE_DATE, "leap:timezone": STRING,
     "status": {"enum": ["confirmed", "tentative"]}, "capacity": {"type": ["integer", "null"], "minimum": 0},
     "total_accepted": COUNT, "leap:total_waitlisted": COUNT, "leap:online": BOOLEAN, "instructions": TEXT},
    links("osdi:attendances", "osdi:record_attendance_helper"),
    optional={"location": closed({"venue": STRING})},
)
ATTENDANCE = resource(
    {"status": {"enum": ["accepted", "tentative"]}, "leap:status": {"enum": ["registered", "waitlisted"]},
     "leap:waitlist_position": {"type": ["integer", "null"], "minimum": 1}, "comments": TEXT},
    links("osdi:event", "osdi:person"),
)
ADVOCACY_CAMPAIGN = resource({**ACTION, "type": {"const": "email"}, "targets": array(TARGET),
                              "total_outreaches": COUNT, "leap:letter_subject": TEXT, "leap:letter_template": TEXT},
                             links("osdi:outreaches"))
OUTREACH = resource({"type": {"const": "email"}, "subject": TEXT, "message": TEXT, "targets": array(TARGET),
                     "leap:signature": TEXT, "leap:letters_emailed": COUNT},
                    links("osdi:advocacy_campaign", "osdi:person"))
LIST = resource({"name": STRING, "title": STRING, "description": STRING,
                 "total_people": {"type": ["integer", "null"], "minimum": 0}},
                links("osdi:items"), optional={"leap:problem": STRING})
ITEM = closed({"created_date": DATE, "modified_date": DATE, "item_type": {"const": "osdi:person"},
               "_links": {**links("osdi:person", optional=("osdi:list", "osdi:query")),
                          "oneOf": [{"required": ["osdi:list"]}, {"required": ["osdi:query"]}]}})
# Signing a petition or registering for an event (signups.take_part): the person by link or embedded.
SIGNUP_BODY = closed({}, {
    "comments": TEXT,
    "_links": {"type": "object", "properties": {"osdi:person": LINK_IN}},
    "person": {"type": "object", "required": ["email_addresses"],
               "properties": {"email_addresses": array({"type": "object", "required": ["address"],
                                                        "properties": {"address": EMAIL, "primary": BOOLEAN}},
                                                       minItems=1)}},
    "identifiers": array(STRING), "origin_system": STRING, "triggers": {"type": "object"},
    "action_network:referrer_data": {"type": "object"},
})

def text_in(limit: int) -> dict:
    """A text a request may send: null reads as not given."""
    return {"type": ["string", "null"], "maxLength": limit}


ANY: dict = {}   # accepted and ignored
FLAG_IN = {"type": ["boolean", "null"]}


def entries_in(fields: dict) -> dict:
    return {"type": ["array", "null"], "maxItems": 100, "items": closed({}, fields)}


# What a client may send about a person (person_fields.read_person); the fields a GET gives and
# nothing writes (identifiers, dates, links, membership, employer, occupation) are accepted and ignored.
PERSON_IN_FIELDS = {
    "given_name": text_in(80), "family_name": text_in(80),
    "email_addresses": entries_in({"address": {**text_in(254), "format": "email"}, "primary": FLAG_IN, "address_type": text_in(40),
                                   "status": {"enum": [*EmailStatus.ALL, None]}}),
    "phone_numbers": entries_in({"number": text_in(30), "primary": FLAG_IN, "number_type": text_in(40),
                                 "status": text_in(40)}),
    "postal_addresses": entries_in({"locality": text_in(100), "region": text_in(60), "postal_code": text_in(20),
                                    "country": text_in(60), "language": text_in(20), "primary": FLAG_IN,
                                    "address_lines": {"type": ["array", "null"], "maxItems": 100,
                                                      "items": text_in(200)},
                                    "location": {"type": ["object", "null"]}}),
    "custom_fields": {"type": ["object", "null"], "maxProperties": 100,
                      "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
    "languages_spoken": {"type": ["array", "null"], "maxItems": 100, "items": text_in(20)},
    **{name: ANY for name in ("identifiers", "created_date", "modified_date", "_links", "leap:membership",
                              "employer", "occupation")},
}
TAG_NAMES_IN = {"type": ["array", "null"], "maxItems": 100, "items": text_in(1000)}
TAG_CHANGES = {"add_tags": TAG_NAMES_IN, "remove_tags": TAG_NAMES_IN}
# {"person": {...}, "add_tags": [...]} as the signup helper takes it, or the fields at the top level.
PERSON_REQUEST = {"anyOf": [closed({"person": closed({}, PERSON_IN_FIELDS)}, TAG_CHANGES),
                            closed({}, {**PERSON_IN_FIELDS, **TAG_CHANGES})]}
TAG = resource({"name": STRING}, links("osdi:taggings"))
TAGGING = resource({"item_type": {"const": "osdi:person"}}, links("osdi:tag", "osdi:person"))
TAG_REQUEST = closed({"name": text_in(1000)}, {name: ANY for name in ("identifiers", "created_date",
                                                                      "modified_date", "_links")})
TAGGING_REQUEST = closed({"_links": {"type": "object", "required": ["osdi:person"],
                                     "properties": {"osdi:person": LINK_IN}}},
                         {name: ANY for name in ("item_type", "identifiers", "created_date", "modified_date")})

COMPONENTS: dict[str, dict] = {
    "Error": closed({"error": {"type": "string", "minLength": 1}}),
    "Link": LINK,
    "EntryPoint": ENTRY_POINT,
    "Person": PERSON,
    "Donation": DONATION,
    "Petition": PETITION,
    "Signature": SIGNATURE,
    "Event": EVENT,
    "Attendance": ATTENDANCE,
    "AdvocacyCampaign": ADVOCACY_CAMPAIGN,
    "Outreach": OUTREACH,
    "List": LIST,
    "Query": LIST,   # the same saved segments under OSDI's other name
    "Item": ITEM,
    "SignupRequest": SIGNUP_BODY,
    "PersonRequest": PERSON_REQUEST,
    "Tag": TAG,
    "Tagging": TAGGING,
    "TagRequest": TAG_REQUEST,
    "TaggingRequest": TAGGING_REQUEST,
    "Notice": closed({"notice": STRING}),
}
# Each collection's page, by the collection's name (its osdi:<name>), with the component of its records.
PAGES = {"people": "Person", "donations": "Donation", "petitions": "Petition", "signatures": "Signature",
         "events": "Event", "attendances": "Attendance", "advocacy_campaigns": "AdvocacyCampaign",
         "outreaches": "Outreach", "lists": "List", "queries": "Query", "items": "Item", "tags": "Tag",
         "taggings": "Tagging"}


def page_component(name: str) -> str:
    """``advocacy_campaigns`` pages are AdvocacyCampaignsPage."""
    return "".join(part.title() for part in name.split("_")) + "Page"


COMPONENTS.update({page_component(name): page(name, item) for name, item in PAGES.items()})

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


def taking_part(component: str, group: str, summary: str) -> Operation:
    """A sign-up POST: 201 when it is new, 200 with the existing one when the person already takes part."""
    return Operation(summary, group, component, statuses=(200, 201),
                     answer="201: the new sign-up; 200: the one the person already had.",
                     body="SignupRequest", query=("background_processing",), errors=(409,),
                     example={"comments": "Treatment, not jail.", **PERSON_LINK_EXAMPLE},
                     description="The person is named by _links.osdi:person (its href's last path segment, "
                                 "whatever the host) or an embedded person with an existing e-mail address. "
                                 "403: the person may not take part; 409: the action is not open, or they "
                                 "cannot be signed up again.")


PERSON_EXAMPLE = {"person": {"given_name": "Nia", "family_name": "Okafor",
                             "email_addresses": [{"address": "nia.okafor@example.org", "status": "subscribed"}],
                             "postal_addresses": [{"locality": "Dayton", "region": "OH", "postal_code": "45402"}],
                             "custom_fields": {"ward": "7"}},
                  "add_tags": ["Speakers bureau volunteers"]}
PERSON_LINK_EXAMPLE = {"_links": {"osdi:person": {"href": "https://example.org/api/v2/people/"
                                                          "c945d6fe-929e-11e3-a2e9-12313d316c29"}}}

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
